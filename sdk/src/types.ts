/**
 * Response and request shapes of the Merchant API (Bitcart-compatible).
 * Decimal amounts travel as strings so no precision is lost; the server also accepts numbers and
 * numeric strings wherever a form would send them.
 */

/** Free-form metadata every record carries. */
export type Metadata = Record<string, unknown>;

/** Columns every stored record has. */
export interface BaseRecord {
  id: string;
  created: string;
  updated?: string;
  metadata: Metadata;
}

/** A record owned by a user. */
export interface OwnedRecord extends BaseRecord {
  user_id: string;
}

/** The list envelope: one page of `result` out of `count`; `previous`/`next` are absolute URLs or null. */
export interface Page<T> {
  result: T[];
  count: number;
  previous: string | null;
  next: string | null;
}

/** What `autocomplete=true` lists return per item. */
export interface AutocompleteItem {
  id: string;
  name: string;
}

/** Bitcart's list query. `limit: -1` returns everything. `query` accepts free text and `field:value` filters. */
export interface ListParams {
  offset?: number;
  limit?: number;
  query?: string;
  multiple?: boolean;
  sort?: string;
  desc?: boolean;
}

/** A value that may be sent as a number or as its decimal text (forms send text). */
export type DecimalInput = string | number;

/** Token scopes. A token may also hold `scope:object_id`, which grants one object only. */
export type Scope =
  | "server_management"
  | "token_management"
  | "wallet_management"
  | "store_management"
  | "discount_management"
  | "product_management"
  | "invoice_management"
  | "payout_management"
  | "notification_management"
  | "template_management"
  | "file_management"
  | "metrics_management"
  | "full_control";

/** A scope, or a selective `scope:object_id` permission. */
export type Permission = Scope | `${Scope}:${string}`;

// ---------------------------------------------------------------- errors

/** One validation problem, in FastAPI's shape. */
export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** What failed logins answer: `status` 404 = no such user, 401 = wrong password, 403 = captcha failed. */
export interface LoginErrorDetail {
  message: string;
  status: number;
}

/** The `detail` of an error body: a message, a list of field errors, or a login failure. */
export type ErrorDetail = string | FieldError[] | LoginErrorDetail | Record<string, unknown> | null;

// ---------------------------------------------------------------- users and tokens

export interface UserPreferences {
  balance_currency: string;
  fetch_balance: boolean;
}

export interface User extends BaseRecord {
  email: string;
  is_superuser: boolean;
  is_verified: boolean;
  is_enabled: boolean;
  tfa_enabled: boolean;
  fido2_devices: { id: string; name: string }[];
  settings: UserPreferences;
}

/** `POST /users` answers the user plus a full_control token (null when email verification is required). */
export interface RegisteredUser extends User {
  token: string | null;
}

export interface RegisterInput {
  email: string;
  password: string;
  captcha_code?: string;
  /** Honoured only when a superuser registers the account. */
  is_superuser?: boolean;
  settings?: Partial<UserPreferences>;
  metadata?: Metadata;
}

export interface UserUpdate {
  email?: string;
  password?: string;
  is_superuser?: boolean;
  is_verified?: boolean;
  is_enabled?: boolean;
  settings?: Partial<UserPreferences>;
  metadata?: Metadata;
}

export interface PasswordChange {
  password: string;
  old_password?: string;
  /** Revoke every other token of the account (default true). */
  logout_all?: boolean;
}

/** `GET /users/stats`: how many objects of each kind the user owns. */
export interface UserStats {
  wallets: number;
  stores: number;
  notifications: number;
  products: number;
  discounts: number;
  templates: number;
  files: number;
  invoices?: number;
  payouts?: number;
  [resource: string]: number | undefined;
}

export interface Token extends OwnedRecord {
  app_id: string;
  redirect_url: string;
  permissions: string[];
}

/** `POST /token` answer. `access_token` is the secret; it is shown only here. */
export interface CreatedToken extends Token {
  access_token: string | null;
  token_type: "bearer";
  tfa_required: boolean;
  tfa_code: string | null;
  tfa_types: string[];
}

export interface TokenOptions {
  permissions?: Permission[];
  app_id?: string;
  redirect_url?: string;
  /** When true (the default) asking for `server_management` without being a superuser fails instead of dropping it. */
  strict?: boolean;
}

export interface LoginInput extends TokenOptions {
  email: string;
  password: string;
  captcha_code?: string;
}

