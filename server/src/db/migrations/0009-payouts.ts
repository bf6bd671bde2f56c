import type { Kysely } from "kysely";

/** Payouts (money sent out of a merchant's wallet) and refunds (a customer's claim that becomes a payout). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("payouts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("store_id", "text", (c) => c.references("stores.id").onDelete("set null"))
    .addColumn("wallet_id", "text", (c) => c.notNull().references("wallets.id").onDelete("cascade"))
    // Exact decimal in `currency`; "-1" sends the whole balance.
    .addColumn("amount", "text", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("destination", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("notification_url", "text", (c) => c.notNull().defaultTo(""))
    // Exact decimal in `currency`, or null for no limit.
    .addColumn("max_fee", "text")
    .addColumn("tx_hash", "text")
    // Decimal in the wallet's coin, recorded once the transaction confirms.
    .addColumn("used_fee", "text")
    .addColumn("failure_reason", "text", (c) => c.notNull().defaultTo(""))
    // What was signed: base units sent to the destination and the whole transaction's fee (shared by a batch).
    .addColumn("sent_amount", "text")
    .addColumn("tx_fee", "text")
    .addColumn("fee_rate", "text")
    // Where the rate came from: "estimate" (the chain's), "floor" (no estimate, or a lower one) or "psbt" (signed elsewhere).
    .addColumn("fee_rate_source", "text")
    // The signed transaction, stored before it is broadcast: a restart re-broadcasts it, never builds another.
    .addColumn("signed_tx", "text")
    .addColumn("metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created", "text", (c) => c.notNull())
    .addColumn("updated", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("payouts_user").on("payouts").columns(["user_id", "created"]).execute();
  await db.schema.createIndex("payouts_status").on("payouts").column("status").execute();

  await db.schema
    .createTable("refunds")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("invoice_id", "text", (c) => c.notNull().references("invoices.id").onDelete("cascade"))
    .addColumn("wallet_id", "text", (c) => c.references("wallets.id").onDelete("set null"))
    .addColumn("amount", "text", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("payout_id", "text", (c) => c.references("payouts.id").onDelete("set null"))
    .addColumn("destination", "text")
    .addColumn("metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created", "text", (c) => c.notNull())
    .addColumn("updated", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("refunds_invoice").on("refunds").column("invoice_id").execute();
  await db.schema.createIndex("refunds_payout").on("refunds").column("payout_id").execute();
}
