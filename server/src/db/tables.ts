import type { Generated } from "kysely";

/**
 * Portable column conventions (the same on SQLite and PostgreSQL):
 * ids and timestamps are TEXT (ISO-8601 UTC), booleans INTEGER 0/1, JSON TEXT, amounts TEXT decimals.
 */
type Bool = number;
type Json = string;

interface Owned {
  id: string;
  user_id: string;
  metadata: Json;
  created: string;
  updated: string;
}

export interface UsersTable {
  id: string;
  email: string;
  hashed_password: string;
  is_superuser: Bool;
  is_verified: Bool;
  is_enabled: Bool;
  tfa_enabled: Bool;
  totp_key: string | null;
  recovery_codes: Json;
  fido2_devices: Json;
  settings: Json;
  metadata: Json;
  created: string;
  updated: string;
}

export interface TokensTable {
  id: string;
  token_hash: string;
  user_id: string;
  app_id: string;
  redirect_url: string;
  permissions: Json;
  metadata: Json;
  created: string;
  updated: string;
  last_used: string | null;
}

export interface SettingsTable {
  name: string;
  value: Json;
  updated: string;
}

export interface WalletsTable extends Owned {
  name: string;
  xpub: string;
  currency: string;
  lightning_enabled: Bool;
  label: string;
  hint: string;
  contract: string;
  additional_xpub_data: Json;
  transaction_speed: number | null;
  key_kind: Generated<string>;
  script_type: Generated<string>;
  derivation: Generated<string>;
  descriptor: Generated<string>;
  hot_wallet: Generated<Bool>;
  /** Sealed with the server key; "" for watch-only wallets. */
  private_material: Generated<string>;
  /** The next receive index never handed out (fresh-address counter). */
  receive_index: Generated<number>;
  change_index: Generated<number>;
  last_used_receive: Generated<number>;
  last_used_change: Generated<number>;
  balance_confirmed: Generated<string>;
  balance_unconfirmed: Generated<string>;
  sync_status: Generated<string>;
  sync_error: Generated<string>;
  synced_at: Generated<string | null>;
}

export interface WalletAddressesTable {
  wallet_id: string;
  chain: number;
  idx: number;
  address: string;
  script: string;
  used: Generated<Bool>;
}

export interface ChainStateTable {
  name: string;
  state: Json;
  updated: string;
}

export interface StoresTable extends Owned {
  name: string;
  default_currency: string;
  email_settings: Json;
  checkout_settings: Json;
  theme_settings: Json;
  plugin_settings: Json;
  templates: Json;
}

export interface NotificationsTable extends Owned {
  name: string;
  provider: string;
  data: Json;
  /** Invoice event types this provider fires on (JSON array). */
  events: Json;
  last_error: string | null;
  last_sent_at: string | null;
}

/** Single-use codes: password reset, email verification, the second login step, WebAuthn challenges. */
export interface AuthCodesTable {
  code_hash: string;
  purpose: string;
  user_id: string | null;
  data: Json;
  expires: string;
  created: string;
}

export interface ProductsTable extends Owned {
  store_id: string | null;
  name: string;
  price: string;
  quantity: number;
  download_url: string;
  category: string;
  description: string;
  image: string;
  status: string;
  templates: Json;
}

export interface DiscountsTable extends Owned {
  name: string;
  percent: number;
  end_date: string;
  description: string;
  promocode: string;
  currencies: string;
}

export interface TemplatesTable extends Owned {
  name: string;
  text: string;
}

export interface FilesTable extends Owned {
  filename: string;
  stored_name: string;
  content_type: string;
  size: number;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: string;
  renewed_at: string;
}

export interface InvoicesTable {
  id: string;
  user_id: string;
  store_id: string | null;
  /** Exact decimal in `currency`. */
  price: string;
  currency: string;
  paid_currency: Generated<string>;
  status: Generated<string>;
  exception_status: Generated<string>;
  /** Decimal in the paid currency's units (Bitcart's field). */
  sent_amount: Generated<string>;
  /** Minutes. */
  expiration: number;
  buyer_email: Generated<string>;
  shipping_address: Generated<string>;
  notes: Generated<string>;
  notification_url: Generated<string>;
  redirect_url: Generated<string>;
  order_id: Generated<string>;
  promocode: Generated<string>;
  discount: string | null;
  tx_hashes: Generated<Json>;
  payment_methods: Generated<Json>;
  paid_date: string | null;
  creation_time: string | null;
  expires_at: string;
  monitored_until: string | null;
  manual_override: Json | null;
  metadata: Generated<Json>;
  created: string;
  updated: string;
}

