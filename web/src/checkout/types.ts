/** The fields of Till's public invoice (`GET /invoices/{id}`) that the checkout reads. */
export interface PaymentMethod {
  id: string;
  name: string;
  symbol: string;
  currency: string;
  amount: string;
  rate: string;
  rate_str: string;
  divisibility: number;
  payment_address: string;
  payment_url: string;
  recommended_fee: string | number | null;
  confirmations_required: number;
  lightning: boolean;
  label: string;
  is_used: boolean;
}

export interface LedgerEntry {
  method_id: string;
  txid: string;
  amount: string;
  confirmations: number;
  state: string;
}

export interface Invoice {
  id: string;
  store_id: string;
  price: string;
  currency: string;
  paid_currency: string | null;
  status: string;
  exception_status: string;
  sent_amount: string;
  expiration_seconds: number;
  time_left: number;
  buyer_email: string;
  shipping_address: string;
  redirect_url: string;
  order_id: string;
  payment_id: string | null;
  payments: PaymentMethod[];
  ledger: LedgerEntry[];
}

/** The invoice's live message (websocket and SSE). */
export interface LiveStatus {
  status: string;
  exception_status: string;
  sent_amount: string;
  paid_currency: string | null;
  payment_id: string | null;
}

/** The public store (`GET /stores/{id}` without a token). */
export interface PublicStore {
  id: string;
  name: string;
  default_currency: string;
  checkout_settings: {
    use_dark_mode: boolean;
    email_required: boolean;
    ask_address: boolean;
    show_recommended_fee: boolean;
    custom_logo_link: string;
    support_url?: string;
    support_email?: string;
  };
}
