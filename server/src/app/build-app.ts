import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { FeeRateCache } from "../chains/fee-rate-cache.ts";
import type { TillConfig } from "../config/schema.ts";
import { type Db, openDatabase } from "../db/database.ts";
import { fromJson } from "../db/json.ts";
import { migrateToLatest } from "../db/migrator.ts";
import { PostgresEventBus } from "../db/pg-event-bus.ts";
import { registerLiveRoute } from "../http/live.ts";
import { createHttpServer } from "../http/server.ts";
import { registerWebPages } from "../http/web-pages.ts";
import { DEFAULT_LEASE_SECONDS, LeaderLease } from "../jobs/leader-lease.ts";
import { JobQueue } from "../jobs/queue.ts";
import { type EventBus, InMemoryEventBus } from "../kernel/events.ts";
import type { Logger } from "../kernel/logger.ts";
import { createLogger } from "../kernel/logger.ts";
import { SecretBox } from "../kernel/secret-box.ts";
import { registerChainRoutes } from "../modules/chain/index.ts";
import { registerCryptoRateRoutes, registerCryptoRoutes } from "../modules/cryptos/index.ts";
import { DiscountRepository, DiscountsService, registerDiscountRoutes } from "../modules/discounts/index.ts";
import {
  describeSmtpError,
  EmailChannel,
  EmailService,
  isConfigured,
  type MailSource,
  ReceiptBuilder,
  registerEmailRoutes,
  SmtpMailer,
} from "../modules/email/index.ts";
import { FileRepository, FilesService, registerFileRoutes } from "../modules/files/index.ts";
import {
  FINAL_LIVE_STATUSES,
  type InvoiceEvent,
  InvoiceRepository,
  type InvoiceRow,
  InvoicesService,
  InvoiceTracker,
  type InvoiceView,
  liveInvoiceMessage,
  registerInvoiceRoutes,
} from "../modules/invoices/index.ts";
import { registerManageRoutes, SettingsRepository, SettingsService } from "../modules/manage/index.ts";
import { registerMiscRoutes } from "../modules/misc/index.ts";
import {
  NotificationRepository,
  NotificationsService,
  registerNotificationRoutes,
} from "../modules/notifications/index.ts";
import { HttpSender, IpnChannel, ProviderChannel } from "../modules/notifications-delivery/index.ts";
import {
  loggingRefundNotifier,
  mailRefundNotifier,
  PayoutRepository,
  type PayoutRow,
  PayoutSender,
  PayoutsService,
  RefundsService,
  registerPayoutRoutes,
  registerRefundRoutes,
} from "../modules/payouts/index.ts";
import { ProductImages, ProductRepository, ProductsService, registerProductRoutes } from "../modules/products/index.ts";
import { createRatesService, type RatesService, registerRateRoutes } from "../modules/rates/index.ts";
import { registerUploadServing } from "../modules/shared/upload-serving.ts";
import { UploadStorage } from "../modules/shared/upload-storage.ts";
import { readCheckout, registerStoreRoutes, StoreRepository, StoresService } from "../modules/stores/index.ts";
import {
  describeFailure,
  registerTemplateRoutes,
  TemplateRepository,
  TemplateResolver,
  TemplatesService,
} from "../modules/templates/index.ts";
import { LoginThrottle, registerTokenRoutes, TokenRepository, TokensService } from "../modules/tokens/index.ts";
import {
  AccountSecurity,
  AuthCodeRepository,
  CaptchaVerifier,
  Passkeys,
  registerAccountSecurityRoutes,
  registerUserRoutes,
  relyingParty,
  requestOrigin,
  UserRepository,
  UsersService,
} from "../modules/users/index.ts";
import { registerWalletRoutes, WalletRepository, WalletSync, WalletsService } from "../modules/wallets/index.ts";
import {
  registerWebhookRoutes,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
  WebhookRepository,
  WebhooksService,
} from "../modules/webhooks/index.ts";
import { ChainRuntime } from "./chain-runtime.ts";
import { loadSecretKey } from "./secret-key.ts";
import { VERSION } from "./version.ts";
import { findWebDir } from "./web-dir.ts";

