import type { Insertable } from "kysely";
import { bip21Uri, type CoinDefinition } from "../../chains/index.ts";
import { toJson } from "../../db/json.ts";
import type { InvoicePaymentMethodsTable, InvoicesTable } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import { isoNow } from "../../kernel/clock.ts";
import { forbidden, invalidField, notFound, unprocessable } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { Big, normalizeDecimal } from "../../kernel/money.ts";
import { OwnedCrudService } from "../shared/crud-service.ts";
import { bestDiscount, discountedPrice } from "./discount-rules.ts";
import { type InvoiceView, presentInvoice } from "./invoice.presenter.ts";
import type { InvoiceRepository, InvoiceRow, MethodRow, PaymentRow } from "./invoice.repository.ts";
import type { CreateInvoiceInput, InvoicePatch } from "./invoice.schemas.ts";
import { markCompleteOptions } from "./invoice.schemas.ts";
import { snapshotColumns } from "./invoice-mapping.ts";
import { encodeOverride } from "./invoice-rows.ts";
import { initialSnapshot, resolveConfirmationsRequired } from "./invoice-types.ts";
import { recommendedFee, typicalPaymentFee } from "./network-fee.ts";

export interface InvoiceStore {
  id: string;
  user_id: string;
  default_currency: string;
  expiration: number;
  transaction_speed: number;
  underpaid_percentage: string;
  allow_anonymous_invoice_creation: boolean;
  recommended_fee_target_blocks: number;
  include_network_fee: boolean;
  /** The store's rate rules text (read with the store, so pricing needs no second read). */
  rate_rules: string;
  wallet_ids: string[];
}

export interface InvoiceWallet {
  id: string;
  currency: string;
  transaction_speed: number | null;
  label: string;
  hint: string;
}

export interface InvoicesDeps {
  store(id: string): Promise<InvoiceStore | null>;
  wallet(id: string): Promise<InvoiceWallet | null>;
  coin(currency: string): CoinDefinition | undefined;
  /** The next never-used receive address of a wallet. */
  nextAddress(walletId: string): Promise<{ address: string; script: string; index: number }>;
  /** Price of one coin in `fiat` through the store's rules; throws a 422 naming the pair when unknown. */
  priceIn(coin: string, fiat: string, rateRules: string): Promise<Big>;
  /** The cached fee rate (sat/vB) for confirmation within `targetBlocks`; null when none is known yet. */
  feeRate(currency: string, targetBlocks: number): string | null;
  /** Decimals of a price currency (ISO 4217 for fiat, 8 for coins); throws a 422 for an unknown one. */
  divisibility(currency: string): number;
  /** Inside the creating transaction: the `invoice.created` notifications. */
  created(invoiceId: string, storeId: string): Promise<void>;
  /** A new invoice to follow (its expiry timer). */
  tracked(invoiceId: string, expiresAt: Date): void;
  /** Called after an invoice's state was written by hand (manual completion or invalidation). */
  changed(invoiceId: string): Promise<void>;
}

const coinUnits = (coin: CoinDefinition) => new Big(10).pow(coin.divisibility);

/**
 * Invoices: creation (a fresh address and a locked rate per payment method), the public view the checkout
 * reads, and the merchant's CRUD. Payment detection and status changes live in the invoice tracker.
 */
