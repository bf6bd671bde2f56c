import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { type CoinDefinition, explorerTxUrl } from "../../chains/index.ts";
import { notFound } from "../../kernel/errors.ts";

/** Every coin Till can run, by Bitcart's lowercase currency code. */
export const SUPPORTED_CRYPTOS: Record<string, string> = { btc: "Bitcoin", ltc: "Litecoin" };

const envelope = <T>(result: T[]) => ({ count: result.length, next: null, previous: null, result });

/** Public coin information: which coins this server runs, and their explorers. */
export function registerCryptoRoutes(root: FastifyInstance, enabled: () => Map<string, CoinDefinition>): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["cryptos"];
  const currencyParams = z.object({ currency: z.string().min(1).max(20) });
  const coinOf = (currency: string) => {
    const coin = enabled().get(currency.toLowerCase());
    if (!coin) throw notFound("Cryptocurrency");
    return coin;
  };

  app.get("/cryptos", { schema: { tags } }, () => envelope([...enabled().keys()]));
  app.get("/cryptos/supported", { schema: { tags } }, () => SUPPORTED_CRYPTOS);
  // On-chain coins have no tokens; the envelope is what Bitcart's admin expects.
  app.get("/cryptos/tokens/:currency", { schema: { tags, params: currencyParams } }, (request) => {
    coinOf(request.params.currency);
    return envelope<string>([]);
  });
  app.get("/cryptos/explorer/:currency", { schema: { tags, params: currencyParams } }, (request) => {
    const template = explorerTxUrl(coinOf(request.params.currency), "{}");
    return template ?? "";
  });
}
