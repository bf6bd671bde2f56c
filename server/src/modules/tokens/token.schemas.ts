import { z } from "zod";
import { boolField, defaultField } from "../../http/fields.ts";

const permissions = () => z.array(z.string().max(200)).max(100).default([]);

export const createTokenSchema = z.object({
  email: z.string().trim().max(254).default(""),
  password: z.string().max(1024).default(""),
  captcha_code: z.string().max(4096).default(""),
  strict: defaultField(boolField(), true),
  app_id: z.string().max(200).default(""),
  redirect_url: z.string().max(2000).default(""),
  permissions: permissions(),
});

export const editTokenSchema = z.object({ redirect_url: z.string().max(2000).default("") });

export const tokenListQuery = z.object({
  app_id: z.string().max(200).optional(),
  redirect_url: z.string().max(2000).optional(),
  permissions: z.union([z.string(), z.array(z.string())]).optional(),
});

export type CreateTokenInput = z.output<typeof createTokenSchema>;
export type EditTokenInput = z.output<typeof editTokenSchema>;
