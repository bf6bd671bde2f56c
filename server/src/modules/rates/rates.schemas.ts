import { z } from "zod";

const RULES_MAX = 10_000;

/** Bitcart's admin sends the rules as a bare JSON string; `{rate_rules: "…"}` and a text/plain body work too. */
export const rateRulesBody = z.union([z.string().max(RULES_MAX), z.object({ rate_rules: z.string().max(RULES_MAX) })]);

export const rulesText = (body: z.output<typeof rateRulesBody>): string =>
  typeof body === "string" ? body : body.rate_rules;

export const storeRatesQuery = z.object({ currencies: z.string().max(2000).default("") });

export const ratesPreviewBody = z.object({
  rate_rules: z.string().max(RULES_MAX),
  currencies: z.string().max(2000).default(""),
});

export const walletRateQuery = z.object({ currency: z.string().trim().min(1).max(20).default("USD") });
