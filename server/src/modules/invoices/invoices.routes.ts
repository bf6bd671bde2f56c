import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../http/auth.ts";
import { idParams, queryBool } from "../../http/fields.ts";
import { registerCrudRoutes } from "../shared/crud-routes.ts";
import { createInvoiceSchema, customerUpdateSchema, invoicePatchSchema } from "./invoice.schemas.ts";
import type { InvoicesService } from "./invoices.service.ts";

export function registerInvoiceRoutes(root: FastifyInstance, invoices: InvoicesService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["invoices"];
  // Anonymous callers may create invoices when the store allows it (the store's public checkout and POS do).
  const optional = { scopes: ["invoice_management" as const], optional: true };

  app.post("/invoices", { config: { auth: optional }, schema: { tags, body: createInvoiceSchema } }, (request) =>
    invoices.createInvoice(request.actor, request.body),
  );
  app.post(
    "/invoices/order_id/:order_id",
    {
      config: { auth: optional },
      schema: { tags, params: z.object({ order_id: z.string().min(1).max(255) }), body: createInvoiceSchema },
    },
    (request) => invoices.getOrCreateByOrder(request.actor, request.params.order_id, request.body),
  );
  app.get(
    "/invoices/export",
    {
      config: { auth: { scopes: ["invoice_management"] } },
      schema: {
        tags,
        querystring: z.object({
          export_format: z.enum(["json", "csv"]).default("json"),
          add_payments: queryBool(false),
          all_users: queryBool(false),
        }),
      },
    },
    async (request, reply) => {
      const { export_format, add_payments, all_users } = request.query;
      const body = await invoices.export(requireActor(request), export_format, add_payments, all_users);
      const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
      return reply
        .header("content-disposition", `attachment; filename="till-export-${stamp}.${export_format}"`)
        .type(export_format === "json" ? "application/json" : "text/csv; charset=utf-8")
        .send(body);
    },
  );
  app.get("/invoices/:id", { schema: { tags, params: idParams } }, (request) => invoices.getPublic(request.params.id));
  app.patch("/invoices/:id/customer", { schema: { tags, params: idParams, body: customerUpdateSchema } }, (request) =>
    invoices.updateCustomer(request.params.id, request.body),
  );
  registerCrudRoutes(app, {
    prefix: "/invoices",
    tag: "invoices",
    scope: "invoice_management",
    service: invoices,
    createSchema: createInvoiceSchema,
    patchSchema: invoicePatchSchema,
    skip: ["create", "get"],
  });
}
