import type { Db } from "../../db/database.ts";
import { fromJson, toJson } from "../../db/json.ts";
import { isoNow } from "../../kernel/clock.ts";

/** Named JSON documents (server policy, POS store, …) in the `settings` table. */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  async read(name: string): Promise<unknown> {
    const row = await this.db.kysely.selectFrom("settings").select("value").where("name", "=", name).executeTakeFirst();
    return row ? fromJson<unknown>(row.value, {}) : {};
  }

  async write(name: string, value: unknown): Promise<void> {
    const now = isoNow();
    await this.db.kysely
      .insertInto("settings")
      .values({ name, value: toJson(value), updated: now })
      .onConflict((oc) => oc.column("name").doUpdateSet({ value: toJson(value), updated: now }))
      .execute();
  }

  /** Inserts only when absent; true when this call wrote it. Used to elect the first superuser atomically. */
  async claim(name: string, value: unknown): Promise<boolean> {
    const result = await this.db.kysely
      .insertInto("settings")
      .values({ name, value: toJson(value), updated: isoNow() })
      .onConflict((oc) => oc.column("name").doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }
}
