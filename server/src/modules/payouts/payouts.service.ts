import type { Updateable } from "kysely";
import { AddressError, addressToScript, type CoinDefinition } from "../../chains/index.ts";
import { toJson } from "../../db/json.ts";
import type { PayoutsTable } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import { isoNow } from "../../kernel/clock.ts";
import { invalidField, notFound } from "../../kernel/errors.ts";
import { type BaseColumns, OwnedCrudService } from "../shared/crud-service.ts";
import type { WalletRow } from "../wallets/index.ts";
import { type PayoutView, presentPayout } from "./payout.presenter.ts";
import type { PayoutRepository, PayoutRow } from "./payout.repository.ts";
import type { CreatePayoutInput, PayoutPatch } from "./payout.schemas.ts";

export const PAYOUT_STATUSES = [
  "pending",
  "approved",
  "broadcasting",
  "sent",
  "complete",
  "cancelled",
  "failed",
] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];
/** Statuses whose transaction exists: kept for the record. */
const SIGNED: readonly string[] = ["broadcasting", "sent", "complete"];

export interface PayoutsDeps {
  wallet(id: string): Promise<WalletRow | undefined>;
  coin(currency: string): CoinDefinition | undefined;
  /** The store's default currency when the actor owns the store, else null. */
  storeCurrency(actor: Actor, storeId: string): Promise<string | null>;
  /** Decimals of a fiat currency; throws a 422 for an unknown one. */
  divisibility(currency: string): number;
  /** Inside the status change's transaction: IPN to the payout's notification_url and dependent work. */
  statusChanged(payout: PayoutRow): Promise<void>;
}

/** The shared status writer: a compare-and-set from `from`, notifications written in the same transaction. */
export class PayoutStatusWriter {
  constructor(
    private readonly payouts: PayoutRepository,
    private readonly notify: (payout: PayoutRow) => Promise<void>,
  ) {}

  /** Returns the ids that moved; the others were no longer in `from`. */
  async move(
    ids: readonly string[],
    from: readonly PayoutStatus[],
    to: PayoutStatus,
    fields: Omit<Updateable<PayoutsTable>, "status" | "id"> = {},
  ): Promise<string[]> {
    return this.payouts.db.transaction(async () => {
      const moved = await this.payouts.transition(ids, from, { ...fields, status: to, updated: isoNow() } as never);
      for (const id of moved) await this.notify((await this.payouts.findById(id))!);
      return moved;
    });
  }
}

/** Payouts CRUD and the commands that need no key (approve, cancel); sending lives in PayoutSender. */
export class PayoutsService extends OwnedCrudService<"payouts", PayoutView, CreatePayoutInput, PayoutPatch> {
  readonly resourceName = "payouts";
  readonly status: PayoutStatusWriter;

  constructor(
    private readonly payouts: PayoutRepository,
    private readonly deps: PayoutsDeps,
  ) {
    super(payouts);
    this.status = new PayoutStatusWriter(payouts, (p) => deps.statusChanged(p));
    this.batchCommands.approve = (actor, ids) => this.command(actor, ids, ["pending"], "approved");
    this.batchCommands.cancel = (actor, ids) => this.command(actor, ids, ["pending", "approved"], "cancelled");
  }

  override autocompleteLabel(item: PayoutView): string {
    return item.destination;
  }

  /** Registers `send` (PayoutSender owns it) without this service knowing the chains. */
  registerCommand(name: string, handler: (actor: Actor, ids: string[], options: unknown) => Promise<unknown>): void {
    this.batchCommands[name] = handler;
  }

  async walletOf(actor: Actor, walletId: string): Promise<{ wallet: WalletRow; coin: CoinDefinition }> {
    const wallet = await this.deps.wallet(walletId);
    if (!wallet || wallet.user_id !== actor.userId) throw invalidField(["wallet_id"], "Wallet not found");
    const coin = this.deps.coin(wallet.currency);
    if (!coin) throw invalidField(["wallet_id"], `Cryptocurrency ${wallet.currency} is not enabled on this server`);
    return { wallet, coin };
  }

  /** A destination valid for the coin and network, or a 422 naming `loc` that says what is wrong with it. */
  static checkDestination(destination: string, coin: CoinDefinition, loc: string[] = ["destination"]): string {
    const text = destination.trim();
    try {
      addressToScript(text, coin);
    } catch (error) {
      if (error instanceof AddressError) throw invalidField(loc, error.message);
      throw error;
    }
    return text;
  }

