import { fromJson, toBool } from "../../db/json.ts";
import type { WebhookDeliveriesTable, WebhooksTable } from "../../db/tables.ts";

/** A webhook as the API shows it: never its secret (that is answered once, when it is set). */
export function presentWebhook(row: WebhooksTable) {
  return {
    id: row.id,
    store_id: row.store_id,
    url: row.url,
    event_types: fromJson<string[]>(row.event_types, ["*"]),
    enabled: toBool(row.enabled),
    description: row.description,
    created: row.created,
    updated: row.updated,
  };
}

export type WebhookView = ReturnType<typeof presentWebhook> & { secret?: string };

/** One delivery attempt from the log. */
export function presentDelivery(row: WebhookDeliveriesTable) {
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    event_id: row.event_id,
    event_type: row.event_type,
    attempt: row.attempt,
    status: row.status,
    response_status: row.response_status,
    response_body: row.response_body,
    error: row.error,
    duration_ms: row.duration_ms,
    redelivery_of: row.redelivery_of,
    request_body: row.request_body,
    created: row.created,
  };
}

export type DeliveryView = ReturnType<typeof presentDelivery>;