export interface Till {
  config: TillConfig;
  db: Db;
  http: FastifyInstance;
  services: Services;
  /** Messages between this process's parts and, on PostgreSQL, every Till process (LISTEN/NOTIFY). */
  events: EventBus;
  /** The leader lease: leader-only work registers with `onAcquired` / `onLost`. */
  lease: LeaderLease;
  /** Whether this process holds the leader lease (and so runs the chain watchers). */
  isLeader(): boolean;
  /** Starts the chain backends (watching every wallet's addresses). The lease runs it on the leader; tests choose. */
  startWatchers(): Promise<void>;
  /** Stops the chain backends (leadership lost). */
  stopWatchers(): Promise<void>;
  /** What `serve` starts after listening: the rate refresher, and the leader lease (watchers run while held). */
  startBackground(): Promise<void>;
  close(): Promise<void>;
}

export interface AppOptions {
  /** `TILL_LEADER_LEASE_SECONDS`: how long the leader lease lasts without renewal. */
  leaseSeconds?: number;
  /** Test seam: runs after payouts' transactions are signed and stored, before they are broadcast. */
  afterPayoutSign?: (payoutIds: string[]) => void | Promise<void>;
}

export interface Services {
  settings: SettingsService;
  users: UsersService;
  tokens: TokensService;
  stores: StoresService;
  discounts: DiscountsService;
  notifications: NotificationsService;
  templates: TemplatesService;
  products: ProductsService;
  files: FilesService;
  uploads: UploadStorage;
  chains: ChainRuntime;
  wallets: WalletsService;
  walletRepo: WalletRepository;
  walletSync: WalletSync;
  rates: RatesService;
  invoices: InvoicesService;
  tracker: InvoiceTracker;
  /** Fee rates per coin and confirmation target, for invoices' recommended fee and network fee. */
  feeRates: FeeRateCache;
  /** The durable job queue (outbox); its worker runs in every process. */
  jobs: JobQueue;
  ipn: IpnChannel;
  webhooks: WebhooksService;
  payouts: PayoutsService;
  payoutSender: PayoutSender;
  refunds: RefundsService;
  email: EmailService;
  mail: EmailChannel;
  providers: ProviderChannel;
  security: AccountSecurity;
  passkeys: Passkeys;
}

