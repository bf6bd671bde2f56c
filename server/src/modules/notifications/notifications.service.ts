import { fromJson, toJson } from "../../db/json.ts";
import type { NotificationsTable } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import type { SecretBox } from "../../kernel/secret-box.ts";
import { type BaseColumns, OwnedCrudService } from "../shared/crud-service.ts";
import { type NotificationView, presentNotification } from "./notification.presenter.ts";
import type { NotificationRepository } from "./notification.repository.ts";
import type { CreateNotificationInput, NotificationPatch } from "./notification.schemas.ts";
import { sealData } from "./notification-secrets.ts";

/** Notification provider records. Secrets in `data` are sealed at rest and never answered. */
export class NotificationsService extends OwnedCrudService<
  "notifications",
  NotificationView,
  CreateNotificationInput,
  NotificationPatch
> {
  readonly resourceName = "notifications";

  constructor(
    notifications: NotificationRepository,
    private readonly box: SecretBox,
  ) {
    super(notifications);
  }

  protected buildRow(_actor: Actor, input: CreateNotificationInput, base: BaseColumns): NotificationsTable {
    return {
      ...base,
      name: input.name,
      provider: input.provider,
      data: toJson(sealData(this.box, input.data, {})),
      metadata: toJson(input.metadata),
    };
  }

  /** `data` replaces the stored settings, except that a secret sent as `""` keeps its stored value. */
  protected buildPatch(
    _actor: Actor,
    input: NotificationPatch,
    existing: NotificationsTable,
  ): Partial<NotificationsTable> {
    const patch: Partial<NotificationsTable> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.provider !== undefined) patch.provider = input.provider;
    if (input.data !== undefined) {
      patch.data = toJson(sealData(this.box, input.data, fromJson<Record<string, unknown>>(existing.data, {})));
    }
    if (input.metadata !== undefined) patch.metadata = toJson(input.metadata);
    return patch;
  }

  protected async present(rows: NotificationsTable[]): Promise<NotificationView[]> {
    return rows.map(presentNotification);
  }
}
