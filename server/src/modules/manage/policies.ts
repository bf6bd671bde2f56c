import { z } from "zod";
import { boolField } from "../../http/fields.ts";
import { emailSettingsSchema } from "../shared/email-settings.ts";

export const CAPTCHA_TYPES = ["none", "hcaptcha", "cloudflare_turnstile"] as const;

const flag = (value: boolean) => boolField().default(value);
const urlMap = () => z.record(z.string().max(64), z.string().max(2000)).default({});

/** Bitcart's server Policy with its defaults. */
export const policySchema = z.object({
  allow_powered_by_bitcart: flag(false),
  disable_registration: flag(false),
  require_verified_email: flag(false),
  allow_file_uploads: flag(true),
  discourage_index: flag(false),
  check_updates: flag(true),
  staging_updates: flag(false),
  allow_anonymous_configurator: flag(true),
  captcha_sitekey: z.string().max(500).default(""),
  captcha_secretkey: z.string().max(500).default(""),
  admin_theme_url: z.string().max(2000).default(""),
  captcha_type: z.enum(CAPTCHA_TYPES).default("none"),
  use_html_templates: flag(false),
  global_templates: z.record(z.string().max(64), z.string().max(64)).default({}),
  explorer_urls: urlMap(),
  rpc_urls: urlMap(),
  email_settings: emailSettingsSchema.default(emailSettingsSchema.parse({})),
  health_check_store_id: z.string().max(64).default(""),
});

export type Policy = z.output<typeof policySchema>;

export const policyPatchSchema = policySchema.partial().extend({ email_settings: emailSettingsSchema.partial().optional() });

export const SECRET_POLICY_FIELDS = ["captcha_secretkey", "email_settings"] as const;

export const globalStorePolicySchema = z.object({ pos_id: z.string().max(64).default("") });
export type GlobalStorePolicy = z.output<typeof globalStorePolicySchema>;