  /** `currency`: the wallet's coin or a known fiat currency. */
  private checkCurrency(currency: string, wallet: WalletRow): string {
    if (currency.toLowerCase() === wallet.currency.toLowerCase()) return wallet.currency.toUpperCase();
    if (this.deps.coin(currency)) throw invalidField(["currency"], `The wallet holds ${wallet.currency.toUpperCase()}`);
    try {
      this.deps.divisibility(currency);
    } catch {
      throw invalidField(["currency"], `Unsupported currency: ${currency}`);
    }
    return currency.toUpperCase();
  }

  protected async buildRow(actor: Actor, input: CreatePayoutInput, base: BaseColumns) {
    const { wallet, coin } = await this.walletOf(actor, input.wallet_id);
    let storeCurrency: string | null = null;
    if (input.store_id) {
      storeCurrency = await this.deps.storeCurrency(actor, input.store_id);
      if (storeCurrency === null) throw invalidField(["store_id"], "Store not found");
    }
    const currency = this.checkCurrency(input.currency ?? storeCurrency ?? wallet.currency, wallet);
    const row = {
      ...base,
      store_id: input.store_id ?? null,
      wallet_id: wallet.id,
      amount: input.amount,
      currency,
      destination: PayoutsService.checkDestination(input.destination, coin),
      notification_url: input.notification_url ?? "",
      max_fee: input.max_fee ?? null,
      metadata: toJson(input.metadata),
    } as unknown as PayoutsTable;
    return row;
  }

  protected async buildPatch(actor: Actor, input: PayoutPatch, existingRow: PayoutsTable) {
    const existing = existingRow as unknown as PayoutRow;
    const patch: Partial<Record<keyof PayoutRow, string | null>> = {};
    const changesPayment = input.amount !== undefined || input.destination !== undefined || input.max_fee !== undefined;
    if (changesPayment && existing.status !== "pending" && existing.status !== "approved") {
      throw invalidField(["status"], `A ${existing.status} payout can no longer change its amount or destination`);
    }
    if (input.amount !== undefined) patch.amount = input.amount;
    if (input.max_fee !== undefined) patch.max_fee = input.max_fee;
    if (input.destination !== undefined) {
      const { coin } = await this.walletOf(actor, existing.wallet_id);
      patch.destination = PayoutsService.checkDestination(input.destination, coin);
    }
    if (input.notification_url !== undefined) patch.notification_url = input.notification_url;
    if (input.metadata !== undefined) patch.metadata = toJson(input.metadata);
    // A changed payment needs approving again.
    if (changesPayment && existing.status === "approved") patch.status = "pending";
    return patch as Partial<PayoutsTable>;
  }

  protected async present(rows: PayoutsTable[]): Promise<PayoutView[]> {
    const out: PayoutView[] = [];
    for (const row of rows as unknown as PayoutRow[]) {
      const wallet = await this.deps.wallet(row.wallet_id);
      out.push(presentPayout(row, (wallet && this.deps.coin(wallet.currency)?.divisibility) || 8));
    }
    return out;
  }

  /** Signed payouts are never deleted: their transaction is (or may be) on the network. */
  override async remove(actor: Actor, id: string): Promise<PayoutView> {
    await this.assertDeletable(actor, [id]);
    return super.remove(actor, id);
  }

  override async batch(actor: Actor, command: string, ids: string[], options: unknown): Promise<unknown> {
    if (command === "delete") await this.assertDeletable(actor, ids);
    return super.batch(actor, command, ids, options);
  }

  private async assertDeletable(actor: Actor, ids: string[]): Promise<void> {
    for (const row of await this.payouts.findOwned(actor.userId, ids)) {
      if (SIGNED.includes(row.status)) throw invalidField(["status"], `A ${row.status} payout cannot be deleted`);
    }
  }

  private async command(actor: Actor, ids: string[], from: PayoutStatus[], to: PayoutStatus): Promise<boolean> {
    const owned = await this.payouts.findOwned(actor.userId, ids);
    await this.status.move(
      owned.map((p) => p.id),
      from,
      to,
    );
    return true;
  }

  coinOf(currency: string): CoinDefinition | undefined {
    return this.deps.coin(currency);
  }

  async getOwned(actor: Actor, id: string): Promise<PayoutRow> {
    const [row] = await this.payouts.findOwned(actor.userId, [id]);
    if (!row) throw notFound("Payout");
    return row;
  }

  async view(row: PayoutRow): Promise<PayoutView> {
    return (await this.present([row as unknown as PayoutsTable]))[0]!;
  }
}
