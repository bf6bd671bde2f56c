import { z } from "zod";
import { boolField, defaultField, optionalField } from "../../http/fields.ts";

/** Events a webhook can subscribe to; `*` subscribes to all of them, including ones added later. */
export const WEBHOOK_EVENT_TYPES = [
  "invoice.created",
  "invoice.payment_received",
  "invoice.paid",
  "invoice.confirmed",
  "invoice.complete",
  "invoice.expired",
  "invoice.invalid",
  "invoice.paid_late",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (value: string): value is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);

const urlField = () =>
  z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
      } catch {
        return false;
      }
    }, "must be an absolute http or https URL");

const secretField = () => z.string().min(16, "must be at least 16 characters").max(256);

const eventTypesField = () =>
  z
    .array(z.enum([...WEBHOOK_EVENT_TYPES, "*"]))
    .min(1, "must name at least one event type, or *")
    .max(50)
    .transform((types) => (types.includes("*") ? ["*"] : [...new Set(types)]));

export const createWebhookSchema = z.object({
  url: urlField(),
  /** Generated when absent; answered once, in the response to this request. */
  secret: optionalField(secretField()),
  event_types: eventTypesField().default(["*"]),
  enabled: defaultField(boolField(), true),
  description: z.string().max(1000).default(""),
});

export const webhookPatchSchema = z.object({
  url: urlField().optional(),
  /** Replaces the secret with this one. */
  secret: optionalField(secretField()),
  /** Replaces the secret with a new generated one, answered once. */
  rotate_secret: optionalField(boolField()),
  event_types: eventTypesField().optional(),
  enabled: optionalField(boolField()),
  description: z.string().max(1000).optional(),
});

export type CreateWebhookInput = z.output<typeof createWebhookSchema>;
export type WebhookPatch = z.output<typeof webhookPatchSchema>;

export const storeWebhookParams = z.object({
  id: z.string().min(1).max(128),
  webhook_id: z.string().min(1).max(128),
});

export const deliveryParams = z.object({
  id: z.string().min(1).max(128),
  delivery_id: z.string().min(1).max(128),
});