/** Builds the services over an open database. The CLI uses this without HTTP. */
export function buildServices(
  config: TillConfig,
  db: Db,
  logger: Logger = createLogger("silent"),
  events: EventBus = new InMemoryEventBus(),
  options: AppOptions = {},
): Services {
  const box = new SecretBox(loadSecretKey(config.secretKey, config.dataDir));
  const settings = new SettingsService(new SettingsRepository(db), box);
  const userRepo = new UserRepository(db);
  const throttle = new LoginThrottle(config.loginRateLimit.perAccountPer15Min, 15 * 60_000);
  const captcha = new CaptchaVerifier(config.auth.captchaVerifyUrls);
  const passesCaptcha = async (answer: string, ip: string) => captcha.passes(await settings.openPolicy(), answer, ip);
  const authCodes = new AuthCodeRepository(db);
  const jobs = new JobQueue(db, { logger });
  const sender = new HttpSender({ allowPrivate: config.allowPrivateWebhooks });
  const mailer = new SmtpMailer();
  const templateResolver = new TemplateResolver(db);
  const serverMail = async () => (await settings.openPolicy()).email_settings;
  const storeMail = (storeId: string) => stores.emailSettings(storeId);
  const mail = new EmailChannel(
    jobs,
    mailer,
    { settings: (source: MailSource) => (source.kind === "server" ? serverMail() : storeMail(source.storeId)) },
    logger,
  );
  const security: AccountSecurity = new AccountSecurity(userRepo, authCodes, box, {
    canMail: async () => isConfigured(await serverMail()),
    mail: async (to, template, variables) => {
      const policy = await settings.policy();
      const rendered = await templateResolver.render({
        name: template,
        userId: null,
        templateId: policy.global_templates[template],
        variables,
      });
      if (rendered.failure) logger.warn({ template }, describeFailure(rendered.failure));
      const subject = template === "forgotpassword" ? "Password reset" : "Verify your email address";
      await mail.send({ kind: "server" }, { to, subject, text: rendered.text });
    },
    revokeAllTokens: (userId, except) => tokens.revokeAll(userId, except),
    issueToken: async (userId, permissions) => (await tokens.issue(userId, permissions)).secret,
  });
  const passkeys = new Passkeys(userRepo, authCodes, security);
  const tokens: TokensService = new TokensService(
    new TokenRepository(db),
    userRepo,
    throttle,
    {
      policy: () => settings.policy(),
      captcha: passesCaptcha,
      secondFactors: (user) => security.secondFactors(user),
      checkTotp: (userId, code) => security.checkTotpOrRecovery(userId, code),
      checkPasskey: (userId, response) => passkeys.loginVerify(userId, response as never),
    },
    authCodes,
  );
  const users = new UsersService(userRepo, {
    policy: () => settings.policy(),
    claimFirstSuperuser: (id) => settings.claimFirstSuperuser(id),
    issueToken: async (userId, permissions) => (await tokens.issue(userId, permissions)).secret,
    revokeAllTokens: (userId, except) => tokens.revokeAll(userId, except),
    captcha: passesCaptcha,
    sendVerification: (email, adminUrl) => security.requestVerification(email, adminUrl),
    statsTables: ["wallets", "stores", "notifications", "products", "discounts", "templates", "files"],
  });
  const storeRepo = new StoreRepository(db);
  const stores = new StoresService(storeRepo, box, {
    storePolicy: () => settings.storePolicy(),
    updateStorePolicy: (patch) => settings.updateStorePolicy(patch),
  });
  const discounts = new DiscountsService(new DiscountRepository(db));
  const notifications = new NotificationsService(new NotificationRepository(db), box);
  const ipn = new IpnChannel(jobs, sender, logger);
  const email = new EmailService(mailer, {
    storeSettings: async (actor, storeId) => {
      await stores.get(actor, storeId);
      return storeMail(storeId);
    },
    serverSettings: serverMail,
  });
  const providers = new ProviderChannel(
    jobs,
    sender,
    {
      target: (id) => notifications.deliveryTarget(id),
      record: (id, outcome) => notifications.recordDelivery(id, outcome),
      mail: async (storeId, to, subject, text) => {
        try {
          await mailer.send(await storeMail(storeId), { to, subject, text });
        } catch (error) {
          throw new Error(`SMTP: ${describeSmtpError(error)}`);
        }
      },
      endpoints: config.providerUrls,
    },
    logger,
  );
  const receipts = new ReceiptBuilder(db, {
    render: (request) => templateResolver.render(request),
    reportFailure: (storeId, failure) => logger.warn({ storeId }, describeFailure(failure)),
  });
  const webhooks = new WebhooksService(new WebhookRepository(db), box, jobs, sender, { logger });
  const templates = new TemplatesService(new TemplateRepository(db));
  const uploads = new UploadStorage(config.dataDir);
  const products = new ProductsService(new ProductRepository(db), new ProductImages(uploads));
  const files = new FilesService(new FileRepository(db), uploads, { policy: () => settings.policy() });
  const chains = new ChainRuntime({
    coins: config.cryptos,
    db,
    logger,
    feeFloorSatPerVbyte: config.feeFloorSatPerVbyte,
  });
  const walletRepo = new WalletRepository(db);
  const wallets: WalletsService = new WalletsService(walletRepo, box, {
    coin: (currency) => chains.coin(currency),
    watch: shareWatchedScripts(events, chains, walletRepo, logger),
    requestSync: (walletId) => walletSync.request(walletId),
  });
  const walletSync = new WalletSync(walletRepo, wallets, { history: (c, s) => chains.history(c, s) }, logger);
  const rates = createRatesService({
    settings: config.rates,
    db,
    logger,
    coins: () => [...chains.coins.keys()],
    stores,
    users,
    wallets,
    walletRepo,
  });
  const invoiceRepo = new InvoiceRepository(db);
  const storeOf = async (id: string) => {
    const row = await storeRepo.findById(id);
    return row ? { row, checkout: readCheckout(row.checkout_settings) } : null;
  };
  // A state change's notifications are jobs written in the change's own transaction: never lost, never
  // sent for a change that did not commit, delivered in order per invoice.
  const notifyTransition = async (invoice: InvoiceRow, transitionEvents: InvoiceEvent[]) => {
    await ipn.send(invoice.notification_url, { id: invoice.id, status: invoice.status });
    // A reorg can complete an invoice twice; the deduplicated job takes its products off the stock once.
    if (transitionEvents.some((e) => e.type === "invoice.complete")) {
      await jobs.enqueue(STOCK_JOB, { invoiceId: invoice.id }, { dedupeKey: `stock:${invoice.id}` });
    }
    if (!invoice.store_id) return;
    let view: Promise<{ invoice: InvoiceView }> | null = null;
    const data = () => (view ??= invoices.getPublic(invoice.id).then((v) => ({ invoice: v })));
    await notifyCustomerAndMerchant(invoice.store_id, transitionEvents, async () => (await data()).invoice);
    for (const event of transitionEvents) {
      if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(event.type)) continue;
      await webhooks.emitEvent(invoice.store_id, event.type as WebhookEventType, data, { orderingKey: invoice.id });
    }
  };
  // The receipt on completion, and the store's chat/push providers on the events each listens to.
  const notifyCustomerAndMerchant = async (
    storeId: string,
    transitionEvents: InvoiceEvent[],
    view: () => Promise<InvoiceView>,
  ) => {
    const types = [...new Set(transitionEvents.map((e) => e.type as string))];
    if (types.includes("invoice.complete")) {
      const invoice = await view();
      const settings = invoice.buyer_email ? await storeMail(storeId).catch(() => null) : null;
      const receipt = settings && isConfigured(settings) ? await receipts.build(invoice) : null;
      if (receipt) await mail.send({ kind: "store", storeId }, receipt, { dedupeKey: `receipt:${invoice.id}` });
    }
    for (const type of types) {
      const listening = await notifications.listeningTo(storeId, type);
      if (listening.length === 0) continue;
      const invoice = await view();
      const store = await storeRepo.findById(storeId);
      if (!store) return;
      const rendered = await templateResolver.render({
        name: "notification",
        userId: store.user_id,
        templateId: fromJson<Record<string, string>>(store.templates, {}).notification,
        variables: { store: { id: store.id, name: store.name, default_currency: store.default_currency }, invoice },
      });
      const title = `${store.name}: invoice ${invoice.id} ${type.slice("invoice.".length).replace("_", " ")}`;
      const warning = rendered.failure ? describeFailure(rendered.failure) : undefined;
      const message = { title, text: rendered.text, event: type, invoiceId: invoice.id, storeId, warning };
      for (const id of listening) await providers.send(id, message);
    }
  };
  const tracker: InvoiceTracker = new InvoiceTracker(
    invoiceRepo,
    {
      underpaidPercentage: async (storeId) =>
        String(storeId ? ((await storeOf(storeId))?.checkout.underpaid_percentage ?? "0") : "0"),
      onTransition: (invoice, transitionEvents) => notifyTransition(invoice, transitionEvents),
      afterCommit: (invoiceId) => {
        void invoices
          .getPublic(invoiceId)
          .then((view) => events.publish(`invoice:${invoiceId}`, liveInvoiceMessage(view)))
          .catch((err) => logger.warn({ err, invoiceId }, "could not publish the invoice's new status"));
      },
    },
    logger,
  );
  const feeRates = new FeeRateCache(
    async (currency, targetBlocks) => chains.estimateFeeRate(currency, targetBlocks),
    logger,
  );
  const invoices: InvoicesService = new InvoicesService(invoiceRepo, {
    store: async (id) => {
      const store = await storeOf(id);
      if (!store) return null;
      const links = await storeRepo.walletIds([id]);
      return {
        id,
        user_id: store.row.user_id,
        default_currency: store.row.default_currency,
        expiration: Number(store.checkout.expiration),
        transaction_speed: Number(store.checkout.transaction_speed),
        underpaid_percentage: String(store.checkout.underpaid_percentage),
        allow_anonymous_invoice_creation: Boolean(store.checkout.allow_anonymous_invoice_creation),
        recommended_fee_target_blocks: Number(store.checkout.recommended_fee_target_blocks),
        include_network_fee: Boolean(store.checkout.include_network_fee),
        rate_rules: String(store.checkout.rate_rules ?? ""),
        wallet_ids: links.get(id) ?? [],
      };
    },
    wallet: async (id) => (await walletRepo.findById(id)) ?? null,
    coin: (currency) => chains.coin(currency),
    nextAddress: (walletId) => wallets.nextReceiveAddress(walletId),
    priceIn: async (coin, fiat, rateRules) => (await rates.priceWithRules(coin, fiat, rateRules)).rate,
    feeRate: (currency, targetBlocks) => feeRates.get(currency, targetBlocks),
    divisibility: (currency) => rates.fiatDivisibility(currency),
    created: async (invoiceId, storeId) => {
      const data = async () => ({ invoice: await invoices.getPublic(invoiceId) });
      await webhooks.emitEvent(storeId, "invoice.created", data, { orderingKey: invoiceId });
    },
    tracked: (invoiceId, expiresAt) => tracker.track(invoiceId, expiresAt),
    changed: (invoiceId) => tracker.refresh(invoiceId),
  });
  jobs.handle<{ invoiceId: string }>(STOCK_JOB, ({ invoiceId }) => invoices.decrementStock(invoiceId));
  const payoutRepo = new PayoutRepository(db);
  // Each payout status change: IPN to its notification_url, and a sent refund's invoice becomes refunded; both
  // are jobs written in the change's transaction.
  const payoutChanged = async (payout: PayoutRow) => {
    await ipn.send(payout.notification_url, { id: payout.id, status: payout.status });
    if (payout.status === "sent") {
      await jobs.enqueue(REFUND_SENT_JOB, { payoutId: payout.id }, { dedupeKey: `refund-sent:${payout.id}` });
    }
  };
  const payouts = new PayoutsService(payoutRepo, {
    wallet: (id) => walletRepo.findById(id),
    coin: (currency) => chains.coin(currency),
    storeCurrency: async (actor, storeId) => {
      const row = await storeRepo.findById(storeId);
      return row && row.user_id === actor.userId ? row.default_currency : null;
    },
    divisibility: (currency) => rates.fiatDivisibility(currency),
    statusChanged: payoutChanged,
  });
  const payoutSender = new PayoutSender({
    payouts: payoutRepo,
    service: payouts,
    chains,
    keyOf: (wallet) => wallets.keyOf(wallet),
    nextChangeAddress: (walletId) => wallets.nextChangeAddress(walletId),
    peekChangeAddress: (walletId) => wallets.peekChangeAddress(walletId),
    changeUsed: (walletId, lastIndex) => walletRepo.recordUsage(walletId, -1, lastIndex),
    walletAddresses: async (walletId) => [
      ...(await walletRepo.addresses(walletId, 0, 0, await walletRepo.derivedCount(walletId, 0))),
      ...(await walletRepo.addresses(walletId, 1, 0, await walletRepo.derivedCount(walletId, 1))),
    ],
    priceIn: async (coin, fiat, storeId) => (await rates.priceIn(coin, fiat, storeId ?? undefined)).rate,
    feeTargetBlocks: async (storeId) =>
      storeId ? Number((await storeOf(storeId))?.checkout.recommended_fee_target_blocks ?? 1) : 1,
    hotKey: (wallet) =>
      wallet.hot_wallet && wallet.private_material
        ? (JSON.parse(box.open(wallet.private_material)) as { accountXprv: string }).accountXprv
        : null,
    logger,
    ...(options.afterPayoutSign ? { afterSign: options.afterPayoutSign } : {}),
  });
  payouts.registerCommand("send", (actor, ids, sendOptions) => payoutSender.send(actor, ids, sendOptions));
  const refunds = new RefundsService(payoutRepo, {
    invoice: (actor, id) => invoices.get(actor, id),
    invoicePublic: (id) => invoices.getPublic(id),
    wallet: (id) => walletRepo.findById(id),
    coin: (currency) => chains.coin(currency),
    markRefunded: (invoiceId) => invoices.markRefunded(invoiceId),
    notifier: mailRefundNotifier(
      {
        render: async (storeId, template, variables) => {
          const store = await storeRepo.findById(storeId);
          const settings = await storeMail(storeId).catch(() => null);
          if (!store || !settings || !isConfigured(settings)) return null;
          const rendered = await templateResolver.render({
            name: template,
            userId: store.user_id,
            templateId: fromJson<Record<string, string>>(store.templates, {})[template],
            variables: {
              store: { id: store.id, name: store.name, default_currency: store.default_currency },
              ...variables,
            },
          });
          if (rendered.failure) logger.warn({ storeId, template }, describeFailure(rendered.failure));
          return rendered.text;
        },
        send: async (storeId, message, dedupeKey) =>
          void (await mail.send({ kind: "store", storeId }, message, { dedupeKey })),
        merchantEmail: async (userId) => (await userRepo.findById(userId))?.email ?? null,
      },
      loggingRefundNotifier(logger),
    ),
  });
  jobs.handle<{ payoutId: string }>(REFUND_SENT_JOB, ({ payoutId }) => refunds.payoutSent(payoutId));
  chains.onEvent(async (currency, event) => {
    await walletSync.onChainEvent(event);
    await tracker.onChainEvent(currency, event);
    if (event.type === "tip") await payoutSender.onNewBlock(currency);
  });
  return {
    settings,
    users,
    tokens,
    stores,
    discounts,
    notifications,
    templates,
    products,
    files,
    uploads,
    chains,
    wallets,
    walletRepo,
    walletSync,
    rates,
    jobs,
    ipn,
    webhooks,
    invoices,
    tracker,
    feeRates,
    payouts,
    payoutSender,
    refunds,
    email,
    mail,
    providers,
    security,
    passkeys,
  };
}

