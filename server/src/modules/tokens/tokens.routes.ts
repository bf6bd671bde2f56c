import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { requireActor } from "../../http/auth.ts";
import { listQuerySchema } from "../../http/fields.ts";
import { registerCrudRoutes, requestUrl } from "../shared/crud-routes.ts";
import { pageEnvelope } from "../shared/list-params.ts";
import { createTokenSchema, editTokenSchema, tokenListQuery } from "./token.schemas.ts";
import type { TokensService } from "./tokens.service.ts";

export function registerTokenRoutes(root: FastifyInstance, tokens: TokensService, loginRateLimit: number): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["tokens"];
  const auth = { scopes: ["token_management" as const] };

  app.post(
    "/token",
    {
      config: { auth: { scopes: [], optional: true }, rateLimit: { max: loginRateLimit, timeWindow: "1 minute" } },
      schema: { tags, body: createTokenSchema },
    },
    (request) => tokens.createToken(request.actor, request.body),
  );
  app.get("/token/current", { config: { auth: { scopes: [] } }, schema: { tags } }, (request) =>
    tokens.current(requireActor(request)),
  );
  app.get(
    "/token",
    { config: { auth }, schema: { tags, querystring: listQuerySchema.extend(tokenListQuery.shape) } },
    async (request) => {
      const { app_id, redirect_url, permissions, ...params } = request.query;
      const wanted = permissions === undefined ? [] : Array.isArray(permissions) ? permissions : permissions.split(",");
      const extra = [
        app_id !== undefined ? `app_id:${app_id}` : "",
        redirect_url !== undefined ? `redirect_url:${redirect_url}` : "",
      ].filter(Boolean);
      const query = [params.query, ...extra].filter(Boolean).join(" ");
      const { items, count } = await tokens.list(requireActor(request), { ...params, query });
      const filtered = wanted.length ? items.filter((t) => wanted.every((p) => t.permissions.includes(p))) : items;
      const result = params.autocomplete
        ? filtered.map((t) => ({ id: t.id, name: tokens.autocompleteLabel(t) }))
        : filtered;
      return pageEnvelope<unknown>(result, wanted.length ? filtered.length : count, params, requestUrl(request));
    },
  );
  registerCrudRoutes(app, {
    prefix: "/token",
    tag: "tokens",
    scope: "token_management",
    service: tokens,
    createSchema: createTokenSchema,
    patchSchema: editTokenSchema,
    skip: ["create", "list"],
  });
}
