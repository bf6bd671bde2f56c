import { z } from "zod";

export const SUPPORTED_COINS = ["btc", "ltc"] as const;
export const NETWORKS = ["mainnet", "testnet", "signet", "regtest"] as const;
export const BACKENDS = ["electrum", "bitcoind"] as const;

export type CoinSymbol = (typeof SUPPORTED_COINS)[number];

export interface CoinConfig {
  symbol: CoinSymbol;
  network: (typeof NETWORKS)[number];
  backend: (typeof BACKENDS)[number];
  bitcoindUrl: string | undefined;
  electrumServers: string[];
  pollIntervalMs: number;
}

/** Rate providers Till has; `fixed` exists only when TILL_FIXED_RATES is set. */
export const RATE_PROVIDERS = ["coingecko", "kraken", "binance", "coinbase", "bitfinex", "fiat", "fixed"] as const;
export type RateProviderName = (typeof RATE_PROVIDERS)[number];

export interface RatesConfig {
  /** Providers whose median is the default rule. */
  defaults: RateProviderName[];
  /** `TILL_FIXED_RATES` as pair → positive decimal text (`BTC_USD` → `50000`). */
  fixed: Record<string, string>;
  refreshSeconds: number;
  maxAgeSeconds: number;
  timeoutMs: number;
  requestTimeoutMs: number;
  urls: Record<Exclude<RateProviderName, "fixed">, string>;
  coingeckoApiKey: string | undefined;
}

export interface TillConfig {
  host: string;
  port: number;
  databaseUrl: string;
  dataDir: string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  cryptos: CoinConfig[];
  secretKey: string | undefined;
  maxBodyBytes: number;
  maxUploadBytes: number;
  corsOrigins: string[];
  trustProxy: boolean;
  loginRateLimit: { perIpPerMinute: number; perAccountPer15Min: number };
  /** Webhook and IPN URLs may name private, loopback and link-local addresses (for tests and closed networks). */
  allowPrivateWebhooks: boolean;
  /** `TILL_FEE_FLOOR_SAT_PER_VBYTE`: the fee rate payouts use when the chain has no estimate, and their least. */
  feeFloorSatPerVbyte: number;
  rates: RatesConfig;
  /** The built web app (`TILL_WEB_DIR`); undefined = `web/dist` of this checkout. */
  webDir: string | undefined;
  /** Account security: see docs/account-security.md. */
  auth: AuthConfig;
  /** The fixed hosts of chat services, overridable for a proxy or a test receiver. */
  providerUrls: { telegram: string; pushover: string };
}

export interface AuthConfig {
  /** `TILL_AUTH_ORIGIN`: the origin passkeys are bound to (RP id = its host); undefined = the request's origin. */
  origin: string | undefined;
  /** `TILL_ADMIN_URL`: where links in reset and verification mail point; undefined = the request's origin. */
  adminUrl: string | undefined;
  captchaVerifyUrls: { hcaptcha: string; cloudflare_turnstile: string };
}

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();

const bitcoindUrl = z
  .string()
  .url()
  .refine((v) => /^https?:\/\//.test(v), "must be an http:// or https:// URL");

const electrumServer = z
  .string()
  .regex(/^(tcp|ssl):\/\/[^\s:/]+:\d{1,5}$/, "must look like tcp://host:port or ssl://host:port")
  .refine((v) => {
    const portNumber = Number(v.slice(v.lastIndexOf(":") + 1));
    return portNumber >= 1 && portNumber <= 65535;
  }, "must have a port from 1 to 65535");

const booleanText = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const commaList = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Each entry: the variable name and the schema that reads it. The variable name is what an error names. */
export const BASE_VARIABLES = {
  TILL_HOST: z.string().min(1).default("127.0.0.1"),
  TILL_PORT: port.default(8000),
  TILL_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, "must be sqlite:<path> or postgres://user:pass@host:port/db")
    .optional(),
  TILL_DATA_DIR: z.string().min(1).default("data"),
  TILL_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  TILL_CRYPTOS: z.string().default("btc"),
  TILL_SECRET_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  TILL_MAX_BODY_BYTES: positiveInt.default(1_048_576),
  TILL_MAX_UPLOAD_BYTES: positiveInt.default(10_485_760),
  TILL_CORS_ORIGINS: z.string().default("*"),
  TILL_TRUST_PROXY: booleanText.default(false),
  TILL_LOGIN_RATE_LIMIT_PER_IP: positiveInt.default(30),
  TILL_LOGIN_RATE_LIMIT_PER_ACCOUNT: positiveInt.default(10),
  TILL_ALLOW_PRIVATE_WEBHOOKS: booleanText.default(false),
  TILL_FEE_FLOOR_SAT_PER_VBYTE: z.coerce.number().min(0.001).max(100_000).default(1),
  TILL_WEB_DIR: z.string().min(1).optional(),
} as const;

const httpUrl = z
  .string()
  .url()
  .refine((v) => /^https?:\/\//.test(v), "must be an http:// or https:// URL");

/** Account security and chat-service endpoints; see docs/account-security.md and docs/notifications.md. */
export const AUTH_VARIABLES = {
  TILL_AUTH_ORIGIN: httpUrl.optional(),
  TILL_ADMIN_URL: httpUrl.optional(),
  TILL_HCAPTCHA_VERIFY_URL: httpUrl.default("https://api.hcaptcha.com/siteverify"),
  TILL_TURNSTILE_VERIFY_URL: httpUrl.default("https://challenges.cloudflare.com/turnstile/v0/siteverify"),
  TILL_TELEGRAM_API_URL: httpUrl.default("https://api.telegram.org"),
  TILL_PUSHOVER_API_URL: httpUrl.default("https://api.pushover.net"),
} as const;

/** Exchange-rate settings; see docs/rates.md. */
export const RATES_VARIABLES = {
  TILL_RATES_PROVIDERS: z.string().optional(),
  TILL_FIXED_RATES: z.string().max(10_000).optional(),
  TILL_RATES_REFRESH_SECONDS: positiveInt.max(86_400).default(60),
  TILL_RATES_MAX_AGE_SECONDS: positiveInt.max(604_800).default(600),
  TILL_RATES_TIMEOUT_MS: positiveInt.max(600_000).default(10_000),
  TILL_RATES_REQUEST_TIMEOUT_MS: positiveInt.max(60_000).default(2_000),
  TILL_RATES_COINGECKO_URL: httpUrl.default("https://api.coingecko.com/api/v3"),
  TILL_RATES_COINGECKO_API_KEY: z.string().optional(),
  TILL_RATES_KRAKEN_URL: httpUrl.default("https://api.kraken.com"),
  TILL_RATES_BINANCE_URL: httpUrl.default("https://api.binance.com"),
  TILL_RATES_COINBASE_URL: httpUrl.default("https://api.coinbase.com"),
  TILL_RATES_BITFINEX_URL: httpUrl.default("https://api-pub.bitfinex.com"),
  TILL_RATES_FIAT_URL: httpUrl.default("https://open.er-api.com"),
} as const;

export const COIN_VARIABLES = {
  NETWORK: z.enum(NETWORKS).default("mainnet"),
  BACKEND: z.enum(BACKENDS).default("electrum"),
  BITCOIND_URL: bitcoindUrl.optional(),
  ELECTRUM_SERVERS: z.string().optional(),
  POLL_INTERVAL_MS: positiveInt.default(1000),
} as const;

export { booleanText, commaList, electrumServer };
