import { type Selectable, sql, type Updateable } from "kysely";
import type { Db } from "../../db/database.ts";
import type { WalletAddressesTable, WalletsTable } from "../../db/tables.ts";
import { CrudRepository } from "../shared/crud-repository.ts";

export type WalletRow = Selectable<WalletsTable>;
export type AddressRow = Selectable<WalletAddressesTable>;

export interface NewAddress {
  chain: 0 | 1;
  index: number;
  address: string;
  script: string;
}

export class WalletRepository extends CrudRepository<"wallets"> {
  constructor(db: Db) {
    super(db, {
      table: "wallets",
      columns: [
        "id",
        "name",
        "currency",
        "label",
        "hint",
        "xpub",
        "key_kind",
        "script_type",
        "transaction_speed",
        "created",
        "updated",
      ],
      textColumns: ["id", "name", "currency", "label", "hint", "xpub"],
      boolColumns: ["lightning_enabled", "hot_wallet"],
      intColumns: ["transaction_speed"],
      ownerColumn: "user_id",
    });
  }

  findById(id: string): Promise<WalletRow | undefined> {
    return this.db.kysely.selectFrom("wallets").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /**
   * Hands out the next receive index. One atomic UPDATE … RETURNING: concurrent callers, in one process or
   * many, on SQLite or PostgreSQL, each get a different index.
   */
  async takeReceiveIndex(walletId: string): Promise<number | null> {
    const row = await this.db.kysely
      .updateTable("wallets")
      .set({ receive_index: sql`receive_index + 1` })
      .where("id", "=", walletId)
      .returning("receive_index")
      .executeTakeFirst();
    return row ? Number(row.receive_index) - 1 : null;
  }

  /** The same for the change chain: each payout's change goes to an address never handed out before. */
  async takeChangeIndex(walletId: string): Promise<number | null> {
    const row = await this.db.kysely
      .updateTable("wallets")
      .set({ change_index: sql`change_index + 1` })
      .where("id", "=", walletId)
      .returning("change_index")
      .executeTakeFirst();
    return row ? Number(row.change_index) - 1 : null;
  }

  async insertAddresses(walletId: string, addresses: readonly NewAddress[]): Promise<void> {
    for (let i = 0; i < addresses.length; i += 200) {
      const chunk = addresses.slice(i, i + 200);
      await this.db.kysely
        .insertInto("wallet_addresses")
        .values(
          chunk.map((a) => ({
            wallet_id: walletId,
            chain: a.chain,
            idx: a.index,
            address: a.address,
            script: a.script,
          })),
        )
        .onConflict((oc) => oc.columns(["wallet_id", "chain", "idx"]).doNothing())
        .execute();
    }
  }

  address(walletId: string, chain: 0 | 1, index: number): Promise<AddressRow | undefined> {
    return this.db.kysely
      .selectFrom("wallet_addresses")
      .selectAll()
      .where("wallet_id", "=", walletId)
      .where("chain", "=", chain)
      .where("idx", "=", index)
      .executeTakeFirst();
  }

  async derivedCount(walletId: string, chain: 0 | 1): Promise<number> {
    const row = await this.db.kysely
      .selectFrom("wallet_addresses")
      .select((eb) => eb.fn.max("idx").as("top"))
      .where("wallet_id", "=", walletId)
      .where("chain", "=", chain)
      .executeTakeFirst();
    return row?.top == null ? 0 : Number(row.top) + 1;
  }

  addresses(walletId: string, chain: 0 | 1, from: number, to: number): Promise<AddressRow[]> {
    return this.db.kysely
      .selectFrom("wallet_addresses")
      .selectAll()
      .where("wallet_id", "=", walletId)
      .where("chain", "=", chain)
      .where("idx", ">=", from)
      .where("idx", "<", to)
      .orderBy("idx")
      .execute();
  }

  /** Every derived script of the wallets of one currency: the chain watcher's watch set. */
  async scriptsForCurrency(currency: string): Promise<string[]> {
    const rows = await this.db.kysely
      .selectFrom("wallet_addresses")
      .innerJoin("wallets", "wallets.id", "wallet_addresses.wallet_id")
      .select("wallet_addresses.script")
      .where("wallets.currency", "=", currency)
      .execute();
    return rows.map((r) => r.script);
  }

  /** The wallets (and positions) a script belongs to: one script may be in several users' wallets. */
  findByScript(script: string): Promise<AddressRow[]> {
    return this.db.kysely.selectFrom("wallet_addresses").selectAll().where("script", "=", script).execute();
  }

  async markUsed(walletId: string, chain: 0 | 1, indexes: readonly number[]): Promise<void> {
    if (!indexes.length) return;
    await this.db.kysely
      .updateTable("wallet_addresses")
      .set({ used: 1 })
      .where("wallet_id", "=", walletId)
      .where("chain", "=", chain)
      .where("idx", "in", [...indexes])
      .execute();
  }

  /** Writes the result or state of a history scan. */
  async setScanState(
    walletId: string,
    fields: Pick<
      Updateable<WalletsTable>,
      "sync_status" | "sync_error" | "synced_at" | "balance_confirmed" | "balance_unconfirmed"
    >,
  ): Promise<void> {
    await this.db.kysely.updateTable("wallets").set(fields).where("id", "=", walletId).execute();
  }

  /** Wallets whose last scan did not finish (or never ran), to scan when the chain backends start. */
  async unsyncedIds(): Promise<string[]> {
    const rows = await this.db.kysely.selectFrom("wallets").select("id").where("sync_status", "!=", "synced").execute();
    return rows.map((r) => r.id);
  }

  /** Raises the last-used marks (never lowers them) and keeps the fresh-address counters past them. */
  async recordUsage(walletId: string, lastUsedReceive: number, lastUsedChange: number): Promise<void> {
    await this.db.kysely
      .updateTable("wallets")
      .set({
        last_used_receive: sql`case when last_used_receive < ${lastUsedReceive} then ${lastUsedReceive} else last_used_receive end`,
        last_used_change: sql`case when last_used_change < ${lastUsedChange} then ${lastUsedChange} else last_used_change end`,
        receive_index: sql`case when receive_index <= ${lastUsedReceive} then ${lastUsedReceive + 1} else receive_index end`,
        change_index: sql`case when change_index <= ${lastUsedChange} then ${lastUsedChange + 1} else change_index end`,
      })
      .where("id", "=", walletId)
      .execute();
  }
}
