import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { registerCrudRoutes } from "../shared/crud-routes.ts";
import { createTemplateSchema, templateListQuery, templatePatchSchema } from "./template.schemas.ts";
import type { TemplatesService } from "./templates.service.ts";

export function registerTemplateRoutes(root: FastifyInstance, templates: TemplatesService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get("/templates/list", { schema: { tags: ["templates"], querystring: templateListQuery } }, (request) =>
    templates.listNames(request.query.applicable_to, request.query.show_all),
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
