export { FINAL_LIVE_STATUSES, type InvoiceView, liveInvoiceMessage, presentInvoice } from "./invoice.presenter.ts";
export { InvoiceRepository, type InvoiceRow } from "./invoice.repository.ts";
export { InvoiceTracker, type TrackerDeps } from "./invoice-tracker.ts";
export type { InvoiceEvent } from "./invoice-types.ts";
export { registerInvoiceRoutes } from "./invoices.routes.ts";
export { type InvoiceStore, type InvoicesDeps, InvoicesService, type InvoiceWallet } from "./invoices.service.ts";
