import type { Db } from "../../db/database.ts";
import type { StoresTable } from "../../db/tables.ts";
import { CrudRepository } from "../shared/crud-repository.ts";

/** What a store may link to; used only to check that linked ids belong to the caller. */
export interface LinkTargets {
  wallets: CrudRepository<"wallets">;
  notifications: CrudRepository<"notifications">;
  templates: CrudRepository<"templates">;
}

export class StoreRepository extends CrudRepository<"stores"> {
  readonly linkTargets: LinkTargets;

  constructor(db: Db) {
    super(db, {
      table: "stores",
      columns: ["id", "user_id", "name", "default_currency", "created", "updated"],
      textColumns: ["name", "default_currency"],
      ownerColumn: "user_id",
    });
    this.linkTargets = {
      wallets: new CrudRepository(db, { table: "wallets", columns: ["id"], textColumns: [], ownerColumn: "user_id" }),
      notifications: new CrudRepository(db, {
        table: "notifications",
        columns: ["id"],
        textColumns: [],
        ownerColumn: "user_id",
      }),
      templates: new CrudRepository(db, {
        table: "templates",
        columns: ["id"],
        textColumns: [],
        ownerColumn: "user_id",
      }),
    };
  }

  findById(id: string): Promise<StoresTable | undefined> {
    return this.db.kysely.selectFrom("stores").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Wallet ids per store, in the order the merchant gave them. */
  async walletIds(storeIds: readonly string[]): Promise<Map<string, string[]>> {
    if (!storeIds.length) return new Map();
    const rows = await this.db.kysely
      .selectFrom("wallets_stores")
      .select(["store_id", "wallet_id"])
      .where("store_id", "in", [...storeIds])
      .orderBy("store_id")
      .orderBy("position")
      .execute();
    return group(rows.map((r) => [r.store_id, r.wallet_id]));
  }

  async notificationIds(storeIds: readonly string[]): Promise<Map<string, string[]>> {
    if (!storeIds.length) return new Map();
    const rows = await this.db.kysely
      .selectFrom("notifications_stores")
      .select(["store_id", "notification_id"])
      .where("store_id", "in", [...storeIds])
      .orderBy("store_id")
      .orderBy("notification_id")
      .execute();
    return group(rows.map((r) => [r.store_id, r.notification_id]));
  }

  async replaceWallets(storeId: string, walletIds: readonly string[]): Promise<void> {
    await this.db.transaction(async () => {
      const trx = this.db.kysely;
      await trx.deleteFrom("wallets_stores").where("store_id", "=", storeId).execute();
      if (walletIds.length) {
        await trx
          .insertInto("wallets_stores")
          .values(walletIds.map((wallet_id, position) => ({ store_id: storeId, wallet_id, position })))
          .execute();
      }
    });
  }

  async replaceNotifications(storeId: string, notificationIds: readonly string[]): Promise<void> {
    await this.db.transaction(async () => {
      const trx = this.db.kysely;
      await trx.deleteFrom("notifications_stores").where("store_id", "=", storeId).execute();
      if (notificationIds.length) {
        await trx
          .insertInto("notifications_stores")
          .values(notificationIds.map((notification_id) => ({ store_id: storeId, notification_id })))
          .execute();
      }
    });
  }
}

function group(pairs: [string, string][]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [key, value] of pairs) {
    const list = map.get(key) ?? [];
    list.push(value);
    map.set(key, list);
  }
  return map;
}
