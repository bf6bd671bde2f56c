import { toJson } from "../../db/json.ts";
import type { StoresTable } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import { notFound } from "../../kernel/errors.ts";
import type { SecretBox } from "../../kernel/secret-box.ts";
import { type BaseColumns, OwnedCrudService } from "../shared/crud-service.ts";
import { applyEmailPatch } from "../shared/email-settings.ts";
import { type PublicStoreView, presentPublicStore, presentStore, type StoreView } from "./store.presenter.ts";
import type { StoreRepository } from "./store.repository.ts";
import type { CreateStoreInput, StorePatch } from "./store.schemas.ts";
import {
  applyPluginPatch,
  CHECKOUT_DEFAULTS,
  EMAIL_DEFAULTS,
  mergeDefined,
  PLUGIN_DEFAULTS,
  readCheckout,
  readEmail,
  readPlugins,
  readTheme,
  THEME_DEFAULTS,
} from "./store-settings.ts";

/** The server's POS store setting (GlobalStorePolicy), wired by the composition root. */
export interface StoresDeps {
  storePolicy(): Promise<{ pos_id: string }>;
  updateStorePolicy(patch: { pos_id: string }): Promise<unknown>;
}

const unique = (ids: readonly string[]) => [...new Set(ids)];

export class StoresService extends OwnedCrudService<"stores", StoreView, CreateStoreInput, StorePatch> {
  readonly resourceName = "stores";

  constructor(
    private readonly stores: StoreRepository,
    private readonly box: SecretBox,
    private readonly deps: StoresDeps,
  ) {
    super(stores);
  }

  protected async buildRow(actor: Actor, input: CreateStoreInput, base: BaseColumns): Promise<StoresTable> {
    await this.assertLinksOwned(actor, input);
    return {
      ...base,
      name: input.name,
      default_currency: input.default_currency,
      checkout_settings: toJson(mergeDefined(CHECKOUT_DEFAULTS, input.checkout_settings ?? {})),
      theme_settings: toJson(mergeDefined(THEME_DEFAULTS, input.theme_settings ?? {})),
      email_settings: toJson(applyEmailPatch(this.box, EMAIL_DEFAULTS, input.email_settings ?? {})),
      plugin_settings: toJson(applyPluginPatch(this.box, PLUGIN_DEFAULTS, input.plugin_settings ?? {})),
      templates: toJson(input.templates),
      metadata: toJson(input.metadata),
    };
  }

  /** Sections merge into what is stored; link lists replace the links. */
  protected async buildPatch(actor: Actor, input: StorePatch, existing: StoresTable): Promise<Partial<StoresTable>> {
    await this.assertLinksOwned(actor, input);
    const patch: Partial<StoresTable> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.default_currency !== undefined) patch.default_currency = input.default_currency;
    if (input.checkout_settings) {
      patch.checkout_settings = toJson(mergeDefined(readCheckout(existing.checkout_settings), input.checkout_settings));
    }
    if (input.theme_settings) {
      patch.theme_settings = toJson(mergeDefined(readTheme(existing.theme_settings), input.theme_settings));
    }
    if (input.email_settings) {
      patch.email_settings = toJson(
        applyEmailPatch(this.box, readEmail(existing.email_settings), input.email_settings),
      );
    }
    if (input.plugin_settings) {
      patch.plugin_settings = toJson(
        applyPluginPatch(this.box, readPlugins(existing.plugin_settings), input.plugin_settings),
      );
    }
    if (input.templates !== undefined) patch.templates = toJson(input.templates);
    if (input.metadata !== undefined) patch.metadata = toJson(input.metadata);
    return patch;
  }

  protected override async writeLinks(_actor: Actor, id: string, input: CreateStoreInput | StorePatch): Promise<void> {
    if (input.wallets !== undefined) await this.stores.replaceWallets(id, unique(input.wallets));
    if (input.notifications !== undefined) await this.stores.replaceNotifications(id, unique(input.notifications));
  }

  protected async present(rows: StoresTable[]): Promise<StoreView[]> {
    const ids = rows.map((r) => r.id);
    const [wallets, notifications] = await Promise.all([this.stores.walletIds(ids), this.stores.notificationIds(ids)]);
    return rows.map((row) =>
      presentStore(row, { wallets: wallets.get(row.id) ?? [], notifications: notifications.get(row.id) ?? [] }),
    );
  }

  private async assertLinksOwned(actor: Actor, input: CreateStoreInput | StorePatch): Promise<void> {
    const targets = this.stores.linkTargets;
    await this.assertOwned(targets.wallets, actor, input.wallets);
    await this.assertOwned(targets.notifications, actor, input.notifications);
    await this.assertOwned(targets.templates, actor, input.templates ? Object.values(input.templates) : undefined);
  }

  /** The first store a superuser creates becomes the POS store while none is set. */
  override async create(actor: Actor, input: CreateStoreInput): Promise<StoreView> {
    const store = await super.create(actor, input);
    if (actor.isSuperuser && !(await this.deps.storePolicy()).pos_id) {
      await this.deps.updateStorePolicy({ pos_id: store.id });
    }
    return store;
  }

  /** `GET /stores/{id}` is public: the owner gets the full store, anyone else the public view. */
  async getForViewer(actor: Actor | null, id: string): Promise<StoreView | PublicStoreView> {
    const row = await this.stores.findById(id);
    if (!row) throw notFound("Store");
    if (actor && actor.userId === row.user_id) return (await this.present([row]))[0]!;
    return presentPublicStore(row);
  }

  override async remove(actor: Actor, id: string): Promise<StoreView> {
    const removed = await super.remove(actor, id);
    await this.releasePos([id]);
    return removed;
  }

  override async batch(actor: Actor, command: string, ids: string[], options: unknown): Promise<unknown> {
    const result = await super.batch(actor, command, ids, options);
    if (command === "delete") await this.releasePos(ids);
    return result;
  }

  /** A deleted POS store would leave the public store pointing nowhere: clear the setting instead. */
  private async releasePos(deletedIds: readonly string[]): Promise<void> {
    const { pos_id } = await this.deps.storePolicy();
    if (pos_id && deletedIds.includes(pos_id) && !(await this.stores.findById(pos_id))) {
      await this.deps.updateStorePolicy({ pos_id: "" });
    }
  }

  /** A store's SMTP settings with the password opened, for the code that sends its mail; never answered by the API. */
  async emailSettings(storeId: string) {
    const row = await this.stores.findById(storeId);
    if (!row) throw notFound("Store");
    const settings = readEmail(row.email_settings);
    return { ...settings, password: this.box.open(settings.password) };
  }
}
