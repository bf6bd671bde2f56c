import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../shared/crud-routes.ts";
import { createNotificationSchema, notificationPatchSchema, PROVIDERS } from "./notification.schemas.ts";
import type { NotificationsService } from "./notifications.service.ts";

export function registerNotificationRoutes(app: FastifyInstance, notifications: NotificationsService): void {
  // Public, as in Bitcart: the provider names, in Bitcart's list envelope.
  app.get("/notifications/list", { schema: { tags: ["notifications"] } }, () => ({
    count: PROVIDERS.length,
    next: null,
    previous: null,
    result: [...PROVIDERS],
  }));
  registerCrudRoutes(app, {
    prefix: "/notifications",
    tag: "notifications",
    scope: "notification_management",
    service: notifications,
    createSchema: createNotificationSchema,
    patchSchema: notificationPatchSchema,
  });
}
