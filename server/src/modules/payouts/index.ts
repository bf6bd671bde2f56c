export { type PayoutView, presentPayout, presentRefund, type RefundView } from "./payout.presenter.ts";
export { PayoutRepository, type PayoutRow, type RefundRow } from "./payout.repository.ts";
export { type PayoutChains, PayoutSender, type PayoutSenderDeps } from "./payout-sender.ts";
export { registerPayoutRoutes, registerRefundRoutes } from "./payouts.routes.ts";
export { PAYOUT_STATUSES, type PayoutStatus, type PayoutsDeps, PayoutsService } from "./payouts.service.ts";
export { mailRefundNotifier, type RefundMailDeps } from "./refund-mail.ts";
export {
  loggingRefundNotifier,
  type RefundInvoice,
  type RefundNotifier,
  type RefundsDeps,
  RefundsService,
} from "./refunds.service.ts";
