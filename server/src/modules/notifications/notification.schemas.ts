import { z } from "zod";
import { metadataField } from "../../http/fields.ts";
import { isSecretKey } from "./notification-secrets.ts";

export const PROVIDERS = [
  "Telegram",
  "Discord",
  "Slack",
  "Matrix",
  "Ntfy",
  "Gotify",
  "Pushover",
  "Email",
  "Webhook",
] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Invoice events a provider can fire on; `invoice.complete` alone unless the merchant picks others. */
export const NOTIFICATION_EVENTS = [
  "invoice.payment_received",
  "invoice.paid",
  "invoice.confirmed",
  "invoice.complete",
  "invoice.expired",
  "invoice.invalid",
  "invoice.paid_late",
] as const;
export const DEFAULT_NOTIFICATION_EVENTS = ["invoice.complete"];

const eventsField = () =>
  z
    .array(z.enum(NOTIFICATION_EVENTS, { message: `Events must be among: ${NOTIFICATION_EVENTS.join(", ")}` }))
    .max(NOTIFICATION_EVENTS.length * 2)
    .transform((events) => [...new Set(events)]);

/** Any spelling of a provider name is accepted and stored in its canonical spelling. */
const providerField = () =>
  z
    .string()
    .trim()
    .max(64)
    .transform((value, ctx) => {
      const provider = PROVIDERS.find((p) => p.toLowerCase() === value.toLowerCase());
      if (!provider) {
        ctx.addIssue({ code: "custom", message: `Provider must be one of: ${PROVIDERS.join(", ")}` });
        return z.NEVER;
      }
      return provider;
    });

/** Provider settings; secret-named keys hold text (null clears a stored secret on update). */
const dataField = () =>
  z
    .record(z.string().min(1).max(128), z.unknown())
    .refine((data) => Object.keys(data).length <= 100, "Too many settings")
    .superRefine((data, ctx) => {
      for (const [key, value] of Object.entries(data)) {
        if (!isSecretKey(key) || value === null || typeof value === "string" || typeof value === "number") continue;
        ctx.addIssue({ code: "custom", path: [key], message: "Input should be a valid string" });
      }
    });

export const createNotificationSchema = z.object({
  name: z.string().min(1).max(1000),
  provider: providerField(),
  data: dataField().default({}),
  events: eventsField().default(DEFAULT_NOTIFICATION_EVENTS as (typeof NOTIFICATION_EVENTS)[number][]),
  metadata: metadataField().default({}),
});

export const notificationPatchSchema = z.object({
  name: z.string().min(1).max(1000).optional(),
  provider: providerField().optional(),
  data: dataField().optional(),
  events: eventsField().optional(),
  metadata: metadataField().optional(),
});

export type CreateNotificationInput = z.output<typeof createNotificationSchema>;
export type NotificationPatch = z.output<typeof notificationPatchSchema>;
