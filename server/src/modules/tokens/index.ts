export { LoginThrottle } from "./login-throttle.ts";
export { TokenRepository } from "./token.repository.ts";
export { registerTokenRoutes } from "./tokens.routes.ts";
export { presentToken, TokensService, type TokenView } from "./tokens.service.ts";
