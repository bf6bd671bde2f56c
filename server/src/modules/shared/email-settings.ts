import { z } from "zod";
import { boolField, documentSchemas, intField, optionalField } from "../../http/fields.ts";
import type { SecretBox } from "../../kernel/secret-box.ts";

export const AUTH_MODES = ["none", "ssl/tls", "starttls"] as const;

/** Bitcart's EmailSettings with its defaults, used by stores and by the server policy. */
const email = documentSchemas({
  address: [z.string().max(254), ""],
  host: [z.string().max(253), ""],
  port: [intField().pipe(z.number().int().min(1).max(65535)), 25],
  user: [z.string().max(254), ""],
  password: [z.string().max(1000), ""],
  auth_mode: [z.enum(AUTH_MODES), "starttls"],
  // Off only for a server with a self-signed certificate one trusts by other means: never the default.
  verify_tls: [boolField(), true],
});

export const emailSettingsSchema = email.full;

export type EmailSettings = z.output<typeof emailSettingsSchema>;

/** A change to email settings: `password: ""` (what the API answers) keeps the stored one, `null` removes it. */
export const emailSettingsPatchSchema = email.patch.extend({
  password: optionalField(z.string().max(1000).nullable()),
});

export type EmailSettingsPatch = z.output<typeof emailSettingsPatchSchema>;

/** The password is stored sealed and never answered: clients see `password: ""` plus `password_set`. */
export function sealEmailSettings(
  box: SecretBox,
  current: EmailSettings,
  patch: Partial<EmailSettings>,
): EmailSettings {
  const merged = { ...current, ...patch };
  merged.password = patch.password === undefined ? current.password : box.seal(patch.password);
  return merged;
}

/** Applies a patch: named fields change, the password follows the keep/replace/remove rule above. */
export function applyEmailPatch(
  box: SecretBox,
  current: EmailSettings,
  patch: Partial<EmailSettingsPatch>,
): EmailSettings {
  const { password, ...rest } = patch;
  const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<EmailSettings>;
  if (password === null) return { ...current, ...given, password: "" };
  if (password === undefined || password === "") return { ...current, ...given };
  return sealEmailSettings(box, current, { ...given, password });
}

export function presentEmailSettings(settings: EmailSettings) {
  return { ...settings, password: "", password_set: settings.password !== "" };
}
