import { z } from "zod";
import { intField } from "../../http/fields.ts";
import type { SecretBox } from "../../kernel/secret-box.ts";

export const AUTH_MODES = ["none", "ssl/tls", "starttls"] as const;

/** Bitcart's EmailSettings, used by stores and by the server policy. */
export const emailSettingsSchema = z.object({
  address: z.string().max(254).default(""),
  host: z.string().max(253).default(""),
  port: intField().pipe(z.number().int().min(1).max(65535)).default(25),
  user: z.string().max(254).default(""),
  password: z.string().max(1000).default(""),
  auth_mode: z.enum(AUTH_MODES).default("starttls"),
});

export type EmailSettings = z.output<typeof emailSettingsSchema>;

export const emailSettingsPatch = emailSettingsSchema.partial();

/** The password is stored sealed and never answered: clients see `password: ""` plus `password_set`. */
export function sealEmailSettings(box: SecretBox, current: EmailSettings, patch: Partial<EmailSettings>): EmailSettings {
  const merged = { ...current, ...patch };
  merged.password = patch.password === undefined ? current.password : box.seal(patch.password);
  return merged;
}

export function presentEmailSettings(settings: EmailSettings) {
  return { ...settings, password: "", password_set: settings.password !== "" };
}
