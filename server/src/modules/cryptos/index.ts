export { type CryptoRates, registerCryptoRateRoutes } from "./crypto-rates.routes.ts";
export { registerCryptoRoutes, SUPPORTED_CRYPTOS } from "./cryptos.routes.ts";
