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

export interface Database {
  users: UsersTable;
  tokens: TokensTable;
  settings: SettingsTable;
  wallets: WalletsTable;
  wallet_addresses: WalletAddressesTable;
  chain_state: ChainStateTable;
  stores: StoresTable;
  notifications: NotificationsTable;
  products: ProductsTable;
  discounts: DiscountsTable;
  templates: TemplatesTable;
  files: FilesTable;
  wallets_stores: { store_id: string; wallet_id: string; position: Generated<number> };
  notifications_stores: { store_id: string; notification_id: string };
  discounts_products: { product_id: string; discount_id: string };
}

export type TableName = keyof Database;