export interface InvoicePaymentMethodsTable {
  id: string;
  invoice_id: string;
  wallet_id: string | null;
  position: Generated<number>;
  currency: string;
  symbol: string;
  /** Integer base units. */
  amount: string;
  rate: string;
  discount: string | null;
  divisibility: number;
  payment_address: string;
  script: Generated<string>;
  payment_url: Generated<string>;
  address_index: number | null;
  confirmations_required: Generated<number>;
  recommended_fee: Generated<string>;
  label: Generated<string>;
  hint: Generated<string>;
  contract: Generated<string>;
  user_address: Generated<string>;
  lightning: Generated<Bool>;
  node_id: Generated<string>;
  is_used: Generated<Bool>;
  created: string;
}

/** The payments ledger: one row per observed output paying an invoice address. */
export interface InvoicePaymentsTable {
  invoice_id: string;
  method_id: string;
  currency: string;
  txid: string;
  vout: number;
  script: string;
  /** Integer base units. */
  amount: string;
  height: number | null;
  block_hash: string | null;
  confirmations: Generated<number>;
  state: string;
  rbf: Generated<Bool>;
  replaced_by: string | null;
  seen_at: string;
  seen_before_expiry: Bool;
  updated: string;
}

export interface InvoiceProductsTable {
  invoice_id: string;
  product_id: string;
  count: Generated<number>;
}

export interface JobsTable {
  /** Growing integer (PostgreSQL bigint, read as a string there). */
  id: Generated<number>;
  kind: string;
  payload: Json;
  ordering_key: string | null;
  dedupe_key: string | null;
  /** queued | running | done | dead */
  status: string;
  run_at: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_by: string | null;
  locked_until: string | null;
  created: string;
  updated: string;
}

export interface WebhooksTable {
  id: string;
  store_id: string;
  url: string;
  /** Sealed with the server key. */
  secret: string;
  event_types: Json;
  enabled: Bool;
  description: string;
  created: string;
  updated: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  request_body: string;
  attempt: number;
  /** success | http_error | failed */
  status: string;
  response_status: number | null;
  response_body: string;
  error: string | null;
  duration_ms: number;
  redelivery_of: string | null;
  created: string;
}

export interface PayoutsTable {
  id: string;
  user_id: string;
  store_id: string | null;
  wallet_id: string;
  /** Exact decimal in `currency`; "-1" sends the whole balance. */
  amount: string;
  currency: string;
  destination: string;
  status: Generated<string>;
  notification_url: Generated<string>;
  max_fee: string | null;
  tx_hash: Generated<string | null>;
  used_fee: Generated<string | null>;
  failure_reason: Generated<string>;
  /** Base units sent to the destination, once signed. */
  sent_amount: Generated<string | null>;
  /** Base units of fee of the whole transaction (shared by a batch), once signed. */
  tx_fee: Generated<string | null>;
  fee_rate: Generated<string | null>;
  fee_rate_source: Generated<string | null>;
  /** Raw signed transaction, stored before it is broadcast. */
  signed_tx: Generated<string | null>;
  metadata: Generated<Json>;
  created: string;
  updated: string;
}

export interface RefundsTable {
  id: string;
  user_id: string;
  invoice_id: string;
  wallet_id: string | null;
  amount: string;
  currency: string;
  payout_id: Generated<string | null>;
  destination: Generated<string | null>;
  metadata: Generated<Json>;
  created: string;
  updated: string;
}

export interface Database {
  users: UsersTable;
  tokens: TokensTable;
  settings: SettingsTable;
  wallets: WalletsTable;
  wallet_addresses: WalletAddressesTable;
  chain_state: ChainStateTable;
  stores: StoresTable;
  notifications: NotificationsTable;
  auth_codes: AuthCodesTable;
  products: ProductsTable;
  discounts: DiscountsTable;
  templates: TemplatesTable;
  files: FilesTable;
  wallets_stores: { store_id: string; wallet_id: string; position: Generated<number> };
  notifications_stores: { store_id: string; notification_id: string };
  discounts_products: { product_id: string; discount_id: string };
  leases: LeasesTable;
  invoices: InvoicesTable;
  invoice_payment_methods: InvoicePaymentMethodsTable;
  invoice_payments: InvoicePaymentsTable;
  invoice_products: InvoiceProductsTable;
  jobs: JobsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  payouts: PayoutsTable;
  refunds: RefundsTable;
}

export type TableName = keyof Database;
