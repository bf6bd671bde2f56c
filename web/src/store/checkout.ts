import { api } from "../shared/api.ts";

export interface InvoiceRequest {
  store_id: string;
  price: string;
  currency: string;
  products?: Record<string, number>;
  promocode?: string;
  buyer_email?: string;
}

/** Creates the invoice (anonymously: the store must allow it) and opens its checkout page. */
export async function payInvoice(request: InvoiceRequest, beforeLeaving?: () => void): Promise<void> {
  const invoice = await api<{ id: string }>("POST", "/invoices", request);
  beforeLeaving?.();
  window.location.assign(`/i/${encodeURIComponent(invoice.id)}`);
}
