import type { Db } from "../../db/database.ts";
import type { WebhookDeliveriesTable, WebhooksTable } from "../../db/tables.ts";
import { CrudRepository } from "../shared/crud-repository.ts";
import type { ListParams } from "../shared/list-params.ts";

export class WebhookRepository {
  private readonly webhooks: CrudRepository<"webhooks">;
  private readonly deliveries: CrudRepository<"webhook_deliveries">;

  constructor(private readonly db: Db) {
    this.webhooks = new CrudRepository(db, {
      table: "webhooks",
      columns: ["id", "store_id", "url", "enabled", "description", "created", "updated"],
      textColumns: ["url", "description"],
      boolColumns: ["enabled"],
      ownerColumn: null,
    });
    this.deliveries = new CrudRepository(db, {
      table: "webhook_deliveries",
      columns: ["id", "event_id", "event_type", "status", "attempt", "response_status", "created"],
      textColumns: ["event_id", "event_type", "status"],
      intColumns: ["attempt", "response_status"],
      ownerColumn: null,
    });
  }

  /** The store's owner, or undefined when there is no such store. */
  async storeOwner(storeId: string): Promise<string | undefined> {
    const row = await this.db.kysely
      .selectFrom("stores")
      .select("user_id")
      .where("id", "=", storeId)
      .executeTakeFirst();
    return row?.user_id;
  }

  listForStore(storeId: string, params: ListParams) {
    return this.webhooks.list(null, params, (q) => q.where("store_id", "=", storeId));
  }

  findInStore(storeId: string, id: string): Promise<WebhooksTable | undefined> {
    return this.db.kysely
      .selectFrom("webhooks")
      .selectAll()
      .where("id", "=", id)
      .where("store_id", "=", storeId)
      .executeTakeFirst();
  }

  findById(id: string): Promise<WebhooksTable | undefined> {
    return this.db.kysely.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** The webhook when its store belongs to `userId`. */
  findOwned(userId: string, id: string): Promise<WebhooksTable | undefined> {
    return this.db.kysely
      .selectFrom("webhooks")
      .innerJoin("stores", "stores.id", "webhooks.store_id")
      .selectAll("webhooks")
      .where("webhooks.id", "=", id)
      .where("stores.user_id", "=", userId)
      .executeTakeFirst();
  }

  enabledForStore(storeId: string): Promise<WebhooksTable[]> {
    return this.db.kysely
      .selectFrom("webhooks")
      .selectAll()
      .where("store_id", "=", storeId)
      .where("enabled", "=", 1)
      .orderBy("created")
      .orderBy("id")
      .execute();
  }

  insert(row: WebhooksTable): Promise<void> {
    return this.webhooks.insert(row);
  }

  update(id: string, patch: Partial<WebhooksTable>): Promise<void> {
    return this.webhooks.update(id, patch);
  }

  async delete(id: string): Promise<void> {
    await this.db.kysely.deleteFrom("webhooks").where("id", "=", id).execute();
  }

  async insertDelivery(row: WebhookDeliveriesTable): Promise<void> {
    await this.db.kysely.insertInto("webhook_deliveries").values(row).execute();
  }

  listDeliveries(webhookId: string, params: ListParams) {
    return this.deliveries.list(null, params, (q) => q.where("webhook_id", "=", webhookId));
  }

  findDelivery(webhookId: string, id: string): Promise<WebhookDeliveriesTable | undefined> {
    return this.db.kysely
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("id", "=", id)
      .where("webhook_id", "=", webhookId)
      .executeTakeFirst();
  }
}
