export { DEFAULT_TEMPLATES, type TemplateName } from "./default-templates.ts";
export { presentTemplate, type TemplateView } from "./template.presenter.ts";
export { TemplateRepository } from "./template.repository.ts";
export { ALL_TEMPLATE_NAMES, TEMPLATE_GROUPS, type TemplateGroup } from "./template-names.ts";
export { checkTemplate, renderTemplate } from "./template-renderer.ts";
export { describeFailure, type Rendered, type RenderRequest, TemplateResolver } from "./template-resolver.ts";
export { registerTemplateRoutes } from "./templates.routes.ts";
export { TemplatesService } from "./templates.service.ts";
