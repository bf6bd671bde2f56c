import type { Insertable, Selectable, Updateable } from "kysely";
import type { Db } from "../../db/database.ts";
import type { PayoutsTable, RefundsTable } from "../../db/tables.ts";
import { CrudRepository } from "../shared/crud-repository.ts";

export type PayoutRow = Selectable<PayoutsTable>;
export type RefundRow = Selectable<RefundsTable>;

export class PayoutRepository extends CrudRepository<"payouts"> {
  constructor(db: Db) {
    super(db, {
      table: "payouts",
      columns: [
        "id",
        "store_id",
        "wallet_id",
        "amount",
        "currency",
        "destination",
        "status",
        "tx_hash",
        "created",
        "updated",
      ],
      textColumns: ["id", "destination", "status", "currency", "tx_hash"],
      ownerColumn: "user_id",
    });
  }

  findById(id: string): Promise<PayoutRow | undefined> {
    return this.db.kysely.selectFrom("payouts").selectAll().where("id", "=", id).executeTakeFirst();
  }

  findOwned(userId: string, ids: readonly string[]): Promise<PayoutRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.db.kysely
      .selectFrom("payouts")
      .selectAll()
      .where("user_id", "=", userId)
      .where("id", "in", [...ids])
      .execute();
  }

  /**
   * Moves payouts from one of `from` to `to` with `fields`, only those still in `from` (a compare-and-set, so
   * two senders never both move one payout). Returns the ids moved.
   */
  async transition(
    ids: readonly string[],
    from: readonly string[],
    fields: Updateable<PayoutsTable> & { status: string },
  ): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await this.db.kysely
      .updateTable("payouts")
      .set(fields)
      .where("id", "in", [...ids])
      .where("status", "in", [...from])
      .returning("id")
      .execute();
    return rows.map((r) => r.id);
  }

  /** Payouts whose transaction is signed and not yet final, for the wallets of one coin (or every coin). */
  inFlight(currency?: string): Promise<(PayoutRow & { wallet_currency: string })[]> {
    let query = this.db.kysely
      .selectFrom("payouts")
      .innerJoin("wallets", "wallets.id", "payouts.wallet_id")
      .selectAll("payouts")
      .select("wallets.currency as wallet_currency")
      .where("payouts.status", "in", ["broadcasting", "sent"]);
    if (currency) query = query.where("wallets.currency", "=", currency);
    return query.orderBy("payouts.created").execute();
  }

  insertRefund(row: Insertable<RefundsTable>): Promise<unknown> {
    return this.db.kysely.insertInto("refunds").values(row).execute();
  }

  findRefund(id: string): Promise<RefundRow | undefined> {
    return this.db.kysely.selectFrom("refunds").selectAll().where("id", "=", id).executeTakeFirst();
  }

  refundsOfPayouts(payoutIds: readonly string[]): Promise<RefundRow[]> {
    if (!payoutIds.length) return Promise.resolve([]);
    return this.db.kysely
      .selectFrom("refunds")
      .selectAll()
      .where("payout_id", "in", [...payoutIds])
      .execute();
  }

  /** Sets the refund's destination and payout once: false when another submission came first. */
  async claimRefund(id: string, destination: string, payoutId: string, now: string): Promise<boolean> {
    const result = await this.db.kysely
      .updateTable("refunds")
      .set({ destination, payout_id: payoutId, updated: now })
      .where("id", "=", id)
      .where("payout_id", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