export class InvoicesService extends OwnedCrudService<"invoices", InvoiceView, CreateInvoiceInput, InvoicePatch> {
  readonly resourceName = "invoices";

  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly deps: InvoicesDeps,
  ) {
    super(invoices);
    this.batchCommands.mark_complete = (actor, ids, options) => this.markManually(actor, ids, "complete", options);
    this.batchCommands.mark_invalid = (actor, ids) => this.markManually(actor, ids, "invalid", undefined);
  }

  override autocompleteLabel(item: InvoiceView): string {
    return item.order_id || item.id;
  }

  protected buildRow(): never {
    throw new Error("invoices are created through createInvoice");
  }

  protected buildPatch(_actor: Actor, input: InvoicePatch) {
    const patch: Record<string, unknown> = {};
    for (const key of [
      "order_id",
      "notification_url",
      "redirect_url",
      "buyer_email",
      "shipping_address",
      "notes",
    ] as const) {
      if (input[key] !== undefined) patch[key] = input[key];
    }
    if (input.metadata !== undefined) patch.metadata = toJson(input.metadata);
    return patch as Partial<InvoicesTable>;
  }

  protected async present(rows: InvoicesTable[]): Promise<InvoiceView[]> {
    const list = rows as unknown as InvoiceRow[];
    const ids = list.map((r) => r.id);
    const [methods, payments, products, refunds] = await Promise.all([
      this.invoices.methods(ids),
      this.invoices.payments(ids),
      this.invoices.productLines(ids),
      this.invoices.refunds(ids),
    ]);
    const now = new Date();
    return list.map((row) =>
      this.presentOne(
        row,
        methods.filter((m) => m.invoice_id === row.id),
        payments.filter((p) => p.invoice_id === row.id),
        products.filter((p) => p.invoice_id === row.id),
        now,
        refunds.findLast((r) => r.invoice_id === row.id)?.id ?? null,
      ),
    );
  }

  private presentOne(
    row: InvoiceRow,
    methods: MethodRow[],
    payments: PaymentRow[],
    lines: readonly { product_id: string; count: number; name: string | null }[],
    now: Date,
    refundId: string | null = null,
  ): InvoiceView {
    const view = presentInvoice(row, methods, payments, this.safeDivisibility(row.currency), now, refundId);
    return {
      ...view,
      products: lines.map((l) => l.product_id),
      product_names: Object.fromEntries(lines.map((l) => [l.product_id, l.name ?? ""])),
      product_quantities: Object.fromEntries(lines.map((l) => [l.product_id, l.count])),
    };
  }

  private safeDivisibility(currency: string): number {
    try {
      return this.deps.divisibility(currency);
    } catch {
      return 2;
    }
  }

  /** `GET /invoices/{id}`: public, as the checkout page reads it. */
  async getPublic(id: string): Promise<InvoiceView> {
    const row = await this.invoices.findById(id);
    if (!row) throw notFound("Invoice");
    return (await this.present([row as unknown as InvoicesTable]))[0]!;
  }

  /**
   * `POST /invoices`. Anonymous callers (or anyone but the owner) may create one when the store allows it.
   * Rates and addresses are taken before the write; the invoice and its methods are written in one transaction.
   */
  async createInvoice(caller: Actor | null, input: CreateInvoiceInput): Promise<InvoiceView> {
    const store = await this.deps.store(input.store_id);
    if (!store) throw notFound("Store");
    const owner = caller?.userId === store.user_id;
    if (!owner && !store.allow_anonymous_invoice_creation) {
      throw forbidden("This store does not allow anonymous invoice creation");
    }
    const currency = input.currency || store.default_currency;
    const priceDivisibility = this.deps.divisibility(currency);
    const price = new Big(input.price).round(priceDivisibility, Big.roundHalfEven);
    let walletIds = store.wallet_ids;
    if (input.payment_methods) {
      const unknown = input.payment_methods.find((id) => !store.wallet_ids.includes(id));
      if (unknown) throw invalidField(["payment_methods"], `Wallet ${unknown} is not linked to this store`);
      walletIds = store.wallet_ids.filter((id) => input.payment_methods!.includes(id));
    }
    if (!walletIds.length) throw unprocessable("No wallet linked");
    const lines = await this.productLines(store.id, input.products);
    const now = new Date();
    const discounts = await this.invoices.productDiscounts(
      store.user_id,
      lines.map((l) => l.productId),
      now.toISOString(),
    );
    const expiration = input.expiration ?? store.expiration;
    const id = newId(now.getTime());
    const methods: Insertable<InvoicePaymentMethodsTable>[] = [];
    for (const [position, walletId] of walletIds.entries()) {
      const wallet = await this.deps.wallet(walletId);
      const coin = wallet ? this.deps.coin(wallet.currency) : undefined;
      if (!wallet || !coin) continue;
      const rate =
        currency.toLowerCase() === wallet.currency
          ? new Big(1)
          : await this.deps.priceIn(wallet.currency, currency, store.rate_rules);
      const discount = bestDiscount(discounts, wallet.currency, input.promocode ?? "");
      const due = discountedPrice(price, discount);
      const feeRate = this.deps.feeRate(wallet.currency, store.recommended_fee_target_blocks);
      const networkFee = store.include_network_fee ? typicalPaymentFee(feeRate ?? "1") : 0n;
      const amount = BigInt(due.div(rate).times(coinUnits(coin)).round(0, Big.roundHalfEven).toFixed(0)) + networkFee;
      const address = await this.deps.nextAddress(walletId);
      methods.push({
        id: newId(now.getTime()),
        invoice_id: id,
        wallet_id: walletId,
        position,
        currency: wallet.currency,
        symbol: wallet.currency,
        amount: amount.toString(),
        rate: normalizeDecimal(rate),
        discount: discount?.id ?? null,
        divisibility: coin.divisibility,
        payment_address: address.address,
        script: address.script,
        payment_url: bip21Uri(coin, address.address, amount),
        address_index: address.index,
        recommended_fee: recommendedFee(feeRate),
        confirmations_required: resolveConfirmationsRequired(wallet.transaction_speed, store.transaction_speed),
        label: wallet.label,
        hint: wallet.hint,
        created: now.toISOString(),
      });
    }
    if (!methods.length)
      throw unprocessable("No payment methods available: the store's wallets are on coins this server does not run");
    const created = now.toISOString();
    const state = snapshotColumns(initialSnapshot(), []);
    const stored = await this.invoices.db.transaction(async () => {
      const written = await this.invoices.insertInvoice(
        {
          id,
          user_id: store.user_id,
          store_id: store.id,
          price: normalizeDecimal(price),
          currency,
          expiration,
          buyer_email: input.buyer_email ?? "",
          shipping_address: input.shipping_address,
          notes: input.notes,
          notification_url: input.notification_url ?? "",
          redirect_url: input.redirect_url ?? "",
          order_id: input.order_id,
          promocode: input.promocode ?? "",
          discount: methods[0]!.discount ?? null,
          payment_methods: toJson(methods.map((m) => m.wallet_id)),
          creation_time: isoNow(),
          expires_at: new Date(now.getTime() + expiration * 60_000).toISOString(),
          metadata: toJson(input.metadata),
          created,
          updated: created,
          ...state,
        },
        methods,
      );
      await this.invoices.insertProducts(id, lines);
      await this.deps.created(id, store.id);
      return written;
    });
    this.deps.tracked(id, new Date(now.getTime() + expiration * 60_000));
    // Answered from what was written: a new invoice has no payments yet.
    const productRows = lines.map((l) => ({ product_id: l.productId, count: l.count, name: l.name }));
    return this.presentOne(stored.invoice, stored.methods, [], productRows, now);
  }

  /** Bitcart's `products`: a list of ids (one each) or a map id → quantity; every one must be in stock at this store. */
  private async productLines(storeId: string, products: CreateInvoiceInput["products"]) {
    const counts = new Map<string, number>();
    if (Array.isArray(products)) for (const id of products) counts.set(id, (counts.get(id) ?? 0) + 1);
    else for (const [id, count] of Object.entries(products)) counts.set(id, count);
    const found = await this.invoices.storeProducts(storeId, [...counts.keys()]);
    for (const [id, count] of counts) {
      const product = found.find((p) => p.id === id);
      if (!product) throw invalidField(["products"], `Product ${id} is not sold by this store`);
      if (product.quantity !== -1 && product.quantity < count) {
        throw invalidField(["products"], `Not enough stock of ${product.name}: ${product.quantity} left`);
      }
    }
    return [...counts].map(([productId, count]) => ({
      productId,
      count,
      name: found.find((p) => p.id === productId)!.name,
    }));
  }

  /** Sold units leave the stock once per invoice, when it first completes (the caller deduplicates). */
  async decrementStock(invoiceId: string): Promise<void> {
    const lines = await this.invoices.productLines([invoiceId]);
    await this.invoices.decrementStock(lines.map((l) => ({ product_id: l.product_id, count: l.count })));
  }

  /**
   * `GET /invoices/export` (Bitcart's): the caller's complete invoices (every user's, for a superuser asking
   * `all_users`), as JSON or CSV, with their payment methods when `add_payments`.
   */
  async export(actor: Actor, format: "json" | "csv", addPayments: boolean, allUsers: boolean) {
    if (allUsers && !actor.isSuperuser) throw forbidden("Only a superuser may export every user's invoices");
    const rows = await this.invoices.completeInvoices(allUsers ? null : actor.userId);
    const views = await this.present(rows as unknown as InvoicesTable[]);
    const items = views.map((view) => {
      const { payments, ledger, ...invoice } = view;
      return addPayments ? { ...invoice, payments, ledger } : invoice;
    });
    return format === "json" ? JSON.stringify(items) : toCsv(items);
  }

  /** `PATCH /invoices/{id}/customer` (public): the customer fills in only the fields still empty, as in Bitcart. */
  async updateCustomer(
    id: string,
    input: { buyer_email: string; shipping_address: string; notes: string },
  ): Promise<InvoiceView> {
    const row = await this.invoices.findById(id);
    if (!row) throw notFound("Invoice");
    const patch: Record<string, string> = {};
    for (const key of ["buyer_email", "shipping_address", "notes"] as const) {
      if (input[key] && !row[key]) patch[key] = input[key];
    }
    if (Object.keys(patch).length) await this.invoices.setState(id, { ...patch, updated: isoNow() });
    return this.getPublic(id);
  }

  /** `POST /invoices/order_id/{order_id}`: the open invoice for this order, price and store, or a new one. */
  async getOrCreateByOrder(caller: Actor | null, orderId: string, input: CreateInvoiceInput): Promise<InvoiceView> {
    const store = await this.deps.store(input.store_id);
    if (!store) throw notFound("Store");
    const price = normalizeDecimal(new Big(input.price));
    const existing = await this.invoices.findOpenByOrder(store.id, orderId, price);
    if (existing) return this.getPublic(existing.id);
    return this.createInvoice(caller, { ...input, order_id: orderId });
  }

  /** A refund of the invoice was sent: `refunded`, through the tracker so its notifications fire as for any change. */
  async markRefunded(invoiceId: string): Promise<void> {
    const now = isoNow();
    await this.invoices.setState(invoiceId, {
      manual_override: encodeOverride({ status: "refunded", at: now }),
      updated: now,
    });
    await this.deps.changed(invoiceId);
  }

  private async markManually(
    actor: Actor,
    ids: string[],
    status: "complete" | "invalid",
    options: unknown,
  ): Promise<boolean> {
    const perInvoice = Array.isArray(options) ? options : ids.map(() => options);
    for (const [i, id] of ids.entries()) {
      const row = await this.invoices.get(actor.userId, id);
      if (!row) continue;
      const parsed = status === "complete" ? markCompleteOptions.safeParse(perInvoice[i] ?? {}) : null;
      if (parsed && !parsed.success)
        throw invalidField(["options", i], parsed.error.issues[0]?.message ?? "invalid options");
      const override = {
        status,
        at: isoNow(),
        ...(parsed?.data.payment_method_id ? { paymentMethodId: parsed.data.payment_method_id } : {}),
      };
      await this.invoices.setState(id, { manual_override: encodeOverride(override as never), updated: isoNow() });
      await this.deps.changed(id);
    }
    return true;
  }
}

/** One row per invoice; nested values (payments, metadata) are JSON in their cell. */
function toCsv(items: Record<string, unknown>[]): string {
  const columns = [...new Set(items.flatMap((item) => Object.keys(item)))];
  const cell = (value: unknown) => {
    const text =
      value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
    // Cells starting like a formula are prefixed so spreadsheets show them as text (CSV injection).
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  const lines = [columns.join(","), ...items.map((item) => columns.map((c) => cell(item[c])).join(","))];
  return `${lines.join("\n")}\n`;
}
