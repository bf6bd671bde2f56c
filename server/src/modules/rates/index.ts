export { createRatesService, type RatesSettings, type RatesWiring } from "./rates.module.ts";
export { registerRateRoutes } from "./rates.routes.ts";
export { type PriceQuote, type RatesDeps, RatesService, type RateTrace } from "./rates.service.ts";
