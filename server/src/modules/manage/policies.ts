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

/** The schema's fields, each optional and without its default, so a patch names only what it changes. */
function patchShape<S extends Record<string, z.ZodType>>(shape: S) {
  return Object.fromEntries(
    Object.entries(shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field).optional()]),
  ) as { [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer Inner> ? Inner : S[K]> };
}

/**
 * A policy update changes only the fields it names. In `email_settings`, `password: ""` (what the API
 * answers) keeps the stored password, a new value replaces it and `null` removes it.
 */
export const emailSettingsPatchSchema = z.object({
  ...patchShape(emailSettingsSchema.shape),
  password: emailSettingsSchema.shape.password.unwrap().nullable().optional(),
});

export const policyPatchSchema = z.object({
  ...patchShape(policySchema.shape),
  email_settings: emailSettingsPatchSchema.optional(),
});

export const SECRET_POLICY_FIELDS = ["captcha_secretkey", "email_settings"] as const;

export const globalStorePolicySchema = z.object({ pos_id: z.string().max(64).default("") });
export type GlobalStorePolicy = z.output<typeof globalStorePolicySchema>;
