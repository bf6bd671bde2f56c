import { existsSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { normalizeDecimal, parseDecimal } from "../kernel/money.ts";
import {
  AUTH_VARIABLES,
  BASE_VARIABLES,
  COIN_VARIABLES,
  type CoinConfig,
  type CoinSymbol,
  commaList,
  electrumServer,
  RATE_PROVIDERS,
  RATES_VARIABLES,
  type RateProviderName,
  type RatesConfig,
  SUPPORTED_COINS,
  type TillConfig,
} from "./schema.ts";

/** A configuration problem: the message is one line naming the variable. The CLI prints it and exits with 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

/**
 * The value as an error may show it: error messages reach terminals and logs, so a secret key is never
 * echoed and a URL's password is masked.
 */
function shown(name: string, raw: string): string {
  if (/SECRET|PASSWORD/.test(name)) return '"<hidden>"';
  return JSON.stringify(raw.replace(/^([^:/?#]*:\/\/[^:/?#@]*):[^/?#]*@/, "$1:***@"));
}

function read<T extends z.ZodType>(env: Env, name: string, schema: T): z.output<T> {
  const raw = env[name];
  const result = schema.safeParse(raw === "" ? undefined : raw);
  if (!result.success) {
    const reason = result.error.issues[0]?.message ?? "is invalid";
    throw new ConfigError(`Invalid configuration: ${name}=${shown(name, raw ?? "")}: ${reason}`);
  }
  return result.data;
}

function readCoin(env: Env, symbol: CoinSymbol): CoinConfig {
  const prefix = symbol.toUpperCase();
  const network = read(env, `${prefix}_NETWORK`, COIN_VARIABLES.NETWORK);
  const backend = read(env, `${prefix}_BACKEND`, COIN_VARIABLES.BACKEND);
  const bitcoindUrl = read(env, `${prefix}_BITCOIND_URL`, COIN_VARIABLES.BITCOIND_URL);
  const servers = commaList(read(env, `${prefix}_ELECTRUM_SERVERS`, COIN_VARIABLES.ELECTRUM_SERVERS));
  for (const server of servers) {
    const check = electrumServer.safeParse(server);
    if (!check.success) {
      throw new ConfigError(
        `Invalid configuration: ${prefix}_ELECTRUM_SERVERS: ${shown("", server)} ${check.error.issues[0]?.message ?? "is invalid"}`,
      );
    }
  }
  if (backend === "bitcoind" && !bitcoindUrl) {
    throw new ConfigError(
      `Invalid configuration: ${prefix}_BITCOIND_URL is required when ${prefix}_BACKEND=bitcoind (http://user:pass@host:port)`,
    );
  }
  if (backend === "electrum" && network === "regtest" && servers.length === 0) {
    throw new ConfigError(
      `Invalid configuration: ${prefix}_ELECTRUM_SERVERS is required for ${prefix}_NETWORK=regtest (there are no public regtest servers)`,
    );
  }
  const pollIntervalMs = read(env, `${prefix}_POLL_INTERVAL_MS`, COIN_VARIABLES.POLL_INTERVAL_MS);
  return { symbol, network, backend, bitcoindUrl, electrumServers: servers, pollIntervalMs };
}

/** `BTC_USD=50000,BTC_EUR=45000` → `{BTC_USD: "50000", BTC_EUR: "45000"}`; each rate a positive decimal. */
function readFixedRates(raw: string | undefined): Record<string, string> {
  const rates: Record<string, string> = {};
  for (const entry of commaList(raw)) {
    const match = /^([A-Za-z0-9]{1,12})_([A-Za-z0-9]{1,12})\s*=\s*(\S+)$/.exec(entry);
    const bad = (reason: string) =>
      new ConfigError(`Invalid configuration: TILL_FIXED_RATES: ${JSON.stringify(entry)} ${reason}`);
    if (!match) throw bad("must look like BTC_USD=50000");
    const pair = `${match[1]!.toUpperCase()}_${match[2]!.toUpperCase()}`;
    const rate = parseDecimal(match[3]!);
    if (!rate?.gt(0)) throw bad("must have a positive decimal rate");
    if (match[1]!.toUpperCase() === match[2]!.toUpperCase()) throw bad("is a pair of one currency");
    if (pair in rates) throw bad(`sets ${pair} twice`);
    rates[pair] = normalizeDecimal(rate);
  }
  return rates;
}

function readRates(env: Env): RatesConfig {
  const fixed = readFixedRates(read(env, "TILL_FIXED_RATES", RATES_VARIABLES.TILL_FIXED_RATES));
  const hasFixed = Object.keys(fixed).length > 0;
  const listed = commaList(read(env, "TILL_RATES_PROVIDERS", RATES_VARIABLES.TILL_RATES_PROVIDERS)).map((name) =>
    name.toLowerCase(),
  );
  for (const name of listed) {
    if (!(RATE_PROVIDERS as readonly string[]).includes(name)) {
      throw new ConfigError(
        `Invalid configuration: TILL_RATES_PROVIDERS: unknown provider "${name}" (known: ${RATE_PROVIDERS.join(", ")})`,
      );
    }
    if (name === "fixed" && !hasFixed) {
      throw new ConfigError("Invalid configuration: TILL_RATES_PROVIDERS lists fixed, but TILL_FIXED_RATES is not set");
    }
  }
  // With fixed rates configured they are the default source, unless the operator chose the sources.
  const defaults: RateProviderName[] = listed.length
    ? ([...new Set(listed)] as RateProviderName[])
    : hasFixed
      ? ["fixed"]
      : ["coingecko", "kraken", "binance", "coinbase", "bitfinex", "fiat"];
  const refreshSeconds = read(env, "TILL_RATES_REFRESH_SECONDS", RATES_VARIABLES.TILL_RATES_REFRESH_SECONDS);
  const maxAgeSeconds = read(env, "TILL_RATES_MAX_AGE_SECONDS", RATES_VARIABLES.TILL_RATES_MAX_AGE_SECONDS);
  if (maxAgeSeconds < refreshSeconds) {
    throw new ConfigError(
      `Invalid configuration: TILL_RATES_MAX_AGE_SECONDS=${maxAgeSeconds} must be at least TILL_RATES_REFRESH_SECONDS=${refreshSeconds} (rates would go stale between refreshes)`,
    );
  }
  const apiKey = read(env, "TILL_RATES_COINGECKO_API_KEY", RATES_VARIABLES.TILL_RATES_COINGECKO_API_KEY)?.trim();
  return {
    defaults,
    fixed,
    refreshSeconds,
    maxAgeSeconds,
    timeoutMs: read(env, "TILL_RATES_TIMEOUT_MS", RATES_VARIABLES.TILL_RATES_TIMEOUT_MS),
    requestTimeoutMs: read(env, "TILL_RATES_REQUEST_TIMEOUT_MS", RATES_VARIABLES.TILL_RATES_REQUEST_TIMEOUT_MS),
    urls: {
      coingecko: read(env, "TILL_RATES_COINGECKO_URL", RATES_VARIABLES.TILL_RATES_COINGECKO_URL),
      kraken: read(env, "TILL_RATES_KRAKEN_URL", RATES_VARIABLES.TILL_RATES_KRAKEN_URL),
      binance: read(env, "TILL_RATES_BINANCE_URL", RATES_VARIABLES.TILL_RATES_BINANCE_URL),
      coinbase: read(env, "TILL_RATES_COINBASE_URL", RATES_VARIABLES.TILL_RATES_COINBASE_URL),
      bitfinex: read(env, "TILL_RATES_BITFINEX_URL", RATES_VARIABLES.TILL_RATES_BITFINEX_URL),
      fiat: read(env, "TILL_RATES_FIAT_URL", RATES_VARIABLES.TILL_RATES_FIAT_URL),
    },
    coingeckoApiKey: apiKey || undefined,
  };
}

/** Parses the whole configuration once. Throws ConfigError naming the first bad variable. */
export function parseConfig(env: Env): TillConfig {
  const dataDir = read(env, "TILL_DATA_DIR", BASE_VARIABLES.TILL_DATA_DIR);
  const databaseUrl =
    read(env, "TILL_DATABASE_URL", BASE_VARIABLES.TILL_DATABASE_URL) ?? `sqlite:${path.join(dataDir, "till.db")}`;
  const coinNames = commaList(read(env, "TILL_CRYPTOS", BASE_VARIABLES.TILL_CRYPTOS)).map((c) => c.toLowerCase());
  for (const coin of coinNames) {
    if (!(SUPPORTED_COINS as readonly string[]).includes(coin)) {
      throw new ConfigError(
        `Invalid configuration: TILL_CRYPTOS: unknown coin "${coin}" (supported: ${SUPPORTED_COINS.join(", ")})`,
      );
    }
  }
  const unique = [...new Set(coinNames)] as CoinSymbol[];
  const corsOrigins = commaList(read(env, "TILL_CORS_ORIGINS", BASE_VARIABLES.TILL_CORS_ORIGINS));
  return {
    host: read(env, "TILL_HOST", BASE_VARIABLES.TILL_HOST),
    port: read(env, "TILL_PORT", BASE_VARIABLES.TILL_PORT),
    databaseUrl,
    dataDir,
    logLevel: read(env, "TILL_LOG_LEVEL", BASE_VARIABLES.TILL_LOG_LEVEL),
    cryptos: unique.map((symbol) => readCoin(env, symbol)),
    secretKey: read(env, "TILL_SECRET_KEY", BASE_VARIABLES.TILL_SECRET_KEY),
    maxBodyBytes: read(env, "TILL_MAX_BODY_BYTES", BASE_VARIABLES.TILL_MAX_BODY_BYTES),
    maxUploadBytes: read(env, "TILL_MAX_UPLOAD_BYTES", BASE_VARIABLES.TILL_MAX_UPLOAD_BYTES),
    corsOrigins: corsOrigins.length ? corsOrigins : ["*"],
    trustProxy: read(env, "TILL_TRUST_PROXY", BASE_VARIABLES.TILL_TRUST_PROXY),
    loginRateLimit: {
      perIpPerMinute: read(env, "TILL_LOGIN_RATE_LIMIT_PER_IP", BASE_VARIABLES.TILL_LOGIN_RATE_LIMIT_PER_IP),
      perAccountPer15Min: read(
        env,
        "TILL_LOGIN_RATE_LIMIT_PER_ACCOUNT",
        BASE_VARIABLES.TILL_LOGIN_RATE_LIMIT_PER_ACCOUNT,
      ),
    },
    allowPrivateWebhooks: read(env, "TILL_ALLOW_PRIVATE_WEBHOOKS", BASE_VARIABLES.TILL_ALLOW_PRIVATE_WEBHOOKS),
    feeFloorSatPerVbyte: read(env, "TILL_FEE_FLOOR_SAT_PER_VBYTE", BASE_VARIABLES.TILL_FEE_FLOOR_SAT_PER_VBYTE),
    rates: readRates(env),
    webDir: read(env, "TILL_WEB_DIR", BASE_VARIABLES.TILL_WEB_DIR),
    auth: {
      origin: read(env, "TILL_AUTH_ORIGIN", AUTH_VARIABLES.TILL_AUTH_ORIGIN)?.replace(/\/+$/, ""),
      adminUrl: read(env, "TILL_ADMIN_URL", AUTH_VARIABLES.TILL_ADMIN_URL)?.replace(/\/+$/, ""),
      captchaVerifyUrls: {
        hcaptcha: read(env, "TILL_HCAPTCHA_VERIFY_URL", AUTH_VARIABLES.TILL_HCAPTCHA_VERIFY_URL),
        cloudflare_turnstile: read(env, "TILL_TURNSTILE_VERIFY_URL", AUTH_VARIABLES.TILL_TURNSTILE_VERIFY_URL),
      },
    },
    providerUrls: {
      telegram: read(env, "TILL_TELEGRAM_API_URL", AUTH_VARIABLES.TILL_TELEGRAM_API_URL),
      pushover: read(env, "TILL_PUSHOVER_API_URL", AUTH_VARIABLES.TILL_PUSHOVER_API_URL),
    },
  };
}

/** Reads `.env` from the working directory (if present) without overriding variables already set. */
export function loadDotEnv(file = ".env"): void {
  if (!existsSync(file)) return;
  try {
    process.loadEnvFile(file);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: cannot read ${file}: ${(error as Error).message}`);
  }
}
