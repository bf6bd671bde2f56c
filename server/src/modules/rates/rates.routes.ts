import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { requireActor } from "../../http/auth.ts";
import { idParams } from "../../http/fields.ts";
import { rateRulesBody, ratesPreviewBody, rulesText, storeRatesQuery, walletRateQuery } from "./rates.schemas.ts";
import type { RatesService } from "./rates.service.ts";

/** Answers a JSON string (`"50000.5"`), as Bitcart does; Fastify would send a bare string as text/plain. */
export const sendJsonString = (reply: FastifyReply, value: string) =>
  reply.type("application/json; charset=utf-8").send(JSON.stringify(value));

/** Rate routes that live under stores and wallets (Bitcart's paths), and the providers' health. */
export function registerRateRoutes(root: FastifyInstance, rates: RatesService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.patch(
    "/stores/:id/rate_rules",
    {
      config: { auth: { scopes: ["store_management"] } },
      schema: { tags: ["stores"], params: idParams, body: rateRulesBody },
    },
    async (request, reply) =>
      sendJsonString(
        reply,
        await rates.setStoreRules(requireActor(request), request.params.id, rulesText(request.body)),
      ),
  );
  app.get(
    "/stores/:id/rates",
    { schema: { tags: ["stores"], params: idParams, querystring: storeRatesQuery } },
    (request) => rates.storeRates(request.params.id, request.query.currencies),
  );
  app.post(
    "/stores/:id/rates/preview",
    {
      config: { auth: { scopes: ["store_management"] } },
      schema: { tags: ["stores"], params: idParams, body: ratesPreviewBody },
    },
    (request) =>
      rates.previewStoreRates(
        requireActor(request),
        request.params.id,
        request.body.rate_rules,
        request.body.currencies,
      ),
  );
  app.get(
    "/wallets/balance",
    { config: { auth: { scopes: ["wallet_management"] } }, schema: { tags: ["wallets"] } },
    async (request, reply) => sendJsonString(reply, await rates.walletsBalance(requireActor(request))),
  );
  app.get(
    "/wallets/:id/rate",
    { schema: { tags: ["wallets"], params: idParams, querystring: walletRateQuery } },
    async (request, reply) => sendJsonString(reply, await rates.walletRate(request.params.id, request.query.currency)),
  );
  app.get("/rates/health", { config: { auth: { scopes: ["server_management"] } }, schema: { tags: ["rates"] } }, () =>
    rates.health(),
  );
}
