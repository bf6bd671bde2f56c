import type { Kysely } from "kysely";

/**
 * Invoices (Bitcart's fields), their payment methods, the payments ledger and the products they sell.
 * Money columns are TEXT: `price` and `rate` exact decimals; `sent_amount` a decimal in the paid currency's units
 * (Bitcart's field); method and payment `amount` integer base units.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("invoices")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("store_id", "text", (c) => c.references("stores.id").onDelete("set null"))
    .addColumn("price", "text", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("paid_currency", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("exception_status", "text", (c) => c.notNull().defaultTo("none"))
    .addColumn("sent_amount", "text", (c) => c.notNull().defaultTo("0"))
    // Minutes, as Bitcart's `expiration`; expires_at is the instant it gives.
    .addColumn("expiration", "integer", (c) => c.notNull())
    .addColumn("buyer_email", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("shipping_address", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("notes", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("notification_url", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("redirect_url", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("order_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("promocode", "text", (c) => c.notNull().defaultTo(""))
    // Id of the discount applied, if any (kept when the discount is deleted).
    .addColumn("discount", "text")
    .addColumn("tx_hashes", "text", (c) => c.notNull().defaultTo("[]"))
    // Wallet ids the invoice can be paid with.
    .addColumn("payment_methods", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("paid_date", "text")
    // Seconds taken to build the payment methods (Bitcart's creation_time), a decimal string.
    .addColumn("creation_time", "text")
    .addColumn("expires_at", "text", (c) => c.notNull())
    // Null while open (watched with no end); else the end of the monitoring window.
    .addColumn("monitored_until", "text")
    // Manual override (mark_complete / mark_invalid / refunded) as JSON, null when none: it sticks.
    .addColumn("manual_override", "text")
    .addColumn("metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created", "text", (c) => c.notNull())
    .addColumn("updated", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("invoices_user_created").on("invoices").columns(["user_id", "created"]).execute();
  await db.schema.createIndex("invoices_store_order").on("invoices").columns(["store_id", "order_id"]).execute();
  await db.schema.createIndex("invoices_status_expires").on("invoices").columns(["status", "expires_at"]).execute();
  await db.schema.createIndex("invoices_monitored_until").on("invoices").column("monitored_until").execute();

  await db.schema
    .createTable("invoice_payment_methods")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("invoice_id", "text", (c) => c.notNull().references("invoices.id").onDelete("cascade"))
    .addColumn("wallet_id", "text", (c) => c.references("wallets.id").onDelete("set null"))
    // Display order (ties in choosing the paid method go to the first).
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("symbol", "text", (c) => c.notNull())
    .addColumn("amount", "text", (c) => c.notNull())
    .addColumn("rate", "text", (c) => c.notNull())
    .addColumn("discount", "text")
    .addColumn("divisibility", "integer", (c) => c.notNull())
    .addColumn("payment_address", "text", (c) => c.notNull())
    .addColumn("script", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("payment_url", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("address_index", "integer")
    .addColumn("confirmations_required", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("recommended_fee", "text", (c) => c.notNull().defaultTo("0"))
    .addColumn("label", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("hint", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("contract", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("user_address", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("lightning", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("node_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("is_used", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("invoice_payment_methods_invoice")
    .on("invoice_payment_methods")
    .columns(["invoice_id", "position"])
    .execute();
  await db.schema
    .createIndex("invoice_payment_methods_script")
    .on("invoice_payment_methods")
    .columns(["currency", "script"])
    .execute();

  await db.schema
    .createTable("invoice_payments")
    .addColumn("invoice_id", "text", (c) => c.notNull().references("invoices.id").onDelete("cascade"))
    .addColumn("method_id", "text", (c) => c.notNull().references("invoice_payment_methods.id").onDelete("cascade"))
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("txid", "text", (c) => c.notNull())
    .addColumn("vout", "integer", (c) => c.notNull())
    .addColumn("script", "text", (c) => c.notNull())
    .addColumn("amount", "text", (c) => c.notNull())
    .addColumn("height", "integer")
    .addColumn("block_hash", "text")
    .addColumn("confirmations", "integer", (c) => c.notNull().defaultTo(0))
    // mempool | confirmed | orphaned | replaced
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("rbf", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("replaced_by", "text")
    .addColumn("seen_at", "text", (c) => c.notNull())
    .addColumn("seen_before_expiry", "integer", (c) => c.notNull())
    .addColumn("updated", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("invoice_payments_pk", ["method_id", "txid", "vout"])
    .execute();
  await db.schema.createIndex("invoice_payments_script").on("invoice_payments").column("script").execute();
  await db.schema
    .createIndex("invoice_payments_invoice")
    .on("invoice_payments")
    .columns(["invoice_id", "seen_at"])
    .execute();

  await db.schema
    .createTable("invoice_products")
    .addColumn("invoice_id", "text", (c) => c.notNull().references("invoices.id").onDelete("cascade"))
    .addColumn("product_id", "text", (c) => c.notNull().references("products.id").onDelete("cascade"))
    .addColumn("count", "integer", (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint("invoice_products_pk", ["invoice_id", "product_id"])
    .execute();
  await db.schema.createIndex("invoice_products_product").on("invoice_products").column("product_id").execute();
}
