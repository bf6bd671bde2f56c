import type { Db } from "../../db/database.ts";
import { isoNow } from "../../kernel/clock.ts";
import { CrudRepository } from "../shared/crud-repository.ts";

export class NotificationRepository extends CrudRepository<"notifications"> {
  constructor(db: Db) {
    super(db, {
      table: "notifications",
      columns: ["id", "user_id", "name", "provider", "created", "updated"],
      textColumns: ["name", "provider"],
      ownerColumn: "user_id",
    });
  }

  /** The providers linked to a store, with the events each fires on. */
  linkedToStore(storeId: string) {
    return this.db.kysely
      .selectFrom("notifications_stores")
      .innerJoin("notifications", "notifications.id", "notifications_stores.notification_id")
      .select(["notifications.id", "notifications.events"])
      .where("notifications_stores.store_id", "=", storeId)
      .orderBy("notifications.id")
      .execute();
  }

  /** The stores a provider is linked to. */
  async storesOf(id: string): Promise<string[]> {
    const rows = await this.db.kysely
      .selectFrom("notifications_stores")
      .select("store_id")
      .where("notification_id", "=", id)
      .orderBy("store_id")
      .execute();
    return rows.map((r) => r.store_id);
  }

  /** Written outside the delivering job's transaction: the outcome is kept even when the job is retried. */
  async recordDelivery(id: string, outcome: { sent: boolean; error: string | null }): Promise<void> {
    const lastError = outcome.error === null ? null : outcome.error.slice(0, 2000);
    await this.db.kysely
      .updateTable("notifications")
      .set(outcome.sent ? { last_error: lastError, last_sent_at: isoNow() } : { last_error: lastError })
      .where("id", "=", id)
      .execute();
  }
}
