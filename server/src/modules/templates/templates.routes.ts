import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { requireActor } from "../../http/auth.ts";
import { idParams } from "../../http/fields.ts";
import { registerCrudRoutes } from "../shared/crud-routes.ts";
import {
  createTemplateSchema,
  templateListQuery,
  templatePatchSchema,
  templatePreviewSchema,
} from "./template.schemas.ts";
import type { TemplatesService } from "./templates.service.ts";

export function registerTemplateRoutes(root: FastifyInstance, templates: TemplatesService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get("/templates/list", { schema: { tags: ["templates"], querystring: templateListQuery } }, (request) =>
    templates.listNames(request.query.applicable_to, request.query.show_all),
  );
  // A dry run for the merchant: the output with sample variables, or the line and reason it fails.
  app.post(
    "/templates/:id/preview",
    {
      config: { auth: { scopes: ["template_management"] } },
      schema: { tags: ["templates"], params: idParams, body: templatePreviewSchema },
    },
    (request) => templates.preview(requireActor(request), request.params.id, request.body),
  );
  registerCrudRoutes(app, {
    prefix: "/templates",
    tag: "templates",
    scope: "template_management",
    service: templates,
    createSchema: createTemplateSchema,
    patchSchema: templatePatchSchema,
  });
}
