import { fromJson } from "../../db/json.ts";
import type { SecretBox } from "../../kernel/secret-box.ts";
import { type EmailSettings, emailSettingsSchema, presentEmailSettings } from "../shared/email-settings.ts";
import type { CheckoutSettingsPatch, PluginSettingsPatch, ThemeSettingsPatch } from "./store.schemas.ts";

type Defined<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

export type CheckoutSettings = Defined<CheckoutSettingsPatch>;
export type ThemeSettings = Defined<ThemeSettingsPatch>;
export interface ShopifySettings {
  shop_name: string;
  api_key: string;
  /** Sealed with the SecretBox at rest. */
  api_secret: string;
}
export interface PluginSettings {
  shopify: ShopifySettings;
}

/** Bitcart's StoreCheckoutSettings defaults; `underpaid_percentage` is kept as an exact decimal string. */
export const CHECKOUT_DEFAULTS: CheckoutSettings = {
  expiration: 15,
  transaction_speed: 0,
  underpaid_percentage: "0",
  custom_logo_link: "",
  recommended_fee_target_blocks: 1,
  show_recommended_fee: true,
  use_dark_mode: false,
  use_html_templates: false,
  email_required: true,
  ask_address: false,
  randomize_wallet_selection: false,
  allow_anonymous_invoice_creation: true,
  include_network_fee: false,
  rate_rules: "",
  pos_screen_enabled: true,
  support_email: "",
  support_url: "",
};

export const THEME_DEFAULTS: ThemeSettings = { store_theme_url: "", checkout_theme_url: "" };

export const PLUGIN_DEFAULTS: PluginSettings = { shopify: { shop_name: "", api_key: "", api_secret: "" } };

export const EMAIL_DEFAULTS: EmailSettings = emailSettingsSchema.parse({});

/** `base` with every key of `patch` that was actually given. */
export function mergeDefined<T extends object>(base: T, patch: Partial<T>): T {
  const merged = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

/** Stored sections are read over their defaults, so a key added later reads as its default. */
const readObject = (json: string) => {
  const value = fromJson<unknown>(json, {});
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
};

export const readCheckout = (json: string): CheckoutSettings => ({ ...CHECKOUT_DEFAULTS, ...readObject(json) });
export const readTheme = (json: string): ThemeSettings => ({ ...THEME_DEFAULTS, ...readObject(json) });
export const readEmail = (json: string): EmailSettings => ({ ...EMAIL_DEFAULTS, ...readObject(json) });
export function readPlugins(json: string): PluginSettings {
  const stored = readObject(json);
  const shopify = stored.shopify && typeof stored.shopify === "object" ? stored.shopify : {};
  return { ...stored, shopify: { ...PLUGIN_DEFAULTS.shopify, ...shopify } };
}

/** The Shopify API secret follows the same rule as the SMTP password. */
export function applyPluginPatch(box: SecretBox, current: PluginSettings, patch: PluginSettingsPatch): PluginSettings {
  if (!patch.shopify) return current;
  const { api_secret, ...rest } = patch.shopify;
  const shopify = mergeDefined(current.shopify, rest);
  if (api_secret === null) shopify.api_secret = "";
  else if (api_secret) shopify.api_secret = box.seal(api_secret);
  return { ...current, shopify };
}

export { presentEmailSettings };

export function presentPluginSettings(settings: PluginSettings) {
  return {
    ...settings,
    shopify: { ...settings.shopify, api_secret: "", api_secret_set: settings.shopify.api_secret !== "" },
  };
}
