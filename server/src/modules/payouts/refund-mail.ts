import type { RefundInvoice, RefundNotifier } from "./refunds.service.ts";

export interface RefundMailDeps {
  /** Renders a store template (`customer_refund`, `merchant_refund_notify`) with its variables; null when the store
   * cannot send email (no SMTP settings), so nothing is queued. */
  render(
    storeId: string,
    template: "customer_refund" | "merchant_refund_notify",
    variables: Record<string, unknown>,
  ): Promise<string | null>;
  /** Queues the email through the store's SMTP settings (a job: retried, sent once per key). */
  send(storeId: string, message: { to: string; subject: string; text: string }, dedupeKey: string): Promise<void>;
  merchantEmail(userId: string): Promise<string | null>;
}

/** Refund emails through the store's email settings and templates. A store without email sends nothing. */
export function mailRefundNotifier(deps: RefundMailDeps, fallback: RefundNotifier): RefundNotifier {
  const invoiceVars = (invoice: RefundInvoice) => ({ id: invoice.id, currency: invoice.currency });
  return {
    async customerRefund(message) {
      const { storeId, to, invoice, refund, refundUrl } = message;
      const text =
        storeId &&
        (await deps.render(storeId, "customer_refund", {
          invoice: invoiceVars(invoice),
          refund,
          refund_url: refundUrl,
        }));
      if (!storeId || !text) return fallback.customerRefund(message);
      await deps.send(storeId, { to, subject: `Refund of order ${invoice.id}`, text }, `refund:${refund.id}`);
    },
    async merchantRefundSubmitted(message) {
      const { storeId, userId, invoice, refund } = message;
      const to = await deps.merchantEmail(userId);
      const text =
        storeId &&
        to &&
        (await deps.render(storeId, "merchant_refund_notify", { invoice: invoiceVars(invoice), refund }));
      if (!storeId || !to || !text) return fallback.merchantRefundSubmitted(message);
      await deps.send(
        storeId,
        { to, subject: `Refund address received for order ${invoice.id}`, text },
        `refund-submitted:${refund.id}`,
      );
    },
  };
}
