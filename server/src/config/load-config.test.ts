import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./load-config.ts";

/** The ConfigError parseConfig throws for `env`; fails the test when it does not throw one. */
function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(env)}`);
}

describe("parseConfig defaults", () => {
  it("runs with an empty environment on SQLite under data/, BTC over Electrum, on localhost:8000", () => {
    expect(parseConfig({})).toEqual({
      host: "127.0.0.1",
      port: 8000,
      databaseUrl: `sqlite:${path.join("data", "till.db")}`,
      dataDir: "data",
      logLevel: "info",
      cryptos: [
        {
          symbol: "btc",
          network: "mainnet",
          backend: "electrum",
          bitcoindUrl: undefined,
          electrumServers: [],
          pollIntervalMs: 1000,
        },
      ],
      secretKey: undefined,
      maxBodyBytes: 1_048_576,
      maxUploadBytes: 10_485_760,
      corsOrigins: ["*"],
      trustProxy: false,
      loginRateLimit: { perIpPerMinute: 30, perAccountPer15Min: 10 },
      allowPrivateWebhooks: false,
      feeFloorSatPerVbyte: 1,
      rates: {
        defaults: ["coingecko", "kraken", "binance", "coinbase", "bitfinex", "fiat"],
        fixed: {},
        refreshSeconds: 60,
        maxAgeSeconds: 600,
        timeoutMs: 10_000,
        requestTimeoutMs: 2_000,
        urls: {
          coingecko: "https://api.coingecko.com/api/v3",
          kraken: "https://api.kraken.com",
          binance: "https://api.binance.com",
          coinbase: "https://api.coinbase.com",
          bitfinex: "https://api-pub.bitfinex.com",
          fiat: "https://open.er-api.com",
        },
        coingeckoApiKey: undefined,
      },
      webDir: undefined,
      auth: {
        origin: undefined,
        adminUrl: undefined,
        captchaVerifyUrls: {
          hcaptcha: "https://api.hcaptcha.com/siteverify",
          cloudflare_turnstile: "https://challenges.cloudflare.com/turnstile/v0/siteverify",
        },
      },
      providerUrls: { telegram: "https://api.telegram.org", pushover: "https://api.pushover.net" },
    });
  });

  it("reads the account security and chat service URLs, without a trailing slash for origins", () => {
    const config = parseConfig({
      TILL_AUTH_ORIGIN: "https://pay.example.com/",
      TILL_ADMIN_URL: "https://admin.example.com",
      TILL_TELEGRAM_API_URL: "http://127.0.0.1:9000",
    });
    expect(config.auth.origin).toBe("https://pay.example.com");
    expect(config.auth.adminUrl).toBe("https://admin.example.com");
    expect(config.providerUrls.telegram).toBe("http://127.0.0.1:9000");
    expect(() => parseConfig({ TILL_AUTH_ORIGIN: "ftp://x" })).toThrow(/TILL_AUTH_ORIGIN/);
  });

  it("treats empty variables as unset", () => {
    const config = parseConfig({
      TILL_PORT: "",
      TILL_LOG_LEVEL: "",
      TILL_CRYPTOS: "",
      TILL_CORS_ORIGINS: "",
      BTC_NETWORK: "",
    });
    expect(config.port).toBe(8000);
    expect(config.logLevel).toBe("info");
    expect(config.cryptos.map((c) => c.symbol)).toEqual(["btc"]);
    expect(config.corsOrigins).toEqual(["*"]);
    expect(config.cryptos[0]!.network).toBe("mainnet");
  });

  it("places the default SQLite file in TILL_DATA_DIR", () => {
    expect(parseConfig({ TILL_DATA_DIR: "/var/lib/till" }).databaseUrl).toBe("sqlite:/var/lib/till/till.db");
  });
});

describe("parseConfig values", () => {
  it("reads every base variable", () => {
    const config = parseConfig({
      TILL_HOST: "0.0.0.0",
      TILL_PORT: "9000",
      TILL_DATA_DIR: "/srv/till",
      TILL_LOG_LEVEL: "debug",
      TILL_SECRET_KEY: "k".repeat(32),
      TILL_MAX_BODY_BYTES: "2048",
      TILL_MAX_UPLOAD_BYTES: "4096",
      TILL_CORS_ORIGINS: "https://shop.example, https://admin.example",
      TILL_TRUST_PROXY: "yes",
      TILL_LOGIN_RATE_LIMIT_PER_IP: "7",
      TILL_LOGIN_RATE_LIMIT_PER_ACCOUNT: "3",
    });
    expect(config).toMatchObject({
      host: "0.0.0.0",
      port: 9000,
      dataDir: "/srv/till",
      logLevel: "debug",
      secretKey: "k".repeat(32),
      maxBodyBytes: 2048,
      maxUploadBytes: 4096,
      corsOrigins: ["https://shop.example", "https://admin.example"],
      trustProxy: true,
      loginRateLimit: { perIpPerMinute: 7, perAccountPer15Min: 3 },
    });
  });

  it.each([
    ["true", true],
    ["1", true],
    ["yes", true],
    ["false", false],
    ["0", false],
    ["no", false],
  ])("reads TILL_TRUST_PROXY=%s as %s", (value, expected) => {
    expect(parseConfig({ TILL_TRUST_PROXY: value }).trustProxy).toBe(expected);
  });

  it.each([
    ["true", true],
    ["1", true],
    ["yes", true],
    ["false", false],
    ["0", false],
    ["no", false],
  ])("reads TILL_ALLOW_PRIVATE_WEBHOOKS=%s as %s", (value, expected) => {
    expect(parseConfig({ TILL_ALLOW_PRIVATE_WEBHOOKS: value }).allowPrivateWebhooks).toBe(expected);
  });

  it("reads the payout fee floor TILL_FEE_FLOOR_SAT_PER_VBYTE as a rate", () => {
    expect(parseConfig({ TILL_FEE_FLOOR_SAT_PER_VBYTE: "2.5" }).feeFloorSatPerVbyte).toBe(2.5);
  });

  it.each([
    "postgres://till:secret@127.0.0.1:5432/till",
    "postgresql://till@db.internal/till?sslmode=require",
    "sqlite:/var/lib/till/till.db",
    "sqlite:relative.db",
  ])("accepts the database URL %s", (url) => {
    expect(parseConfig({ TILL_DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it("reads several coins, case-insensitively and without duplicates, each with its own settings", () => {
    const config = parseConfig({
      TILL_CRYPTOS: "BTC, ltc,btc",
      BTC_NETWORK: "testnet",
      LTC_NETWORK: "regtest",
      LTC_BACKEND: "bitcoind",
      LTC_BITCOIND_URL: "http://user:pass@127.0.0.1:19443",
      LTC_POLL_INTERVAL_MS: "250",
    });
    expect(config.cryptos).toEqual([
      {
        symbol: "btc",
        network: "testnet",
        backend: "electrum",
        bitcoindUrl: undefined,
        electrumServers: [],
        pollIntervalMs: 1000,
      },
      {
        symbol: "ltc",
        network: "regtest",
        backend: "bitcoind",
        bitcoindUrl: "http://user:pass@127.0.0.1:19443",
        electrumServers: [],
        pollIntervalMs: 250,
      },
    ]);
  });

  it("reads a comma-separated list of Electrum servers", () => {
    const config = parseConfig({
      BTC_ELECTRUM_SERVERS: "ssl://electrum.example.com:50002, tcp://10.0.0.5:50001,,",
    });
    expect(config.cryptos[0]!.electrumServers).toEqual(["ssl://electrum.example.com:50002", "tcp://10.0.0.5:50001"]);
  });

  it("accepts bitcoind over https", () => {
    const config = parseConfig({ BTC_BACKEND: "bitcoind", BTC_BITCOIND_URL: "https://node.example:8332" });
    expect(config.cryptos[0]).toMatchObject({ backend: "bitcoind", bitcoindUrl: "https://node.example:8332" });
  });

  it("ignores the settings of coins that are not enabled", () => {
    const config = parseConfig({ TILL_CRYPTOS: "btc", LTC_NETWORK: "nonsense", LTC_BACKEND: "bitcoind" });
    expect(config.cryptos.map((c) => c.symbol)).toEqual(["btc"]);
  });
});

describe("parseConfig errors", () => {
  it.each([
    ["TILL_PORT", "abc"],
    ["TILL_PORT", "0"],
    ["TILL_PORT", "65536"],
    ["TILL_PORT", "80.5"],
    ["TILL_PORT", "-1"],
    ["TILL_DATABASE_URL", "mysql://root@localhost/till"],
    ["TILL_DATABASE_URL", "sqlite:"],
    ["TILL_DATABASE_URL", "till.db"],
    ["TILL_LOG_LEVEL", "verbose"],
    ["TILL_CRYPTOS", "btc,doge"],
    ["TILL_SECRET_KEY", "too-short"],
    ["TILL_MAX_BODY_BYTES", "0"],
    ["TILL_MAX_BODY_BYTES", "1mb"],
    ["TILL_MAX_UPLOAD_BYTES", "-5"],
    ["TILL_MAX_UPLOAD_BYTES", "1.5"],
    ["TILL_TRUST_PROXY", "maybe"],
    ["TILL_ALLOW_PRIVATE_WEBHOOKS", "sometimes"],
    ["TILL_FEE_FLOOR_SAT_PER_VBYTE", "0"],
    ["TILL_FEE_FLOOR_SAT_PER_VBYTE", "cheap"],
    ["TILL_LOGIN_RATE_LIMIT_PER_IP", "0"],
    ["TILL_LOGIN_RATE_LIMIT_PER_IP", "many"],
    ["TILL_LOGIN_RATE_LIMIT_PER_ACCOUNT", "-3"],
    ["BTC_NETWORK", "mainnet2"],
    ["BTC_BACKEND", "spv"],
    ["BTC_BITCOIND_URL", "not a url"],
    ["BTC_BITCOIND_URL", "ftp://node.example:8332"],
    ["BTC_ELECTRUM_SERVERS", "electrum.example.com:50002"],
    ["BTC_ELECTRUM_SERVERS", "ssl://electrum.example.com"],
    ["BTC_ELECTRUM_SERVERS", "ssl://electrum.example.com:50002,http://x.example:80"],
    ["BTC_ELECTRUM_SERVERS", "ssl://electrum.example.com:99999"],
    ["BTC_ELECTRUM_SERVERS", "ssl://electrum.example.com:0"],
    ["BTC_POLL_INTERVAL_MS", "0"],
    ["BTC_POLL_INTERVAL_MS", "fast"],
  ])("names %s in one line when it is %j", (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).toContain(name);
    expect(error.message).not.toContain("\n");
    expect(error.message.startsWith("Invalid configuration: ")).toBe(true);
  });

  it("names the variables of a coin enabled through TILL_CRYPTOS", () => {
    expect(configError({ TILL_CRYPTOS: "ltc", LTC_NETWORK: "mainnet2" }).message).toContain("LTC_NETWORK");
    expect(configError({ TILL_CRYPTOS: "btc,ltc", LTC_POLL_INTERVAL_MS: "0" }).message).toContain(
      "LTC_POLL_INTERVAL_MS",
    );
  });

  it("names the unknown coin and the supported ones", () => {
    const message = configError({ TILL_CRYPTOS: "btc,DOGE" }).message;
    expect(message).toContain("TILL_CRYPTOS");
    expect(message).toContain('"doge"');
    expect(message).toContain("btc, ltc");
  });

  it("requires <COIN>_BITCOIND_URL when <COIN>_BACKEND=bitcoind", () => {
    const btc = configError({ BTC_BACKEND: "bitcoind" }).message;
    expect(btc).toContain("BTC_BITCOIND_URL");
    expect(btc).toContain("BTC_BACKEND=bitcoind");
    const ltc = configError({ TILL_CRYPTOS: "ltc", LTC_BACKEND: "bitcoind" }).message;
    expect(ltc).toContain("LTC_BITCOIND_URL");
  });

  it("names the Electrum server that is malformed", () => {
    const message = configError({ BTC_ELECTRUM_SERVERS: "ssl://good.example:50002, bad.example:50002" }).message;
    expect(message).toContain("BTC_ELECTRUM_SERVERS");
    expect(message).toContain("bad.example:50002");
  });

  it("never echoes a secret key or a URL password in the message", () => {
    const key = configError({ TILL_SECRET_KEY: "hunter2-but-short" }).message;
    expect(key).toContain("TILL_SECRET_KEY");
    expect(key).not.toContain("hunter2");
    const database = configError({ TILL_DATABASE_URL: "mysql://till:hunter2@db.example/till" }).message;
    expect(database).toContain("TILL_DATABASE_URL");
    expect(database).toContain("db.example");
    expect(database).not.toContain("hunter2");
    const node = configError({
      BTC_BACKEND: "bitcoind",
      BTC_BITCOIND_URL: "ftp://rpc:hunter2@node.example:8332",
    }).message;
    expect(node).toContain("BTC_BITCOIND_URL");
    expect(node).not.toContain("hunter2");
    const withAt = configError({ TILL_DATABASE_URL: "mysql://till:hun@ter2@db.example/till" }).message;
    expect(withAt).not.toContain("ter2");
  });
});

describe("parseConfig exchange rates", () => {
  it("reads every rates variable", () => {
    const config = parseConfig({
      TILL_RATES_PROVIDERS: "Kraken, coinbase,kraken",
      TILL_RATES_REFRESH_SECONDS: "30",
      TILL_RATES_MAX_AGE_SECONDS: "300",
      TILL_RATES_TIMEOUT_MS: "5000",
      TILL_RATES_REQUEST_TIMEOUT_MS: "750",
      TILL_RATES_COINGECKO_URL: "https://pro-api.coingecko.com/api/v3",
      TILL_RATES_COINGECKO_API_KEY: " CG-key ",
      TILL_RATES_KRAKEN_URL: "http://127.0.0.1:9001/kraken",
      TILL_RATES_BINANCE_URL: "https://proxy.example/binance",
      TILL_RATES_COINBASE_URL: "https://proxy.example/coinbase",
      TILL_RATES_BITFINEX_URL: "https://proxy.example/bitfinex",
      TILL_RATES_FIAT_URL: "https://proxy.example/fiat",
    });
    expect(config.rates).toEqual({
      defaults: ["kraken", "coinbase"],
      fixed: {},
      refreshSeconds: 30,
      maxAgeSeconds: 300,
      timeoutMs: 5000,
      requestTimeoutMs: 750,
      urls: {
        coingecko: "https://pro-api.coingecko.com/api/v3",
        kraken: "http://127.0.0.1:9001/kraken",
        binance: "https://proxy.example/binance",
        coinbase: "https://proxy.example/coinbase",
        bitfinex: "https://proxy.example/bitfinex",
        fiat: "https://proxy.example/fiat",
      },
      coingeckoApiKey: "CG-key",
    });
  });

  it("makes fixed rates the default source when they are set", () => {
    const config = parseConfig({ TILL_FIXED_RATES: "btc_usd=50000, BTC_EUR = 45000.50,LTC_USD=8e1" });
    expect(config.rates.fixed).toEqual({ BTC_USD: "50000", BTC_EUR: "45000.5", LTC_USD: "80" });
    expect(config.rates.defaults).toEqual(["fixed"]);
    const mixed = parseConfig({ TILL_FIXED_RATES: "BTC_USD=50000", TILL_RATES_PROVIDERS: "fixed,kraken" });
    expect(mixed.rates.defaults).toEqual(["fixed", "kraken"]);
  });

  it.each([
    ["TILL_FIXED_RATES", "BTC_USD"],
    ["TILL_FIXED_RATES", "BTC_USD=abc"],
    ["TILL_FIXED_RATES", "BTC_USD=0"],
    ["TILL_FIXED_RATES", "BTC_USD=-5"],
    ["TILL_FIXED_RATES", "BTCUSD=5"],
    ["TILL_FIXED_RATES", "BTC_BTC=5"],
    ["TILL_FIXED_RATES", "BTC_USD=5,BTC_USD=6"],
    ["TILL_RATES_PROVIDERS", "kraken,bitstamp"],
    ["TILL_RATES_PROVIDERS", "fixed"],
    ["TILL_RATES_REFRESH_SECONDS", "0"],
    ["TILL_RATES_REFRESH_SECONDS", "often"],
    ["TILL_RATES_MAX_AGE_SECONDS", "-1"],
    ["TILL_RATES_MAX_AGE_SECONDS", "10"],
    ["TILL_RATES_TIMEOUT_MS", "0"],
    ["TILL_RATES_REQUEST_TIMEOUT_MS", "1.5"],
    ["TILL_RATES_KRAKEN_URL", "api.kraken.com"],
    ["TILL_RATES_COINGECKO_URL", "ftp://api.coingecko.com"],
    ["TILL_RATES_FIAT_URL", "not a url"],
  ])("names %s in one line when it is %j", (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).toContain(name);
    expect(error.message).not.toContain("\n");
    expect(error.message.startsWith("Invalid configuration: ")).toBe(true);
  });

  it("refuses a maximum age shorter than the refresh interval", () => {
    const message = configError({ TILL_RATES_REFRESH_SECONDS: "120", TILL_RATES_MAX_AGE_SECONDS: "60" }).message;
    expect(message).toContain("TILL_RATES_MAX_AGE_SECONDS=60");
    expect(message).toContain("TILL_RATES_REFRESH_SECONDS=120");
  });
});
