import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";

/** What the coin rate routes need: the rates module's service answers both. */
export interface CryptoRates {
  coinRate(currency: string, fiat: string): Promise<string>;
  fiatList(query: string | undefined): string[];
}

/** Bitcart's public `GET /cryptos/rate` and `GET /cryptos/fiatlist`. */
export function registerCryptoRateRoutes(root: FastifyInstance, rates: CryptoRates): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["cryptos"];
  app.get(
    "/cryptos/rate",
    {
      schema: {
        tags,
        querystring: z.object({
          currency: z.string().trim().min(1).max(20).default("btc"),
          fiat_currency: z.string().trim().min(1).max(20).default("USD"),
        }),
      },
    },
    async (request, reply) => {
      const rate = await rates.coinRate(request.query.currency, request.query.fiat_currency);
      // A JSON string ("67321.12"): exact, where a JSON number would pass through a float in most clients.
      return reply.type("application/json; charset=utf-8").send(JSON.stringify(rate));
    },
  );
  app.get(
    "/cryptos/fiatlist",
    { schema: { tags, querystring: z.object({ query: z.string().max(200).optional() }) } },
    (request) => rates.fiatList(request.query.query),
  );
}