const STOCK_JOB = "invoice.stock";
/** The confirmation targets a store may choose for its recommended fee (Bitcart's). */
const FEE_TARGET_BLOCKS = [1, 2, 5, 10, 25] as const;
const REFUND_SENT_JOB = "refund.sent";

/** The composition root: the one place that wires concrete adapters together. */
export async function buildApp(config: TillConfig, logger: Logger, options: AppOptions = {}): Promise<Till> {
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  const events = await openEventBus(config, db, logger);
  const services = buildServices(config, db, logger, events, options);
  const lease = new LeaderLease({ db, logger, leaseSeconds: options.leaseSeconds ?? DEFAULT_LEASE_SECONDS });
  const startWatchers = async () => {
    await services.chains.start((currency) => services.walletRepo.scriptsForCurrency(currency));
    for (const id of await services.walletRepo.unsyncedIds()) services.walletSync.request(id);
    await services.tracker.start();
    void services.feeRates.warm(services.chains.coins.keys(), FEE_TARGET_BLOCKS);
    // Transactions signed before a crash or an unreachable node go out now: the stored ones, never new ones.
    services.payoutSender.recover().catch((err) => logger.warn({ err }, "payout recovery failed"));
  };
  const stopWatchers = async () => {
    services.tracker.stop();
    await services.chains.stop();
  };
  lease.onAcquired(startWatchers);
  lease.onLost(stopWatchers);
  const http = await createHttpServer({
    logger,
    maxBodyBytes: config.maxBodyBytes,
    maxUploadBytes: config.maxUploadBytes,
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    resolveToken: (secret) => services.tokens.resolve(secret),
    version: VERSION,
  });
  registerMiscRoutes(http, {
    database: async () => void (await sql`select 1`.execute(db.kysely)),
    leader: () => lease.isLeader,
  });
  registerUserRoutes(
    http,
    services.users,
    config.loginRateLimit.perIpPerMinute,
    (request) => config.auth.adminUrl ?? `${requestOrigin(request)}/admin`,
  );
  registerAccountSecurityRoutes(http, services.security, services.passkeys, config.auth);
  registerTokenRoutes(http, services.tokens, config.loginRateLimit.perIpPerMinute, (userId, request) =>
    services.passkeys.loginBegin(userId, relyingParty(config.auth.origin ?? requestOrigin(request))),
  );
  registerEmailRoutes(http, services.email);
  registerManageRoutes(http, services.settings);
  registerStoreRoutes(http, services.stores);
  registerWebhookRoutes(http, services.webhooks);
  registerDiscountRoutes(http, services.discounts);
  registerNotificationRoutes(http, services.notifications, (id, message) => services.providers.send(id, message));
  registerTemplateRoutes(http, services.templates);
  registerProductRoutes(http, services.products);
  registerFileRoutes(http, services.files);
  await registerUploadServing(http, services.uploads);
  registerWalletRoutes(http, services.wallets, () => walletSchema(services.chains));
  registerCryptoRoutes(http, () => services.chains.coins);
  registerCryptoRateRoutes(http, services.rates);
  registerRateRoutes(http, services.rates);
  registerInvoiceRoutes(http, services.invoices);
  registerPayoutRoutes(http, services.payouts, services.payoutSender);
  // The refund link in the customer's email points at the web app: TILL_ADMIN_URL's origin, else the request's.
  registerRefundRoutes(http, services.refunds, (request) =>
    config.auth.adminUrl ? new URL(config.auth.adminUrl).origin : requestOrigin(request),
  );
  registerLiveRoute(http, events, {
    ws: "/ws/invoices/:id",
    sse: "/invoices/:id/events",
    topic: (id) => `invoice:${id}`,
    initial: async (id) => {
      const view = await services.invoices.getPublic(id).catch(() => null);
      return view ? liveInvoiceMessage(view) : null;
    },
    isFinal: (message) => FINAL_LIVE_STATUSES.has(message.status),
    tags: ["invoices"],
  });
  registerChainRoutes(http, () => services.chains.syncInfo());
  await registerWebPages(http, findWebDir(config.webDir));

  return {
    config,
    db,
    http,
    services,
    events,
    lease,
    isLeader: () => lease.isLeader,
    startWatchers,
    stopWatchers,
    startBackground: async () => {
      // Every process prices invoices, so each keeps its own rates fresh; chain watching is the leader's.
      services.rates.start();
      // Job workers run in every process: claims use FOR UPDATE SKIP LOCKED, so none runs a job twice.
      services.jobs.start();
      await lease.start();
    },
    close: async () => {
      await http.close();
      // Leader work stops before the lease is released, so a successor never overlaps with it.
      await lease.stop();
      await services.chains.stop();
      await services.walletSync.stop();
      await services.rates.stop();
      await services.jobs.stop();
      await events.close();
      await db.close();
    },
  };
}

