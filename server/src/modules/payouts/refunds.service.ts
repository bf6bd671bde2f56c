import type { CoinDefinition } from "../../chains/index.ts";
import type { Actor } from "../../kernel/actor.ts";
import { isoNow } from "../../kernel/clock.ts";
import { AppError, invalidField, notFound } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import type { Logger } from "../../kernel/logger.ts";
import { Big, normalizeDecimal } from "../../kernel/money.ts";
import type { WalletRow } from "../wallets/index.ts";
import { presentRefund, type RefundView } from "./payout.presenter.ts";
import type { PayoutRepository, RefundRow } from "./payout.repository.ts";
import type { CreateRefundInput } from "./payout.schemas.ts";
import { PayoutsService } from "./payouts.service.ts";

/** The invoice fields a refund needs (the invoices module's view). */
export interface RefundInvoice {
  id: string;
  store_id: string | null;
  currency: string;
  buyer_email: string;
  notification_url: string;
  payments: { wallet_id: string | null; currency: string; rate: string; is_used: boolean }[];
}

/**
 * How refunds reach people. The customer's email carries the link to the public refund page; the merchant hears of
 * each submitted destination. Templates `customer_refund` and `merchant_refund_notify`.
 */
export interface RefundNotifier {
  customerRefund(message: {
    storeId: string | null;
    to: string;
    invoice: RefundInvoice;
    refund: RefundView;
    refundUrl: string;
  }): Promise<void>;
  merchantRefundSubmitted(message: {
    storeId: string | null;
    userId: string;
    invoice: RefundInvoice;
    refund: RefundView;
  }): Promise<void>;
}

/** Until an email channel is wired: the notifications are logged (without addresses or links). */
export const loggingRefundNotifier = (logger: Logger): RefundNotifier => ({
  customerRefund: async ({ refund }) =>
    logger.info({ refundId: refund.id }, "refund email to the customer not sent: no email channel"),
  merchantRefundSubmitted: async ({ refund }) =>
    logger.info({ refundId: refund.id }, "refund submission notice not sent: no email channel"),
});

export interface RefundsDeps {
  /** The actor's invoice (404 otherwise). */
  invoice(actor: Actor, id: string): Promise<RefundInvoice>;
  invoicePublic(id: string): Promise<RefundInvoice>;
  wallet(id: string): Promise<WalletRow | undefined>;
  coin(currency: string): CoinDefinition | undefined;
  /** Marks the invoice refunded (through the invoice state machine, so its notifications fire). */
  markRefunded(invoiceId: string): Promise<void>;
  notifier: RefundNotifier;
}

/** Bitcart's refunds: the merchant offers an amount, the customer names a destination, a pending payout follows. */
export class RefundsService {
  constructor(
    private readonly payouts: PayoutRepository,
    private readonly deps: RefundsDeps,
  ) {}

  /** `defaultHost`: where the web app is when the request names no `admin_host` (the email's link needs one). */
  async create(actor: Actor, invoiceId: string, input: CreateRefundInput, defaultHost = ""): Promise<RefundView> {
    const invoice = await this.deps.invoice(actor, invoiceId);
    const method = invoice.payments.find((p) => p.is_used) ?? invoice.payments.find((p) => p.wallet_id);
    if (!method?.wallet_id) throw invalidField(["invoice_id"], "The invoice has no wallet to refund from");
    const currency = input.currency.toUpperCase();
    const known = [invoice.currency.toUpperCase(), method.currency.toUpperCase()];
    if (!known.includes(currency) && this.deps.coin(currency)) {
      throw invalidField(["currency"], `The invoice was paid in ${method.currency.toUpperCase()}`);
    }
    const now = isoNow();
    const row = {
      id: newId(),
      user_id: actor.userId,
      invoice_id: invoice.id,
      wallet_id: method.wallet_id,
      amount: input.amount,
      currency,
      created: now,
      updated: now,
    };
    await this.payouts.insertRefund(row);
    const refund = presentRefund((await this.payouts.findRefund(row.id))!);
    if (input.send_email && invoice.buyer_email) {
      const host = (input.admin_host ?? defaultHost).replace(/\/+$/, "");
      await this.deps.notifier.customerRefund({
        storeId: invoice.store_id,
        to: invoice.buyer_email,
        invoice,
        refund,
        refundUrl: `${host}/refunds/${refund.id}`,
      });
    }
    return refund;
  }

  async get(id: string): Promise<RefundView> {
    const row = await this.payouts.findRefund(id);
    if (!row) throw notFound("Refund");
    return presentRefund(row);
  }

  /**
   * The customer's destination: validated for the wallet's coin and network, then a pending payout for the merchant
   * to approve. Once only (409 afterwards). An amount in the invoice's currency is converted at the invoice's rate.
   */
  async submit(id: string, destination: string): Promise<RefundView> {
    const refund = await this.payouts.findRefund(id);
    if (!refund) throw notFound("Refund");
    if (refund.payout_id) throw new AppError(409, "This refund was already submitted");
    const wallet = refund.wallet_id ? await this.deps.wallet(refund.wallet_id) : undefined;
    const coin = wallet && this.deps.coin(wallet.currency);
    if (!wallet || !coin) throw new AppError(409, "The refund's wallet no longer exists");
    const address = PayoutsService.checkDestination(destination, coin);
    const invoice = await this.deps.invoicePublic(refund.invoice_id);
    const { amount, currency } = this.payoutAmount(refund, invoice, coin, wallet.id);
    const now = isoNow();
    const payoutId = newId();
    await this.payouts.db.transaction(async () => {
      await this.payouts.insert({
        id: payoutId,
        user_id: refund.user_id,
        store_id: invoice.store_id,
        wallet_id: wallet.id,
        amount,
        currency,
        destination: address,
        notification_url: invoice.notification_url,
        max_fee: null,
        metadata: JSON.stringify({ refund_id: refund.id, invoice_id: refund.invoice_id }),
        created: now,
        updated: now,
      } as never);
      if (!(await this.payouts.claimRefund(refund.id, address, payoutId, now))) {
        throw new AppError(409, "This refund was already submitted");
      }
    });
    const view = presentRefund((await this.payouts.findRefund(id))!);
    await this.deps.notifier
      .merchantRefundSubmitted({ storeId: invoice.store_id, userId: refund.user_id, invoice, refund: view })
      .catch(() => undefined);
    return view;
  }

  /** The invoice of each refund paid by this payout becomes `refunded` (Bitcart: when the payout is sent). */
  async payoutSent(payoutId: string): Promise<void> {
    for (const refund of await this.payouts.refundsOfPayouts([payoutId]))
      await this.deps.markRefunded(refund.invoice_id);
  }

  private payoutAmount(refund: RefundRow, invoice: RefundInvoice, coin: CoinDefinition, walletId: string) {
    const method = invoice.payments.find((p) => p.wallet_id === walletId);
    const symbol = coin.symbol.toUpperCase();
    if (refund.currency === symbol) return { amount: refund.amount, currency: symbol };
    if (method && refund.currency === invoice.currency.toUpperCase() && new Big(method.rate).gt(0)) {
      const coins = new Big(refund.amount).div(method.rate).round(coin.divisibility, 0);
      return { amount: normalizeDecimal(coins), currency: symbol };
    }
    // Another fiat currency: converted at the rate of the day the payout is sent.
    return { amount: refund.amount, currency: refund.currency };
  }
}
