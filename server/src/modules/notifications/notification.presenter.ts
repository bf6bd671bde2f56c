import { fromJson } from "../../db/json.ts";
import type { NotificationsTable } from "../../db/tables.ts";
import { presentData } from "./notification-secrets.ts";

/** Bitcart's DisplayNotification; `error` is Bitcart's flag for a provider whose settings fail to load. */
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
    metadata: fromJson<Record<string, unknown>>(row.metadata, {}),
    created: row.created,
    updated: row.updated,
  };
}

export type NotificationView = ReturnType<typeof presentNotification>;
