export { type HealthProbe, registerMiscRoutes } from "./misc.routes.ts";
