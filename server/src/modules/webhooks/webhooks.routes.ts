import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { requireActor } from "../../http/auth.ts";
import { idParams, listQuerySchema } from "../../http/fields.ts";
import { requestUrl } from "../shared/crud-routes.ts";
import { pageEnvelope } from "../shared/list-params.ts";
import { createWebhookSchema, deliveryParams, storeWebhookParams, webhookPatchSchema } from "./webhook.schemas.ts";
import type { WebhooksService } from "./webhooks.service.ts";

/**
 * `/stores/{id}/webhooks` CRUD and `/webhooks/{id}/deliveries`, for the store's owner with `store_management`
 * (a token limited to `store_management:{store_id}` works on the store's routes). Creates answer 200.
 */
export function registerWebhookRoutes(root: FastifyInstance, webhooks: WebhooksService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["webhooks"];
  const auth = { scopes: ["store_management" as const] };

  app.get(
    "/stores/:id/webhooks",
    { config: { auth }, schema: { tags, params: idParams, querystring: listQuerySchema } },
    async (request) => {
      const { items, count } = await webhooks.list(requireActor(request), request.params.id, request.query);
      return pageEnvelope(items, count, request.query, requestUrl(request));
    },
  );
  app.post(
    "/stores/:id/webhooks",
    { config: { auth }, schema: { tags, params: idParams, body: createWebhookSchema } },
    (request) => webhooks.create(requireActor(request), request.params.id, request.body),
  );
  app.get(
    "/stores/:id/webhooks/:webhook_id",
    { config: { auth }, schema: { tags, params: storeWebhookParams } },
    (request) => webhooks.get(requireActor(request), request.params.id, request.params.webhook_id),
  );
  app.patch(
    "/stores/:id/webhooks/:webhook_id",
    { config: { auth }, schema: { tags, params: storeWebhookParams, body: webhookPatchSchema } },
    (request) => webhooks.update(requireActor(request), request.params.id, request.params.webhook_id, request.body),
  );
  app.delete(
    "/stores/:id/webhooks/:webhook_id",
    { config: { auth }, schema: { tags, params: storeWebhookParams } },
    (request) => webhooks.remove(requireActor(request), request.params.id, request.params.webhook_id),
  );

  app.get(
    "/webhooks/:id/deliveries",
    { config: { auth }, schema: { tags, params: idParams, querystring: listQuerySchema } },
    async (request) => {
      const { items, count } = await webhooks.deliveries(requireActor(request), request.params.id, request.query);
      return pageEnvelope(items, count, request.query, requestUrl(request));
    },
  );
  app.post(
    "/webhooks/:id/deliveries/:delivery_id/redeliver",
    { config: { auth }, schema: { tags, params: deliveryParams } },
    (request) => webhooks.redeliver(requireActor(request), request.params.id, request.params.delivery_id),
  );
}
