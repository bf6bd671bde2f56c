export { type CurrencyData, currencyData } from "./currency-data.ts";
export type { PublicStoreView, StoreView } from "./store.presenter.ts";
export { StoreRepository } from "./store.repository.ts";
export { readCheckout } from "./store-settings.ts";
export { registerStoreRoutes } from "./stores.routes.ts";
export { type StoresDeps, StoresService } from "./stores.service.ts";
