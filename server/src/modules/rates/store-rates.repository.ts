import type { Db } from "../../db/database.ts";
import { fromJson } from "../../db/json.ts";

/** Read-only: which currencies and rules stores use, so their rates are kept fresh in the background. */
export class StoreRatesRepository {
  constructor(private readonly db: Db) {}

  /** Each distinct (rules, default currency) among stores. */
  async rulesInUse(): Promise<{ rules: string; defaultCurrency: string }[]> {
    const rows = await this.db.kysely.selectFrom("stores").select(["default_currency", "checkout_settings"]).execute();
    const seen = new Map<string, { rules: string; defaultCurrency: string }>();
    for (const row of rows) {
      const settings = fromJson<{ rate_rules?: unknown }>(row.checkout_settings, {});
      const rules = typeof settings?.rate_rules === "string" ? settings.rate_rules : "";
      seen.set(JSON.stringify([rules, row.default_currency]), { rules, defaultCurrency: row.default_currency });
    }
    return [...seen.values()];
  }
}
