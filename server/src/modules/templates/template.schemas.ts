import { z } from "zod";
import { metadataField, queryBool } from "../../http/fields.ts";

export const MAX_TEMPLATE_BYTES = 100 * 1024;

const nameField = () => z.string().trim().min(1).max(200);
const textField = () =>
  z
    .string()
    .refine((text) => Buffer.byteLength(text, "utf8") <= MAX_TEMPLATE_BYTES, "Template text must be at most 100 KB");

export const createTemplateSchema = z.object({
  name: nameField(),
  text: textField(),
  metadata: metadataField().default({}),
});

export const templatePatchSchema = z.object({
  name: nameField().optional(),
  text: textField().optional(),
  metadata: metadataField().optional(),
});

export const templateListQuery = z.object({
  applicable_to: z.string().max(64).optional(),
  show_all: queryBool(false),
});

export const templatePreviewSchema = z.object({
  variables: z.record(z.string().max(64), z.unknown()).default({}),
  html: z.boolean().default(false),
});

export type CreateTemplateInput = z.output<typeof createTemplateSchema>;
export type TemplatePatch = z.output<typeof templatePatchSchema>;
