import { fromJson } from "../../db/json.ts";
import type { StoresTable } from "../../db/tables.ts";
import { currencyData } from "./currency-data.ts";
import {
  presentEmailSettings,
  presentPluginSettings,
  readCheckout,
  readEmail,
  readPlugins,
  readTheme,
} from "./store-settings.ts";

/** Bitcart's PublicStore: what anyone may read, e.g. the checkout page and the POS. */
export function presentPublicStore(row: StoresTable) {
  return {
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    default_currency: row.default_currency,
    checkout_settings: readCheckout(row.checkout_settings),
    theme_settings: readTheme(row.theme_settings),
    currency_data: currencyData(row.default_currency),
    metadata: fromJson<Record<string, unknown>>(row.metadata, {}),
    created: row.created,
    updated: row.updated,
  };
}

/** Bitcart's DisplayStore, for the owner; the SMTP password and Shopify secret are never answered. */
export function presentStore(row: StoresTable, links: { wallets: string[]; notifications: string[] }) {
  return {
    ...presentPublicStore(row),
    email_settings: presentEmailSettings(readEmail(row.email_settings)),
    plugin_settings: presentPluginSettings(readPlugins(row.plugin_settings)),
    templates: fromJson<Record<string, string>>(row.templates, {}),
    wallets: links.wallets,
    notifications: links.notifications,
  };
}

export type PublicStoreView = ReturnType<typeof presentPublicStore>;
export type StoreView = ReturnType<typeof presentStore>;