export interface TokenFilters {
  app_id?: string;
  redirect_url?: string;
  /** Only tokens holding all of these permissions. */
  permissions?: string[];
}

export interface TokenEdit {
  redirect_url: string;
}

// ---------------------------------------------------------------- server settings

export interface EmailSettings {
  address: string;
  host: string;
  port: number;
  user: string;
  /** Never answered: always "". */
  password: string;
  /** Whether a password is stored. */
  password_set?: boolean;
  auth_mode: "none" | "ssl/tls" | "starttls";
  /** Check the server's TLS certificate (default true); off only for a self-signed one trusted otherwise. */
  verify_tls: boolean;
}

/** `POST /stores/{id}/email/test`, `POST /manage/email/test`: the SMTP settings checked, the error in words. */
export interface SmtpTestResult {
  ok: boolean;
  error: string | null;
  sent: boolean;
}

/** `GET /email/presets`: SMTP settings of a common provider. */
export interface EmailPreset {
  id: string;
  name: string;
  host: string;
  port: number;
  auth_mode: "none" | "ssl/tls" | "starttls";
  verify_tls: boolean;
}

/** `GET /users/me/2fa/totp`: the secret to add to an authenticator app (kept until TOTP is enabled). */
export interface TotpSetup {
  totp_key: string;
  totp_url: string;
}

/** `password: ""` keeps the stored password; `null` removes it (store settings). */
export type EmailSettingsInput = Partial<Omit<EmailSettings, "password_set" | "port" | "password">> & {
  port?: number | string;
  password?: string | null;
};

export type CaptchaType = "none" | "hcaptcha" | "cloudflare_turnstile";

/** The server policy. Anonymous callers do not see `captcha_secretkey` nor `email_settings`. */
export interface Policy {
  allow_powered_by_bitcart: boolean;
  disable_registration: boolean;
  require_verified_email: boolean;
  allow_file_uploads: boolean;
  discourage_index: boolean;
  check_updates: boolean;
  staging_updates: boolean;
  allow_anonymous_configurator: boolean;
  captcha_sitekey: string;
  captcha_secretkey?: string;
  admin_theme_url: string;
  captcha_type: CaptchaType;
  use_html_templates: boolean;
  global_templates: Record<string, string>;
  explorer_urls: Record<string, string>;
  rpc_urls: Record<string, string>;
  email_settings?: EmailSettings;
  health_check_store_id: string;
  [key: string]: unknown;
}

export type PolicyUpdate = Partial<Omit<Policy, "email_settings">> & { email_settings?: EmailSettingsInput };

/** `GET /manage/stores`: the store the point of sale shows. */
export interface GlobalStorePolicy {
  pos_id: string;
}

// ---------------------------------------------------------------- stores

export interface CheckoutSettings {
  expiration: number;
  transaction_speed: number;
  underpaid_percentage: string | number;
  custom_logo_link: string;
  recommended_fee_target_blocks: number;
  show_recommended_fee: boolean;
  use_dark_mode: boolean;
  use_html_templates: boolean;
  email_required: boolean;
  ask_address: boolean;
  randomize_wallet_selection: boolean;
  allow_anonymous_invoice_creation: boolean;
  include_network_fee: boolean;
  rate_rules: string;
  pos_screen_enabled: boolean;
  [key: string]: unknown;
}

export interface ThemeSettings {
  store_theme_url: string;
  checkout_theme_url: string;
  [key: string]: unknown;
}

export interface PluginSettings {
  shopify?: { shop_name: string; api_key: string; api_secret: string };
  [key: string]: unknown;
}

/** How the store's currency is written: symbol and decimal places. */
export interface CurrencyData {
  code: string;
  symbol: string;
  divisibility: number;
}

/** A store as its owner sees it. */
export interface Store extends OwnedRecord {
  name: string;
  default_currency: string;
  currency_data: CurrencyData;
  wallets: string[];
  notifications: string[];
  templates: Record<string, string>;
  email_settings: EmailSettings;
  checkout_settings: CheckoutSettings;
  theme_settings: ThemeSettings;
  plugin_settings: PluginSettings;
}

/** A store as anyone else sees it (`GET /stores/{id}` without owning it): no wallets, email or notifications. */
export interface PublicStore extends OwnedRecord {
  name: string;
  default_currency: string;
  currency_data: CurrencyData;
  checkout_settings: CheckoutSettings;
  theme_settings: ThemeSettings;
}

