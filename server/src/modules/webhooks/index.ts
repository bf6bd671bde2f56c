export type { DeliveryView, WebhookView } from "./webhook.presenter.ts";
export { WebhookRepository } from "./webhook.repository.ts";
export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./webhook.schemas.ts";
export { registerWebhookRoutes } from "./webhooks.routes.ts";
export {
  type EmitOptions,
  type EmittedEvent,
  WEBHOOK_JOB,
  type WebhookJobPayload,
  type WebhooksOptions,
  WebhooksService,
} from "./webhooks.service.ts";
