export { registerManageRoutes } from "./manage.routes.ts";
export { type GlobalStorePolicy, type Policy, policySchema } from "./policies.ts";
export { SettingsRepository } from "./settings.repository.ts";
export { SettingsService } from "./settings.service.ts";
