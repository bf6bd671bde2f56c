import { fromJson, toJson } from "../../db/json.ts";
import type { NotificationsTable } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import { invalidField } from "../../kernel/errors.ts";
import type { SecretBox } from "../../kernel/secret-box.ts";
import { type BaseColumns, OwnedCrudService } from "../shared/crud-service.ts";
import { type NotificationView, presentNotification } from "./notification.presenter.ts";
import type { NotificationRepository } from "./notification.repository.ts";
import type { CreateNotificationInput, NotificationPatch } from "./notification.schemas.ts";
import { isSecretKey, sealData } from "./notification-secrets.ts";

/** Queues a provider message (the delivery channel's `send`). */
export type TestSender = (
  id: string,
  message: { title: string; text: string; event: string; invoiceId: string; storeId: string },
) => Promise<{ id: number }>;

/** Notification provider records. Secrets in `data` are sealed at rest and never answered. */
export class NotificationsService extends OwnedCrudService<
  "notifications",
  NotificationView,
  CreateNotificationInput,
  NotificationPatch
> {
  readonly resourceName = "notifications";

  constructor(
    private readonly notifications: NotificationRepository,
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
      events: toJson(input.events),
      last_error: null,
      last_sent_at: null,
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
    if (input.events !== undefined) patch.events = toJson(input.events);
    if (input.data !== undefined) {
      patch.data = toJson(sealData(this.box, input.data, fromJson<Record<string, unknown>>(existing.data, {})));
    }
    if (input.metadata !== undefined) patch.metadata = toJson(input.metadata);
    return patch;
  }

  protected async present(rows: NotificationsTable[]): Promise<NotificationView[]> {
    return rows.map(presentNotification);
  }

  /**
   * Queues a test message to one of the caller's providers; its outcome shows as `last_sent_at` / `last_error`.
   * The Email provider sends with the SMTP settings of `storeId` (a store it is linked to), or of the first one.
   */
  async sendTest(actor: Actor, id: string, storeId: string | undefined, send: TestSender) {
    const notification = await this.get(actor, id);
    // Only a store the provider is linked to (so the caller's own): its SMTP settings may send the Email test.
    const linked = await this.notifications.storesOf(id);
    if (storeId !== undefined && !linked.includes(storeId)) {
      throw invalidField(["store_id"], "The provider is not linked to this store");
    }
    const store = storeId ?? linked[0] ?? "";
    const job = await send(id, {
      title: "Till test notification",
      text: `This is a test of the notification provider "${notification.name}".`,
      event: "test",
      invoiceId: "",
      storeId: store,
    });
    return { queued: true, job_id: job.id };
  }

  /** The providers of a store that fire on `event`. */
  async listeningTo(storeId: string, event: string): Promise<string[]> {
    const linked = await this.notifications.linkedToStore(storeId);
    return linked.filter((n) => fromJson<string[]>(n.events, ["invoice.complete"]).includes(event)).map((n) => n.id);
  }

  /** A provider's options with its secrets opened, for the code that delivers; never answered by the API. */
  async deliveryTarget(id: string): Promise<{ provider: string; options: Record<string, unknown> } | null> {
    const row = await this.notifications.get(null, id);
    if (!row) return null;
    const options = fromJson<Record<string, unknown>>(row.data, {});
    for (const [key, value] of Object.entries(options)) {
      if (isSecretKey(key) && typeof value === "string") options[key] = this.box.open(value);
    }
    return { provider: row.provider, options };
  }

  recordDelivery(id: string, outcome: { sent: boolean; error: string | null }): Promise<void> {
    return this.notifications.recordDelivery(id, outcome);
  }
}
