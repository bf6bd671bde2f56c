import { z } from "zod";
import { boolField, documentSchemas, optionalField } from "../../http/fields.ts";
import { emailSettingsPatchSchema, emailSettingsSchema } from "../shared/email-settings.ts";

export const CAPTCHA_TYPES = ["none", "hcaptcha", "cloudflare_turnstile"] as const;

const urlMap = () => z.record(z.string().max(64), z.string().max(2000));

/** Bitcart's server Policy with its defaults; a policy update changes only the fields it names. */
const policy = documentSchemas({
  allow_powered_by_bitcart: [boolField(), false],
  disable_registration: [boolField(), false],
  require_verified_email: [boolField(), false],
  allow_file_uploads: [boolField(), true],
  discourage_index: [boolField(), false],
  check_updates: [boolField(), true],
  staging_updates: [boolField(), false],
  allow_anonymous_configurator: [boolField(), true],
  captcha_sitekey: [z.string().max(500), ""],
  captcha_secretkey: [z.string().max(500), ""],
  admin_theme_url: [z.string().max(2000), ""],
  captcha_type: [z.enum(CAPTCHA_TYPES), "none"],
  use_html_templates: [boolField(), false],
  global_templates: [z.record(z.string().max(64), z.string().max(64)), {}],
  explorer_urls: [urlMap(), {}],
  rpc_urls: [urlMap(), {}],
  email_settings: [emailSettingsSchema, emailSettingsSchema.parse({})],
  health_check_store_id: [z.string().max(64), ""],
});

export const policySchema = policy.full;

export type Policy = z.output<typeof policySchema>;

export const policyPatchSchema = policy.patch.extend({ email_settings: optionalField(emailSettingsPatchSchema) });

export const SECRET_POLICY_FIELDS = ["captcha_secretkey", "email_settings"] as const;

export const globalStorePolicySchema = z.object({ pos_id: z.string().max(64).default("") });
export type GlobalStorePolicy = z.output<typeof globalStorePolicySchema>;
