import { z } from "zod";
import {
  boolField,
  decimalField,
  idList,
  intField,
  metadataField,
  optionalEmailField,
  optionalField,
} from "../../http/fields.ts";
import { Big } from "../../kernel/money.ts";
import { emailSettingsPatchSchema } from "../shared/email-settings.ts";

/** Bitcart's FEE_ETA_TARGETS and MAX_CONFIRMATION_WATCH. */
export const FEE_TARGET_BLOCKS = [25, 10, 5, 2, 1] as const;
export const MAX_TRANSACTION_SPEED = 6;

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host !== "";
  } catch {
    return false;
  }
};

/**
 * Every section is validated as a partial object: creation fills the gaps from Bitcart's defaults, and the
 * `PATCH /stores/{id}/<section>` routes merge what was sent into what is stored.
 */
export const checkoutSettingsPatch = z.object({
  expiration: optionalField(intField().pipe(z.number().min(1, "Expiration must be at least 1 minute"))),
  transaction_speed: optionalField(
    intField().pipe(
      z
        .number()
        .min(0, `Transaction speed must be in range from 0 to ${MAX_TRANSACTION_SPEED}`)
        .max(MAX_TRANSACTION_SPEED, `Transaction speed must be in range from 0 to ${MAX_TRANSACTION_SPEED}`),
    ),
  ),
  underpaid_percentage: optionalField(
    decimalField({ min: "0" }).refine(
      (v) => new Big(v).lt(100),
      "Underpaid percentage must be in range from 0 to 99.99",
    ),
  ),
  custom_logo_link: z.string().max(2000).optional(),
  recommended_fee_target_blocks: optionalField(
    intField().refine(
      (v) => (FEE_TARGET_BLOCKS as readonly number[]).includes(v),
      `Recommended fee confirmation target blocks must be either of: ${FEE_TARGET_BLOCKS.join(", ")}`,
    ),
  ),
  show_recommended_fee: optionalField(boolField()),
  use_dark_mode: optionalField(boolField()),
  use_html_templates: optionalField(boolField()),
  email_required: optionalField(boolField()),
  ask_address: optionalField(boolField()),
  randomize_wallet_selection: optionalField(boolField()),
  allow_anonymous_invoice_creation: optionalField(boolField()),
  include_network_fee: optionalField(boolField()),
  rate_rules: z.string().max(10_000).optional(),
  pos_screen_enabled: optionalField(boolField()),
  support_email: optionalEmailField().optional(),
  support_url: z
    .string()
    .trim()
    .max(2000)
    .refine((v) => v === "" || isHttpUrl(v), "Support URL must be an absolute http or https URL")
    .optional(),
});

export const themeSettingsPatch = z.object({
  store_theme_url: z.string().max(2000).optional(),
  checkout_theme_url: z.string().max(2000).optional(),
});

export const pluginSettingsPatch = z.object({
  shopify: z
    .object({
      shop_name: z.string().max(255).optional(),
      api_key: z.string().max(1000).optional(),
      api_secret: z.string().max(1000).nullable().optional(),
    })
    .optional(),
});

export const emailSettingsPatch = emailSettingsPatchSchema;

const currencyField = () =>
  z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3,10}$/, "Currency must be a code of 3 to 10 letters");

/** Template name → template id; the admin clears a choice by sending null. */
const templatesField = () =>
  z
    .record(z.string().min(1).max(64), z.string().max(64).nullable())
    .refine((map) => Object.keys(map).length <= 100, "Too many templates")
    .transform((map) =>
      Object.fromEntries(Object.entries(map).filter((entry): entry is [string, string] => !!entry[1])),
    );

export const createStoreSchema = z.object({
  name: z.string().min(1).max(1000),
  default_currency: currencyField().default("USD"),
  checkout_settings: checkoutSettingsPatch.optional(),
  theme_settings: themeSettingsPatch.optional(),
  email_settings: emailSettingsPatch.optional(),
  plugin_settings: pluginSettingsPatch.optional(),
  templates: templatesField().default({}),
  wallets: idList(),
  notifications: idList().default([]),
  metadata: metadataField().default({}),
});

export const storePatchSchema = z.object({
  name: z.string().min(1).max(1000).optional(),
  default_currency: currencyField().optional(),
  checkout_settings: checkoutSettingsPatch.optional(),
  theme_settings: themeSettingsPatch.optional(),
  email_settings: emailSettingsPatch.optional(),
  plugin_settings: pluginSettingsPatch.optional(),
  templates: templatesField().optional(),
  wallets: idList().optional(),
  notifications: idList().optional(),
  metadata: metadataField().optional(),
});

/** The settings sections that have their own `PATCH /stores/{id}/<section>` route. */
export const SETTINGS_SECTIONS = {
  checkout_settings: checkoutSettingsPatch,
  email_settings: emailSettingsPatch,
  theme_settings: themeSettingsPatch,
  plugin_settings: pluginSettingsPatch,
} as const;

export type SettingsSection = keyof typeof SETTINGS_SECTIONS;
export type CheckoutSettingsPatch = z.output<typeof checkoutSettingsPatch>;
export type ThemeSettingsPatch = z.output<typeof themeSettingsPatch>;
export type PluginSettingsPatch = z.output<typeof pluginSettingsPatch>;
export type StoreEmailPatch = z.output<typeof emailSettingsPatch>;
export type CreateStoreInput = z.output<typeof createStoreSchema>;
export type StorePatch = z.output<typeof storePatchSchema>;
