export { registerCryptoRoutes, SUPPORTED_CRYPTOS } from "./cryptos.routes.ts";
