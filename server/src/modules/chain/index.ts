export { DbChainStateStore } from "./chain-state.repository.ts";
export { registerChainRoutes } from "./chain.routes.ts";