export interface StoreCreate {
  name: string;
  default_currency?: string;
  /** Ids of the wallets the store accepts payments with (may be empty). */
  wallets: string[];
  notifications?: string[];
  templates?: Record<string, string>;
  email_settings?: EmailSettingsInput;
  checkout_settings?: Partial<CheckoutSettings>;
  theme_settings?: Partial<ThemeSettings>;
  plugin_settings?: PluginSettings;
  metadata?: Metadata;
}

export type StoreUpdate = Partial<StoreCreate>;

// ---------------------------------------------------------------- products

export interface Product extends OwnedRecord {
  name: string;
  price: string;
  quantity: number;
  download_url: string;
  category: string;
  description: string;
  image: string;
  store_id: string | null;
  status: string;
  discounts: string[];
  templates: Record<string, string>;
}

export interface ProductCreate {
  name: string;
  price: DecimalInput;
  store_id: string;
  /** -1 (the default) means unlimited. */
  quantity?: number | string;
  download_url?: string;
  category?: string;
  description?: string;
  status?: string;
  discounts?: string[];
  templates?: Record<string, string>;
  metadata?: Metadata;
}

export type ProductUpdate = Partial<ProductCreate>;

/** The public catalogue filters. With `store` given, listing needs no token. */
export interface ProductFilters {
  store?: string;
  category?: string;
  min_price?: DecimalInput;
  max_price?: DecimalInput;
  /** Only products with a discount. */
  sale?: boolean;
}

/** An image for a product: the bytes and the file name the server records. */
export interface Upload {
  data: Blob;
  filename: string;
}

// ---------------------------------------------------------------- discounts, notifications, templates, files

export interface Discount extends OwnedRecord {
  name: string;
  percent: number;
  end_date: string;
  description: string;
  promocode: string;
  /** A comma-separated list of wallet currencies ("" = all). */
  currencies: string;
}

export interface DiscountCreate {
  name: string;
  percent: number | string;
  end_date: string;
  description?: string;
  promocode?: string;
  currencies?: string;
  metadata?: Metadata;
}

export type DiscountUpdate = Partial<DiscountCreate>;

export interface Notification extends OwnedRecord {
  name: string;
  provider: string;
  /** Provider settings; secret values (tokens, passwords, keys, webhook URLs) are answered as "". */
  data: Record<string, unknown>;
  /** The secret settings that hold a value. */
  secrets_set: string[];
  error: boolean;
  /** Invoice events this provider fires on (default `["invoice.complete"]`). */
  events: string[];
  /** Why the last delivery failed (or a template that failed and was replaced by the default); null when fine. */
  last_error: string | null;
  last_sent_at: string | null;
}

/** `GET /notifications/schema`: per provider, Bitcart's option lists plus a JSON Schema of the options. */
export interface ProviderSchema {
  properties: string[];
  required: string[];
  setup_url: string;
  schema: {
    type: "object";
    title: string;
    properties: Record<
      string,
      { type: string; title: string; description?: string; format?: string; default?: unknown; enum?: unknown[] }
    >;
    required: string[];
  };
}

export interface NotificationCreate {
  name: string;
  provider: string;
  data?: Record<string, unknown>;
  events?: string[];
  metadata?: Metadata;
}

export type NotificationUpdate = Partial<NotificationCreate>;

export interface Template extends OwnedRecord {
  name: string;
  text: string;
}

export interface TemplateCreate {
  name: string;
  text: string;
  metadata?: Metadata;
}

export type TemplateUpdate = Partial<TemplateCreate>;

/**
 * `GET /templates/list`: the template names the server knows. With `applicable_to` (or `show_all`) `result`
 * is a list of names; otherwise it maps each kind of object to its names.
 */
export interface TemplateNames {
  result: string[] | Record<string, string[]>;
  /** Every name in `result`, flattened. */
  templates: string[];
  count: number;
  previous: string | null;
  next: string | null;
}

export interface TillFile extends OwnedRecord {
  filename: string;
  content_type: string;
  /** Bytes. */
  size: number;
}

/** The fields sent with a file upload. */
export interface FileFields {
  metadata?: Metadata;
}

// ---------------------------------------------------------------- misc

export interface HealthStatus {
  status: "ok" | "degraded" | string;
  checks?: Record<string, string>;
  /** `/health/ready` only: whether this process holds the leader lease (runs the chain watchers). */
  leader?: boolean;
}
