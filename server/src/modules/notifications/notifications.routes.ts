import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../shared/crud-routes.ts";
import {
  createNotificationSchema,
  NOTIFICATION_EVENTS,
  notificationPatchSchema,
  PROVIDERS,
} from "./notification.schemas.ts";
import type { NotificationsService } from "./notifications.service.ts";
import { PROVIDER_SCHEMAS } from "./provider-schemas.ts";

export function registerNotificationRoutes(app: FastifyInstance, notifications: NotificationsService): void {
  // Public, as in Bitcart: the provider names, in Bitcart's list envelope.
  app.get("/notifications/list", { schema: { tags: ["notifications"] } }, () => ({
    count: PROVIDERS.length,
    next: null,
    previous: null,
    result: [...PROVIDERS],
  }));
  // Public: each provider's options as Bitcart names them, with a JSON Schema to build the form from.
  app.get("/notifications/schema", { schema: { tags: ["notifications"] } }, () => PROVIDER_SCHEMAS);
  app.get("/notifications/events", { schema: { tags: ["notifications"] } }, () => [...NOTIFICATION_EVENTS]);
  registerCrudRoutes(app, {
    prefix: "/notifications",
    tag: "notifications",
    scope: "notification_management",
    service: notifications,
    createSchema: createNotificationSchema,
    patchSchema: notificationPatchSchema,
  });
}
