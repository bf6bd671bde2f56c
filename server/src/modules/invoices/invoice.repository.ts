import { type Insertable, type Selectable, sql, type Updateable } from "kysely";
import type { Db } from "../../db/database.ts";
import type { InvoicePaymentMethodsTable, InvoicePaymentsTable, InvoicesTable } from "../../db/tables.ts";
import { CrudRepository } from "../shared/crud-repository.ts";

export type InvoiceRow = Selectable<InvoicesTable>;
export type MethodRow = Selectable<InvoicePaymentMethodsTable>;
export type PaymentRow = Selectable<InvoicePaymentsTable>;

export class InvoiceRepository extends CrudRepository<"invoices"> {
  constructor(db: Db) {
    super(db, {
      table: "invoices",
      columns: [
        "id",
        "store_id",
        "status",
        "exception_status",
        "currency",
        "paid_currency",
        "order_id",
        "buyer_email",
        "price",
        "created",
        "updated",
      ],
      textColumns: ["id", "order_id", "buyer_email", "notes", "status", "currency"],
      intColumns: ["expiration"],
      ownerColumn: "user_id",
    });
  }

  findById(id: string): Promise<InvoiceRow | undefined> {
    return this.db.kysely.selectFrom("invoices").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /**
   * The invoice row, locked until the transaction ends on PostgreSQL, so two processes never evaluate one invoice
   * at once (SQLite has one writer at a time already).
   */
  findForUpdate(id: string): Promise<InvoiceRow | undefined> {
    const query = this.db.kysely.selectFrom("invoices").selectAll().where("id", "=", id);
    return (this.db.dialect === "postgres" ? query.forUpdate() : query).executeTakeFirst();
  }

  /** Writes an invoice and its payment methods; answers both as stored (defaults filled in), without a re-read. */
  async insertInvoice(
    row: Insertable<InvoicesTable>,
    methods: Insertable<InvoicePaymentMethodsTable>[],
  ): Promise<{ invoice: InvoiceRow; methods: MethodRow[] }> {
    const invoice = await this.db.kysely.insertInto("invoices").values(row).returningAll().executeTakeFirstOrThrow();
    const stored = methods.length
      ? await this.db.kysely.insertInto("invoice_payment_methods").values(methods).returningAll().execute()
      : [];
    return { invoice, methods: stored.sort((a, b) => a.position - b.position) };
  }

  setState(id: string, fields: Updateable<InvoicesTable>): Promise<unknown> {
    return this.db.kysely.updateTable("invoices").set(fields).where("id", "=", id).execute();
  }

  methods(invoiceIds: readonly string[]): Promise<MethodRow[]> {
    if (!invoiceIds.length) return Promise.resolve([]);
    return this.db.kysely
      .selectFrom("invoice_payment_methods")
      .selectAll()
      .where("invoice_id", "in", [...invoiceIds])
      .orderBy("position")
      .execute();
  }

  payments(invoiceIds: readonly string[]): Promise<PaymentRow[]> {
    if (!invoiceIds.length) return Promise.resolve([]);
    return this.db.kysely
      .selectFrom("invoice_payments")
      .selectAll()
      .where("invoice_id", "in", [...invoiceIds])
      .orderBy("seen_at")
      .execute();
  }

  /** Payment methods of invoices still watched whose address is this script on this chain. */
  methodsByScript(currency: string, script: string): Promise<MethodRow[]> {
    return this.db.kysely
      .selectFrom("invoice_payment_methods")
      .selectAll()
      .where("currency", "=", currency)
      .where("script", "=", script)
      .execute();
  }

  async upsertPayments(rows: PaymentRow[]): Promise<void> {
    for (const row of rows) {
      // The key columns never change; everything else follows the ledger entry.
      const { invoice_id: _invoice, method_id: _method, txid: _txid, vout: _vout, ...rest } = row;
      await this.db.kysely
        .insertInto("invoice_payments")
        .values(row)
        .onConflict((oc) => oc.columns(["method_id", "txid", "vout"]).doUpdateSet(rest))
        .execute();
    }
  }

  async insertProducts(invoiceId: string, lines: readonly { productId: string; count: number }[]): Promise<void> {
    if (!lines.length) return;
    await this.db.kysely
      .insertInto("invoice_products")
      .values(lines.map((l) => ({ invoice_id: invoiceId, product_id: l.productId, count: l.count })))
      .execute();
  }

  /** Each invoice's product lines with the product names (a deleted product keeps its line, without a name). */
  productLines(invoiceIds: readonly string[]) {
    if (!invoiceIds.length) return Promise.resolve([]);
    return this.db.kysely
      .selectFrom("invoice_products")
      .leftJoin("products", "products.id", "invoice_products.product_id")
      .select(["invoice_products.invoice_id", "invoice_products.product_id", "invoice_products.count", "products.name"])
      .where("invoice_products.invoice_id", "in", [...invoiceIds])
      .execute();
  }

  /** The owner's discounts linked to any of these products and not ended at `nowIso`. */
  productDiscounts(ownerId: string, productIds: readonly string[], nowIso: string) {
    if (!productIds.length) return Promise.resolve([]);
    return this.db.kysely
      .selectFrom("discounts")
      .innerJoin("discounts_products", "discounts_products.discount_id", "discounts.id")
      .select(["discounts.id", "discounts.percent", "discounts.promocode", "discounts.currencies"])
      .distinct()
      .where("discounts_products.product_id", "in", [...productIds])
      .where("discounts.user_id", "=", ownerId)
      .where("discounts.end_date", ">", nowIso)
      .execute();
  }

  /** The refunds of these invoices, oldest first (Bitcart's `refund_id` is the latest). */
  refunds(invoiceIds: readonly string[]) {
    if (!invoiceIds.length) return Promise.resolve([]);
    return this.db.kysely
      .selectFrom("refunds")
      .select(["id", "invoice_id"])
      .where("invoice_id", "in", [...invoiceIds])
      .orderBy("created")
      .orderBy("id")
      .execute();
  }

  /** The store's products among `ids`, with their stock. */
  storeProducts(storeId: string, ids: readonly string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.db.kysely
      .selectFrom("products")
      .select(["id", "name", "quantity"])
      .where("store_id", "=", storeId)
      .where("id", "in", [...ids])
      .execute();
  }

  /** Takes sold units off limited stock (quantity -1 means unlimited and is left alone), never below zero. */
  async decrementStock(lines: readonly { product_id: string; count: number }[]): Promise<void> {
    for (const line of lines) {
      await this.db.kysely
        .updateTable("products")
        .set({ quantity: sql<number>`case when quantity >= ${line.count} then quantity - ${line.count} else 0 end` })
        .where("id", "=", line.product_id)
        .where("quantity", "!=", -1)
        .execute();
    }
  }

  /** Flags the method the invoice is paid with (Bitcart's `is_used`, answered as `payment_id`). */
  async markUsedMethod(invoiceId: string, methodId: string | null): Promise<void> {
    await this.db.kysely
      .updateTable("invoice_payment_methods")
      .set({ is_used: 0 })
      .where("invoice_id", "=", invoiceId)
      .execute();
    if (methodId) {
      await this.db.kysely
        .updateTable("invoice_payment_methods")
        .set({ is_used: 1 })
        .where("id", "=", methodId)
        .execute();
    }
  }

  /** A pending invoice with this order id, price and store (Bitcart's get-or-create key). */
  findOpenByOrder(storeId: string, orderId: string, price: string): Promise<InvoiceRow | undefined> {
    return this.db.kysely
      .selectFrom("invoices")
      .selectAll()
      .where("store_id", "=", storeId)
      .where("order_id", "=", orderId)
      .where("price", "=", price)
      .where("status", "!=", "expired")
      .orderBy("created", "desc")
      .executeTakeFirst();
  }

  completeInvoices(userId: string | null): Promise<InvoiceRow[]> {
    let query = this.db.kysely.selectFrom("invoices").selectAll().where("status", "=", "complete");
    if (userId !== null) query = query.where("user_id", "=", userId);
    return query.orderBy("created", "desc").execute();
  }

  /** Invoices whose status may still change: the tracker re-evaluates them on start and on schedule. */
  watchedIds(now: string): Promise<{ id: string }[]> {
    return this.db.kysely
      .selectFrom("invoices")
      .select("id")
      .where((eb) => eb.or([eb("monitored_until", "is", null), eb("monitored_until", ">", now)]))
      .execute();
  }
}
