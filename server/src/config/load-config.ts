import { existsSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import {
  BASE_VARIABLES,
  COIN_VARIABLES,
  type CoinConfig,
  type CoinSymbol,
  commaList,
  electrumServer,
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
