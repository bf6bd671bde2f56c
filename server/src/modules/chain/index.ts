export { registerChainRoutes } from "./chain.routes.ts";
export { DbChainStateStore } from "./chain-state.repository.ts";
