import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { requireActor } from "../../http/auth.ts";
import { batchBody, idParams } from "../../http/fields.ts";
import { requestUrl } from "../shared/crud-routes.ts";
import { pageEnvelope } from "../shared/list-params.ts";
import { readUploadForm } from "../shared/upload-form.ts";
import { validateBody } from "../shared/validate-body.ts";
import { createProductSchema, patchProductSchema, productListQuery, storeQuery } from "./product.schemas.ts";
import type { ProductsService } from "./products.service.ts";

/**
 * Bitcart's product routes. Create and edit take multipart (`data` JSON + optional `image`) or plain JSON.
 * Reads are public when `?store=` names the store; otherwise they need product_management.
 */
export function registerProductRoutes(root: FastifyInstance, products: ProductsService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["products"];
  const auth = { scopes: ["product_management" as const] };
  const publicWithStore = { scopes: ["product_management" as const], optional: true };

  app.get(
    "/products",
    { config: { auth: publicWithStore }, schema: { tags, querystring: productListQuery } },
    async (request) => {
      const query = request.query;
      const { items, count } = await products.browse(request.actor, query);
      const result = query.autocomplete ? items.map((item) => ({ id: item.id, name: item.name })) : items;
      return pageEnvelope<unknown>(result, count, query, requestUrl(request));
    },
  );
  app.get(
    "/products/count",
    { config: { auth: publicWithStore }, schema: { tags, querystring: productListQuery } },
    (request) => products.browseCount(request.actor, request.query),
  );
  app.get(
    "/products/categories",
    { config: { auth: publicWithStore }, schema: { tags, querystring: storeQuery } },
    (request) => products.categories(request.actor, request.query.store),
  );
  app.get(
    "/products/maxprice",
    { config: { auth: publicWithStore }, schema: { tags, querystring: storeQuery } },
    async (request, reply) => {
      // A bare string would go out as text/plain; Bitcart's store expects a JSON value.
      const price = await products.maxPrice(request.actor, request.query.store);
      return reply.type("application/json; charset=utf-8").send(JSON.stringify(price));
    },
  );
  app.get(
    "/products/:id",
    { config: { auth: publicWithStore }, schema: { tags, params: idParams, querystring: storeQuery } },
    (request) => products.getForCaller(request.actor, request.params.id, request.query.store),
  );
  app.post("/products", { config: { auth }, schema: { tags } }, async (request) => {
    const actor = requireActor(request);
    const form = await readUploadForm(request, "image");
    return products.create(actor, { fields: validateBody(createProductSchema, form.data), image: form.file });
  });
  app.patch("/products/:id", { config: { auth }, schema: { tags, params: idParams } }, async (request) => {
    const actor = requireActor(request);
    const form = await readUploadForm(request, "image");
    return products.update(actor, request.params.id, {
      fields: validateBody(patchProductSchema, form.data),
      image: form.file,
    });
  });
  app.delete("/products/:id", { config: { auth }, schema: { tags, params: idParams } }, (request) =>
    products.remove(requireActor(request), request.params.id),
  );
  app.post("/products/batch", { config: { auth }, schema: { tags, body: batchBody } }, (request) =>
    products.batch(requireActor(request), request.body.command, request.body.ids, request.body.options),
  );
}