/** PostgreSQL's LISTEN/NOTIFY bus when several processes may share the database; in-process on SQLite. */
async function openEventBus(config: TillConfig, db: Db, logger: Logger): Promise<EventBus> {
  const onHandlerError = (err: unknown, topic: string) => logger.error({ err, topic }, "event subscriber failed");
  if (db.dialect === "sqlite") return new InMemoryEventBus({ onHandlerError });
  const bus = new PostgresEventBus({ connectionString: config.databaseUrl, db, logger });
  await bus.start();
  return bus;
}

/** The topic on which scripts derived by any process reach the chain watchers, which run on the leader only. */
export const WATCH_TOPIC = "chain:watch";
/** Scripts per message: 80 of the longest (34-byte) scripts in hex stay well under an event's size limit. */
const SCRIPTS_PER_MESSAGE = 80;

/**
 * `watch` for the wallets: newly derived scripts are published on the bus, and every process hands what it
 * receives to its chain runtime (a no-op where no backend runs). Where the listening connection was lost and
 * is back, the running backends reload their watch sets from the database, so nothing published meanwhile
 * is missed; a new leader loads them when its watchers start.
 */
function shareWatchedScripts(events: EventBus, chains: ChainRuntime, walletRepo: WalletRepository, logger: Logger) {
  events.subscribe<{ currency: string; scripts: string[] }>(WATCH_TOPIC, (m) => chains.watch(m.currency, m.scripts));
  events.onResync(() => {
    for (const currency of chains.coins.keys()) {
      if (!chains.backend(currency)) continue;
      walletRepo.scriptsForCurrency(currency).then(
        (scripts) => chains.watch(currency, scripts),
        (err) => logger.error({ err, currency }, "could not reload the scripts to watch"),
      );
    }
  });
  return (currency: string, scripts: string[]) => {
    for (let at = 0; at < scripts.length; at += SCRIPTS_PER_MESSAGE) {
      const message = { currency, scripts: scripts.slice(at, at + SCRIPTS_PER_MESSAGE) };
      events
        .publish(WATCH_TOPIC, message)
        .catch((err) => logger.error({ err, currency }, "could not share new scripts with the chain watchers"));
    }
  };
}

/** Bitcart's `/wallets/schema`: per enabled coin, the key field's name and the optional key settings. */
function walletSchema(chains: ChainRuntime) {
  return Object.fromEntries(
    [...chains.coins.keys()].map((currency) => [
      currency,
      { xpub_name: "Xpub", required: [], properties: ["passphrase", "bip39_purpose", "account", "seed_format"] },
    ]),
  );
}
