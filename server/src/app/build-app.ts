import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import type { TillConfig } from "../config/schema.ts";
import { type Db, openDatabase } from "../db/database.ts";
import { migrateToLatest } from "../db/migrator.ts";
import { createHttpServer } from "../http/server.ts";
import type { Logger } from "../kernel/logger.ts";
import { createLogger } from "../kernel/logger.ts";
import { SecretBox } from "../kernel/secret-box.ts";
import { registerChainRoutes } from "../modules/chain/index.ts";
import { registerCryptoRoutes } from "../modules/cryptos/index.ts";
import { DiscountRepository, DiscountsService, registerDiscountRoutes } from "../modules/discounts/index.ts";
import { FileRepository, FilesService, registerFileRoutes } from "../modules/files/index.ts";
import { registerManageRoutes, SettingsRepository, SettingsService } from "../modules/manage/index.ts";
import { registerMiscRoutes } from "../modules/misc/index.ts";
import {
  NotificationRepository,
  NotificationsService,
  registerNotificationRoutes,
} from "../modules/notifications/index.ts";
import { ProductImages, ProductRepository, ProductsService, registerProductRoutes } from "../modules/products/index.ts";
import { registerUploadServing } from "../modules/shared/upload-serving.ts";
import { UploadStorage } from "../modules/shared/upload-storage.ts";
import { registerStoreRoutes, StoreRepository, StoresService } from "../modules/stores/index.ts";
import { registerTemplateRoutes, TemplateRepository, TemplatesService } from "../modules/templates/index.ts";
import { LoginThrottle, registerTokenRoutes, TokenRepository, TokensService } from "../modules/tokens/index.ts";
import { registerUserRoutes, UserRepository, UsersService } from "../modules/users/index.ts";
import { registerWalletRoutes, WalletRepository, WalletSync, WalletsService } from "../modules/wallets/index.ts";
import { ChainRuntime } from "./chain-runtime.ts";
import { loadSecretKey } from "./secret-key.ts";
import { VERSION } from "./version.ts";

export interface Till {
  config: TillConfig;
  db: Db;
  http: FastifyInstance;
  services: Services;
  /** Starts the chain backends (watching every wallet's addresses). `serve` calls it; tests choose. */
  startWatchers(): Promise<void>;
  close(): Promise<void>;
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
}

/** Builds the services over an open database. The CLI uses this without HTTP. */
export function buildServices(config: TillConfig, db: Db, logger: Logger = createLogger("silent")): Services {
  const box = new SecretBox(loadSecretKey(config.secretKey, config.dataDir));
  const settings = new SettingsService(new SettingsRepository(db), box);
  const userRepo = new UserRepository(db);
  const throttle = new LoginThrottle(config.loginRateLimit.perAccountPer15Min, 15 * 60_000);
  const tokens = new TokensService(new TokenRepository(db), userRepo, throttle, { policy: () => settings.policy() });
  const users = new UsersService(userRepo, {
    policy: () => settings.policy(),
    claimFirstSuperuser: (id) => settings.claimFirstSuperuser(id),
    issueToken: async (userId, permissions) => (await tokens.issue(userId, permissions)).secret,
    revokeAllTokens: (userId, except) => tokens.revokeAll(userId, except),
    statsTables: ["wallets", "stores", "notifications", "products", "discounts", "templates", "files"],
  });
  const stores = new StoresService(new StoreRepository(db), box, {
    storePolicy: () => settings.storePolicy(),
    updateStorePolicy: (patch) => settings.updateStorePolicy(patch),
  });
  const discounts = new DiscountsService(new DiscountRepository(db));
  const notifications = new NotificationsService(new NotificationRepository(db), box);
  const templates = new TemplatesService(new TemplateRepository(db));
  const uploads = new UploadStorage(config.dataDir);
  const products = new ProductsService(new ProductRepository(db), new ProductImages(uploads));
  const files = new FilesService(new FileRepository(db), uploads, { policy: () => settings.policy() });
  const chains = new ChainRuntime({ coins: config.cryptos, db, logger });
  const walletRepo = new WalletRepository(db);
  const wallets: WalletsService = new WalletsService(walletRepo, box, {
    coin: (currency) => chains.coin(currency),
    watch: (currency, scripts) => chains.watch(currency, scripts),
    requestSync: (walletId) => walletSync.request(walletId),
  });
  const walletSync = new WalletSync(walletRepo, wallets, { history: (c, s) => chains.history(c, s) }, logger);
  chains.onEvent((_currency, event) => walletSync.onChainEvent(event));
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
  };
}

/** The composition root: the one place that wires concrete adapters together. */
export async function buildApp(config: TillConfig, logger: Logger): Promise<Till> {
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  const services = buildServices(config, db, logger);
  const http = await createHttpServer({
    logger,
    maxBodyBytes: config.maxBodyBytes,
    maxUploadBytes: config.maxUploadBytes,
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    resolveToken: (secret) => services.tokens.resolve(secret),
    version: VERSION,
  });
  registerMiscRoutes(http, { database: async () => void (await sql`select 1`.execute(db.kysely)) });
  registerUserRoutes(http, services.users, config.loginRateLimit.perIpPerMinute);
  registerTokenRoutes(http, services.tokens, config.loginRateLimit.perIpPerMinute);
  registerManageRoutes(http, services.settings);
  registerStoreRoutes(http, services.stores);
  registerDiscountRoutes(http, services.discounts);
  registerNotificationRoutes(http, services.notifications);
  registerTemplateRoutes(http, services.templates);
  registerProductRoutes(http, services.products);
  registerFileRoutes(http, services.files);
  await registerUploadServing(http, services.uploads);
  registerWalletRoutes(http, services.wallets, () => walletSchema(services.chains));
  registerCryptoRoutes(http, () => services.chains.coins);
  registerChainRoutes(http, () => services.chains.syncInfo());

  return {
    config,
    db,
    http,
    services,
    startWatchers: async () => {
      await services.chains.start((currency) => services.walletRepo.scriptsForCurrency(currency));
      for (const id of await services.walletRepo.unsyncedIds()) services.walletSync.request(id);
    },
    close: async () => {
      await http.close();
      await services.chains.stop();
      await services.walletSync.stop();
      await db.close();
    },
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
