import type { Db } from "../../db/database.ts";
import type { Actor } from "../../kernel/actor.ts";
import { AppError } from "../../kernel/errors.ts";
import type { Logger } from "../../kernel/logger.ts";
import { createProviders, RateEngine } from "../../rates/index.ts";
import type { StoresService } from "../stores/index.ts";
import type { UsersService } from "../users/index.ts";
import type { WalletRepository, WalletsService } from "../wallets/index.ts";
import { RatesService } from "./rates.service.ts";
import { StoreRatesRepository } from "./store-rates.repository.ts";

export interface RatesSettings {
  defaults: readonly string[];
  fixed: Record<string, string>;
  refreshSeconds: number;
  maxAgeSeconds: number;
  timeoutMs: number;
  requestTimeoutMs: number;
  urls: { coingecko: string; kraken: string; binance: string; coinbase: string; bitfinex: string; fiat: string };
  coingeckoApiKey: string | undefined;
}

export interface RatesWiring {
  settings: RatesSettings;
  db: Db;
  logger: Logger;
  /** Enabled coins (`btc`, `ltc`). */
  coins: () => readonly string[];
  stores: StoresService;
  users: UsersService;
  wallets: WalletsService;
  walletRepo: WalletRepository;
}

const ALL_WALLETS = {
  offset: 0,
  limit: -1,
  query: "",
  multiple: false,
  sort: "created",
  desc: false,
  autocomplete: false,
};

/** Builds the rate engine over every provider and the service over the stores, wallets and users it reads. */
export function createRatesService(wiring: RatesWiring): RatesService {
  const { settings, logger } = wiring;
  const engine = new RateEngine({
    providers: createProviders(settings),
    defaults: settings.defaults,
    refreshMs: settings.refreshSeconds * 1000,
    maxAgeMs: settings.maxAgeSeconds * 1000,
    fetchTimeoutMs: settings.timeoutMs,
    requestTimeoutMs: settings.requestTimeoutMs,
    onFetch: (event) => {
      if (event.error) logger.warn({ provider: event.provider, ms: event.ms, error: event.error }, "rate fetch failed");
      else logger.debug({ provider: event.provider, ms: event.ms, rates: event.rates }, "rates fetched");
    },
  });
  const repository = new StoreRatesRepository(wiring.db);
  return new RatesService(
    engine,
    {
      coins: wiring.coins,
      store: async (storeId) => {
        try {
          const store = await wiring.stores.getForViewer(null, storeId);
          return { rules: store.checkout_settings.rate_rules ?? "", defaultCurrency: store.default_currency };
        } catch (error) {
          if (error instanceof AppError && error.status === 404) return null;
          throw error;
        }
      },
      assertStoreOwned: async (actor: Actor, storeId: string) => {
        await wiring.stores.get(actor, storeId);
      },
      saveStoreRules: async (actor: Actor, storeId: string, rules: string) => {
        await wiring.stores.update(actor, storeId, { checkout_settings: { rate_rules: rules } });
      },
      allStores: () => repository.rulesInUse(),
      walletCurrency: async (walletId) => (await wiring.walletRepo.findById(walletId))?.currency ?? null,
      balances: async (actor: Actor) => {
        const [user, list] = await Promise.all([wiring.users.me(actor), wiring.wallets.list(actor, ALL_WALLETS)]);
        const currency = String((user.settings as { balance_currency?: unknown }).balance_currency ?? "USD");
        return { currency, wallets: list.items.map((w) => ({ currency: w.currency, balance: w.balance })) };
      },
    },
    { refreshSeconds: settings.refreshSeconds, maxAgeSeconds: settings.maxAgeSeconds },
  );
}
