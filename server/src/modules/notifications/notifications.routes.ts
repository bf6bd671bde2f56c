import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../http/auth.ts";
import { idParams } from "../../http/fields.ts";
import { registerCrudRoutes } from "../shared/crud-routes.ts";
import {
  createNotificationSchema,
  NOTIFICATION_EVENTS,
  notificationPatchSchema,
  PROVIDERS,
} from "./notification.schemas.ts";
import type { NotificationsService, TestSender } from "./notifications.service.ts";
import { PROVIDER_SCHEMAS } from "./provider-schemas.ts";

export function registerNotificationRoutes(
  root: FastifyInstance,
  notifications: NotificationsService,
  sendTest?: TestSender,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  if (sendTest) {
    app.post(
      "/notifications/:id/test",
      {
        config: { auth: { scopes: ["notification_management"] } },
        schema: {
          tags: ["notifications"],
          params: idParams,
          body: z.object({ store_id: z.string().max(64).optional() }).default({}),
        },
      },
      (request) => notifications.sendTest(requireActor(request), request.params.id, request.body.store_id, sendTest),
    );
  }
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
