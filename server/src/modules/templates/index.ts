export { presentTemplate, type TemplateView } from "./template.presenter.ts";
export { TemplateRepository } from "./template.repository.ts";
export { ALL_TEMPLATE_NAMES, TEMPLATE_GROUPS, type TemplateGroup } from "./template-names.ts";
export { registerTemplateRoutes } from "./templates.routes.ts";
export { TemplatesService } from "./templates.service.ts";
