export { type InvoiceView, presentInvoice } from "./invoice.presenter.ts";
export { InvoiceRepository, type InvoiceRow } from "./invoice.repository.ts";
export { InvoiceTracker, type TrackerDeps } from "./invoice-tracker.ts";
export type { InvoiceEvent } from "./invoice-types.ts";
export { registerInvoiceRoutes } from "./invoices.routes.ts";
export { type InvoiceStore, type InvoicesDeps, InvoicesService, type InvoiceWallet } from "./invoices.service.ts";
