import { fromJson } from "../../db/json.ts";
import type { NotificationsTable } from "../../db/tables.ts";
import { presentData } from "./notification-secrets.ts";

/**
 * Bitcart's DisplayNotification; `error` is Bitcart's flag for a provider whose settings fail to load. Till adds
 * the events it fires on and the outcome of its last delivery (`last_error` is null after a success).
 */
export function presentNotification(row: NotificationsTable) {
  const { data, secrets_set } = presentData(fromJson<Record<string, unknown>>(row.data, {}));
  return {
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    provider: row.provider,
    data,
    secrets_set,
    error: false,
    events: fromJson<string[]>(row.events, ["invoice.complete"]),
    last_error: row.last_error,
    last_sent_at: row.last_sent_at,
    metadata: fromJson<Record<string, unknown>>(row.metadata, {}),
    created: row.created,
    updated: row.updated,
  };
}

export type NotificationView = ReturnType<typeof presentNotification>;
