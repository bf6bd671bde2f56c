import { z } from "zod";
import { boolField, defaultField, emailField, metadataField, optionalField } from "../../http/fields.ts";

export const preferencesSchema = z.object({
  balance_currency: z.string().trim().min(1).max(10).default("USD"),
  fetch_balance: defaultField(boolField(), true),
});

/** Passwords are length-limited both ways: argon2 takes any length, but a megabyte password is an attack. */
export const passwordField = () => z.string().min(1, "Password must not be empty").max(1024);

export const registerSchema = z.object({
  email: emailField(),
  password: passwordField(),
  is_superuser: defaultField(boolField(), false),
  captcha_code: z.string().max(4096).default(""),
  settings: preferencesSchema.default(preferencesSchema.parse({})),
  metadata: metadataField().default({}),
});

export const userPatchSchema = z.object({
  email: emailField().optional(),
  password: passwordField().optional(),
  is_superuser: optionalField(boolField()),
  is_verified: optionalField(boolField()),
  is_enabled: optionalField(boolField()),
  settings: preferencesSchema.partial().optional(),
  metadata: metadataField().optional(),
});

export const passwordChangeSchema = z.object({
  old_password: z.string().max(1024).optional(),
  password: passwordField(),
  logout_all: defaultField(boolField(), true),
});

export type RegisterInput = z.output<typeof registerSchema>;
export type UserPatch = z.output<typeof userPatchSchema>;
