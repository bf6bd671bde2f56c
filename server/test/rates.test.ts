/**
 * Exchange rates through the whole app, on SQLite and PostgreSQL. Every provider is a local server on
 * 127.0.0.1 answering its recorded response; outages, silences and stale caches are played by switching it.
 * The one thing no test may ever see: a price at a rate nobody quoted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../src/kernel/errors.ts";
import { PROVIDERS, RateServer } from "./helpers/rate-server.ts";
import { createTestApp, registerUser, type TestApp, tokenWith } from "./helpers/test-app.ts";

const ZPUB =
  "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
const ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

/** The median of the recorded BTC_USD answers: coingecko 67187.33…, kraken 67190.1, bitfinex 67200, coinbase 67350.255. */
const BTC_USD_MEDIAN = "67195.05";

let server: RateServer;
const apps: TestApp[] = [];

beforeAll(async () => {
  server = await RateServer.start();
});
afterEach(() => server.reset());
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await server.close();
});

async function startApp(env: Record<string, string> = {}) {
  const app = await createTestApp({
    ...server.env(),
    TILL_CRYPTOS: "btc,ltc",
    LTC_NETWORK: "regtest",
    LTC_ELECTRUM_SERVERS: "tcp://127.0.0.1:50001",
    TILL_RATES_REQUEST_TIMEOUT_MS: "1500",
    ...env,
  });
  apps.push(app);
  return app;
}

async function createStore(app: TestApp, token: string, body: Record<string, unknown> = {}) {
  const response = await app.call("POST", "/stores", {
    token,
    body: { name: "Shop", default_currency: "USD", wallets: [], ...body },
  });
  expect(response.statusCode).toBe(200);
  return response.json().id as string;
}

const json = (body: string) => JSON.parse(body);

describe("exchange rates with every provider answering", () => {
  let app: TestApp;
  let admin: Awaited<ReturnType<typeof registerUser>>;
  let merchant: Awaited<ReturnType<typeof registerUser>>;
  let storeId: string;

  beforeAll(async () => {
    app = await startApp();
    admin = await registerUser(app);
    merchant = await registerUser(app);
    storeId = await createStore(app, merchant.token, { default_currency: "EUR" });
  });

  it("GET /cryptos/rate answers the median of the providers, as an exact decimal string", async () => {
    const response = await app.call("GET", "/cryptos/rate?currency=btc&fiat_currency=USD");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/application\/json/);
    expect(response.body).toBe(`"${BTC_USD_MEDIAN}"`);
    // Each provider was asked once; later requests read the cache.
    for (const provider of ["coingecko", "kraken", "coinbase", "bitfinex"] as const) {
      expect(server.requestsTo(provider).length, provider).toBe(1);
    }
    expect((await app.call("GET", "/cryptos/rate")).body).toBe(`"${BTC_USD_MEDIAN}"`);
    expect(server.requestsTo("kraken")).toHaveLength(1);
  });

  it("GET /cryptos/rate prices any enabled coin in any currency the providers quote", async () => {
    // coingecko 77.5917632351, binance 77.6, coinbase 77.5524: the median.
    expect(json((await app.call("GET", "/cryptos/rate?currency=LTC&fiat_currency=eur")).body)).toBe("77.5917632351");
  });

  it("GET /cryptos/rate refuses what it cannot price, naming why", async () => {
    const coin = await app.call("GET", "/cryptos/rate?currency=doge&fiat_currency=USD");
    expect(coin.statusCode).toBe(422);
    expect(coin.json().detail).toBe("Unsupported currency");
    const fiat = await app.call("GET", "/cryptos/rate?currency=btc&fiat_currency=XYZ");
    expect(fiat.statusCode).toBe(422);
    expect(fiat.json().detail).toBe("Unsupported fiat currency");
    const unquoted = await app.call("GET", "/cryptos/rate?currency=btc&fiat_currency=ZWG");
    expect(unquoted.statusCode).toBe(422);
    expect(unquoted.json().detail).toMatch(/^No fresh exchange rate for BTC_ZWG: /);
    expect(unquoted.json().detail).toContain("kraken(BTC_ZWG) not offered by this provider");
  });

  it("GET /cryptos/fiatlist lists ISO 4217 codes, sorted, filtered by prefix", async () => {
    const all = (await app.call("GET", "/cryptos/fiatlist")).json();
    expect(all).toContain("USD");
    expect(all).toContain("EUR");
    expect(all).not.toContain("BTC");
    expect([...all].sort()).toEqual(all);
    expect((await app.call("GET", "/cryptos/fiatlist?query=us")).json()).toEqual(["USD"]);
    expect((await app.call("GET", "/cryptos/fiatlist?query=E|j")).json()).toEqual([
      "EGP",
      "ERN",
      "ETB",
      "EUR",
      "JMD",
      "JOD",
      "JPY",
    ]);
  });

  describe("POST /stores/{id}/rates/preview", () => {
    it("evaluates rules not yet saved, for the store's owner only, and stores nothing", async () => {
      const before = (await app.call("GET", `/stores/${storeId}`, { token: merchant.token })).json().checkout_settings
        .rate_rules;
      const preview = await app.call("POST", `/stores/${storeId}/rates/preview`, {
        token: merchant.token,
        body: { rate_rules: "BTC_USD = 64000\nX_X = kraken(X_X)", currencies: "BTC_USD,LTC_USD,BTC_XYZ" },
      });
      expect(preview.statusCode, preview.body).toBe(200);
      const rates = preview.json().rates;
      expect(rates[0]).toMatchObject({ pair: "BTC_USD", rate: "64000" });
      expect(rates[2]).toMatchObject({ pair: "BTC_XYZ", rate: null });
      const broken = await app.call("POST", `/stores/${storeId}/rates/preview`, {
        token: merchant.token,
        body: { rate_rules: "X_X = kraken(X_X", currencies: "BTC_USD" },
      });
      expect(broken.json().rates[0].message).toMatch(/rate rules are invalid/);
      expect(
        (await app.call("GET", `/stores/${storeId}`, { token: merchant.token })).json().checkout_settings.rate_rules,
      ).toBe(before);
      const stranger = await registerUser(app);
      const refused = await app.call("POST", `/stores/${storeId}/rates/preview`, {
        token: stranger.token,
        body: { rate_rules: "BTC_USD = 1", currencies: "BTC_USD" },
      });
      expect(refused.statusCode).toBe(404);
    });
  });

  describe("PATCH /stores/{id}/rate_rules", () => {
    const patch = (body: unknown, token: string | null = merchant.token, headers?: Record<string, string>) =>
      app.call("PATCH", `/stores/${storeId}/rate_rules`, { token, body, headers });
    const storedRules = async () =>
      (await app.call("GET", `/stores/${storeId}`, { token: merchant.token })).json().checkout_settings.rate_rules;

    it("takes the rules as a JSON string, stores them and answers how BTC_USD resolves", async () => {
      const response = await patch(JSON.stringify("X_X = kraken(X_X)"), merchant.token, {
        "content-type": "application/json",
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toBe("BTC_USD: 67190.1 resolved by kraken(BTC_USD) = 67190.1");
      expect(await storedRules()).toBe("X_X = kraken(X_X)");
    });

    it("takes {rate_rules} and text/plain too", async () => {
      const rules = "X_EUR = X_USD * fiat(USD_EUR);\nX_X = kraken(X_X);";
      expect((await patch({ rate_rules: rules })).json()).toBe(
        "BTC_USD: 67190.1 resolved by kraken(BTC_USD) = 67190.1",
      );
      expect(await storedRules()).toBe(rules);
      const plain = await patch("BTC_USD = 65000\nX_EUR = X_USD * fiat(USD_EUR)\nX_X = kraken(X_X)", merchant.token, {
        "content-type": "text/plain",
      });
      expect(plain.statusCode).toBe(200);
      expect(plain.json()).toBe("BTC_USD: 65000 resolved by BTC_USD = 65000");
    });

    it("refuses rules that do not parse or cannot evaluate, with the problem and its position, storing nothing", async () => {
      await patch({ rate_rules: "X_EUR = X_USD * fiat(USD_EUR)\nX_X = kraken(X_X)" });
      const cases: [unknown, RegExp][] = [
        [{ rate_rules: "X_X = kraken(X_X" }, /^Invalid rate rules: line 1, column 17: expected "\)"/],
        [
          { rate_rules: "BTC_USD = 1\nX_X = bitstamp(X_X)" },
          /^Invalid rate rules: line 2, column 7: unknown rate provider "bitstamp"/,
        ],
        [
          { rate_rules: "BTC_USD = BTC_EUR * 1\nBTC_EUR = BTC_USD * 1" },
          /^Invalid rate rules: BTC_USD: .*more than 8 levels deep/,
        ],
        [{ rate_rules: "BTC_USD = kraken(BTC_USD) / 0" }, /^Invalid rate rules: BTC_USD: division by zero/],
      ];
      for (const [body, detail] of cases) {
        const response = await patch(body);
        expect(response.statusCode, JSON.stringify(body)).toBe(422);
        expect(response.json().detail).toMatch(detail);
      }
      expect(await storedRules()).toBe("X_EUR = X_USD * fiat(USD_EUR)\nX_X = kraken(X_X)");
      const badBody = await patch({ rules: "X_X = kraken(X_X)" });
      expect(badBody.statusCode).toBe(422);
    });

    it("needs the store's owner with store_management", async () => {
      expect((await patch({ rate_rules: "X_X = kraken(X_X)" }, null)).statusCode).toBe(401);
      expect((await patch({ rate_rules: "X_X = kraken(X_X)" }, admin.token)).statusCode).toBe(404);
      const readOnly = await tokenWith(app, merchant.token, ["wallet_management"]);
      expect((await patch({ rate_rules: "X_X = kraken(X_X)" }, readOnly)).statusCode).toBe(403);
    });
  });

  it("GET /stores/{id}/rates (public) answers each pair's rate and how it was resolved", async () => {
    await app.call("PATCH", `/stores/${storeId}/rate_rules`, {
      token: merchant.token,
      body: { rate_rules: "X_EUR = X_USD * fiat(USD_EUR)\nX_X = kraken(X_X)" },
    });
    const response = await app.call(
      "GET",
      `/stores/${storeId}/rates?currencies=BTC_USD,btc_eur,LTC_EUR,EUR_BTC,BTC_ZWG,BTC_QQQ,garbage,BTC_BTC`,
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      rates: [
        { pair: "BTC_USD", rate: "67190.1", message: "BTC_USD: 67190.1 resolved by kraken(BTC_USD) = 67190.1" },
        {
          pair: "BTC_EUR",
          rate: "61927.8385581",
          message: "BTC_EUR: 61927.8385581 resolved by kraken(BTC_USD) * fiat(USD_EUR) = 67190.1 * 0.921681",
        },
        {
          pair: "LTC_EUR",
          rate: "77.64240744",
          message: "LTC_EUR: 77.64240744 resolved by kraken(LTC_USD) * fiat(USD_EUR) = 84.24 * 0.921681",
        },
        {
          pair: "EUR_BTC",
          rate: "0.00001614782662020105",
          message:
            "EUR_BTC: 0.00001614782662020105 resolved by 1 / (kraken(BTC_USD) * fiat(USD_EUR)) = 1 / (67190.1 * 0.921681)",
        },
        { pair: "BTC_ZWG", rate: null, message: "BTC_ZWG: no rate: kraken(BTC_ZWG) not offered by this provider" },
        { pair: "BTC_QQQ", rate: null, message: "BTC_QQQ: unknown currency QQQ" },
        {
          pair: "garbage",
          rate: null,
          message: "garbage: invalid currency pair (write it as BASE_QUOTE, e.g. BTC_USD)",
        },
        { pair: "BTC_BTC", rate: "1", message: "BTC_BTC: 1 resolved by 1" },
      ],
    });
    expect((await app.call("GET", "/stores/nope/rates?currencies=BTC_USD")).statusCode).toBe(404);
    expect((await app.call("GET", `/stores/${storeId}/rates`)).json()).toEqual({ rates: [] });
    const many = Array.from({ length: 51 }, () => "BTC_USD").join(",");
    expect((await app.call("GET", `/stores/${storeId}/rates?currencies=${many}`)).statusCode).toBe(422);
  });

  it("priceIn: the rate and its trace for invoices, through the store's rules; 422 naming the pair otherwise", async () => {
    await app.call("PATCH", `/stores/${storeId}/rate_rules`, {
      token: merchant.token,
      body: { rate_rules: "X_EUR = X_USD * fiat(USD_EUR)\nX_X = kraken(X_X)" },
    });
    const rates = app.till.services.rates;
    const quote = await rates.priceIn("btc", "EUR", storeId);
    expect(quote.rate.toFixed()).toBe("61927.8385581");
    expect(quote.trace).toMatchObject({
      pair: "BTC_EUR",
      rule: "X_EUR",
      text: "kraken(BTC_USD) * fiat(USD_EUR) = 67190.1 * 0.921681",
    });
    expect(quote.trace.sources.map((s) => `${s.provider}(${s.pair}) = ${s.rate}`)).toEqual([
      "kraken(BTC_USD) = 67190.1",
      "fiat(USD_EUR) = 0.921681",
    ]);
    expect((await rates.priceIn("BTC", "USD")).rate.toFixed()).toBe(BTC_USD_MEDIAN);
    expect((await rates.priceIn("btc", "BTC")).rate.toFixed()).toBe("1");
    const missing = await rates.priceIn("btc", "JPY", storeId).catch((error) => error);
    expect(missing).toBeInstanceOf(AppError);
    expect(missing.status).toBe(422);
    expect(missing.detail).toBe("No fresh exchange rate for BTC_JPY: kraken(BTC_JPY) not offered by this provider");
    await expect(rates.priceIn("btc", "USD", "no-such-store")).rejects.toMatchObject({ status: 404 });
    await expect(rates.priceIn("b t c", "USD")).rejects.toMatchObject({ status: 422 });
    expect(rates.fiatDivisibility("JPY")).toBe(0);
    expect(rates.fiatDivisibility("usd")).toBe(2);
    expect(rates.fiatDivisibility("KWD")).toBe(3);
    expect(rates.fiatDivisibility("btc")).toBe(8);
    expect(() => rates.fiatDivisibility("XYZ")).toThrow(AppError);
  });

  it("priceIn refuses a store whose stored rules no longer parse", async () => {
    await app.call("PATCH", `/stores/${storeId}/checkout_settings`, {
      token: merchant.token,
      body: { rate_rules: "X_X = kraken(" },
    });
    await expect(app.till.services.rates.priceIn("btc", "EUR", storeId)).rejects.toMatchObject({
      status: 422,
      detail: expect.stringMatching(/^No exchange rate for BTC_EUR: the store's rate rules are invalid \(line 1/),
    });
    const listed = (await app.call("GET", `/stores/${storeId}/rates?currencies=BTC_EUR`)).json();
    expect(listed.rates[0]).toMatchObject({ rate: null, message: expect.stringContaining("rate rules are invalid") });
  });

  describe("wallets", () => {
    let btcWallet: string;
    let ltcWallet: string;

    beforeAll(async () => {
      const btc = await app.call("POST", "/wallets", {
        token: merchant.token,
        body: { name: "BTC", currency: "btc", xpub: ZPUB },
      });
      const ltc = await app.call("POST", "/wallets", {
        token: merchant.token,
        body: { name: "LTC", currency: "ltc", xpub: ABANDON },
      });
      expect([btc.statusCode, ltc.statusCode]).toEqual([200, 200]);
      btcWallet = btc.json().id;
      ltcWallet = ltc.json().id;
      await app.till.services.walletSync.idle();
    });

    const setBalance = (id: string, baseUnits: string) =>
      app.till.db.kysely.updateTable("wallets").set({ balance_confirmed: baseUnits }).where("id", "=", id).execute();

    it("GET /wallets/{id}/rate (public) prices the wallet's coin", async () => {
      const response = await app.call("GET", `/wallets/${btcWallet}/rate?currency=USD`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toBe(BTC_USD_MEDIAN);
      expect((await app.call("GET", `/wallets/${btcWallet}/rate`)).json()).toBe(BTC_USD_MEDIAN);
      expect((await app.call("GET", "/wallets/nope/rate?currency=USD")).statusCode).toBe(404);
      expect((await app.call("GET", `/wallets/${btcWallet}/rate?currency=XYZ`)).statusCode).toBe(422);
    });

    it("GET /wallets/balance totals the wallets in the user's balance currency", async () => {
      expect((await app.call("GET", "/wallets/balance", { token: merchant.token })).json()).toBe("0.00");
      await setBalance(btcWallet, "150000000");
      await setBalance(ltcWallet, "1000000000");
      // 1.5 × 67195.05 + 10 × 84.23468423695513 (median of 84.22, 84.2342, 84.23516847…, 84.24)
      const usd = await app.call("GET", "/wallets/balance", { token: merchant.token });
      expect(usd.statusCode).toBe(200);
      expect(usd.json()).toBe("101634.92");
      await app.call("POST", "/users/me/settings", { token: merchant.token, body: { balance_currency: "EUR" } });
      // 1.5 × 61900 + 10 × 77.5917632351
      expect((await app.call("GET", "/wallets/balance", { token: merchant.token })).json()).toBe("93625.92");
      await app.call("POST", "/users/me/settings", { token: merchant.token, body: { balance_currency: "ZWG" } });
      const unquoted = await app.call("GET", "/wallets/balance", { token: merchant.token });
      expect(unquoted.statusCode).toBe(422);
      expect(unquoted.json().detail).toMatch(/^No fresh exchange rate for BTC_ZWG: /);
      await app.call("POST", "/users/me/settings", { token: merchant.token, body: { balance_currency: "XYZ" } });
      const unknown = await app.call("GET", "/wallets/balance", { token: merchant.token });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().detail).toBe("Unsupported balance currency: XYZ");
      await app.call("POST", "/users/me/settings", { token: merchant.token, body: { balance_currency: "BTC" } });
      // 1.5 BTC + 10 LTC at the median LTC_BTC: (0.001253 + 0.0012535) / 2 of binance, kraken, coinbase 0.0012506848, bitfinex 0.0012536
      expect((await app.call("GET", "/wallets/balance", { token: merchant.token })).json()).toBe("1.51253250");
      await app.call("POST", "/users/me/settings", { token: merchant.token, body: { balance_currency: "USD" } });
      expect((await app.call("GET", "/wallets/balance")).statusCode).toBe(401);
      expect((await app.call("GET", "/wallets/balance", { token: admin.token })).json()).toBe("0.00");
    });
  });

  it("GET /rates/health shows each provider's last success and error to the superuser only", async () => {
    const response = await app.call("GET", "/rates/health", { token: admin.token });
    expect(response.statusCode).toBe(200);
    const health = response.json();
    expect(health).toMatchObject({ refresh_seconds: 60, max_age_seconds: 600 });
    expect(health.defaults).toEqual(["coingecko", "kraken", "binance", "coinbase", "bitfinex", "fiat"]);
    expect(health.providers.map((p: { provider: string }) => p.provider)).toEqual([...PROVIDERS]);
    const kraken = health.providers.find((p: { provider: string }) => p.provider === "kraken");
    expect(kraken).toMatchObject({ last_error: null, consecutive_failures: 0, default: true, local: false });
    expect(Date.parse(kraken.last_success)).toBeGreaterThan(Date.now() - 60_000);
    expect((await app.call("GET", "/rates/health", { token: merchant.token })).statusCode).toBe(403);
    expect((await app.call("GET", "/rates/health")).statusCode).toBe(401);
  });
});

describe("exchange rates when providers fail", () => {
  it("an outage of one provider (HTTP 500) falls back to the median of the others", async () => {
    server.set("kraken", { status: 500 });
    const app = await startApp();
    const admin = await registerUser(app);
    // coingecko 67187.33…, bitfinex 67200, coinbase 67350.255
    expect((await app.call("GET", "/cryptos/rate")).json()).toBe("67200");
    const kraken = (await app.call("GET", "/rates/health", { token: admin.token }))
      .json()
      .providers.find((p: { provider: string }) => p.provider === "kraken");
    expect(kraken).toMatchObject({ last_success: null, consecutive_failures: 1 });
    expect(kraken.last_error_message).toMatch(/^HTTP 500/);
  });

  it("a provider that never answers does not hold requests, and is not asked again meanwhile", async () => {
    server.set("kraken", "hang");
    const app = await startApp({ TILL_RATES_REQUEST_TIMEOUT_MS: "500" });
    // Kraken's fetch may run far longer than this test: the answers below prove no request waited for it.
    expect((await app.call("GET", "/cryptos/rate")).json()).toBe("67200");
    expect((await app.call("GET", "/cryptos/rate?currency=ltc")).statusCode).toBe(200);
    expect(server.requestsTo("kraken")).toHaveLength(1);
  });

  it("with every provider down nothing is priced: 422 naming the pair, never a 1:1 or invented rate", async () => {
    for (const provider of PROVIDERS) server.set(provider, { status: 503 });
    const app = await startApp();
    const merchant = await registerUser(app);
    const storeId = await createStore(app, merchant.token);
    const response = await app.call("GET", "/cryptos/rate?currency=btc&fiat_currency=USD");
    expect(response.statusCode).toBe(422);
    expect(response.json().detail).toBe(
      "No fresh exchange rate for BTC_USD: coingecko(BTC_USD) provider error: HTTP 503 Service Unavailable; " +
        "kraken(BTC_USD) provider error: HTTP 503 Service Unavailable; binance(BTC_USD) provider error: HTTP 503 Service Unavailable; " +
        "coinbase(BTC_USD) provider error: HTTP 503 Service Unavailable; bitfinex(BTC_USD) provider error: HTTP 503 Service Unavailable",
    );
    await expect(app.till.services.rates.priceIn("btc", "USD", storeId)).rejects.toMatchObject({
      status: 422,
      detail: expect.stringMatching(/^No fresh exchange rate for BTC_USD: /),
    });
    const listed = (await app.call("GET", `/stores/${storeId}/rates?currencies=BTC_USD,LTC_USD`)).json();
    expect(listed.rates.map((r: { rate: string | null }) => r.rate)).toEqual([null, null]);
    // Rules are saved even while no rate is available; the answer says so.
    const saved = await app.call("PATCH", `/stores/${storeId}/rate_rules`, {
      token: merchant.token,
      body: { rate_rules: "X_X = kraken(X_X)" },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatch(/^BTC_USD: no rate: kraken\(BTC_USD\) provider error: HTTP 503/);
  });

  it("a rate older than TILL_RATES_MAX_AGE_SECONDS is refused", async () => {
    const app = await startApp({ TILL_RATES_REFRESH_SECONDS: "1", TILL_RATES_MAX_AGE_SECONDS: "1" });
    expect((await app.call("GET", "/cryptos/rate")).json()).toBe(BTC_USD_MEDIAN);
    for (const provider of PROVIDERS) server.set(provider, { status: 500 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const stale = await app.call("GET", "/cryptos/rate");
    expect(stale.statusCode).toBe(422);
    expect(stale.json().detail).toMatch(
      /^No fresh exchange rate for BTC_USD: coingecko\(BTC_USD\) stale: fetched \d+ s ago, older than the maximum of 1 s \(last fetch failed: HTTP 500/,
    );
    expect(stale.json().detail).not.toContain(BTC_USD_MEDIAN);
    await expect(app.till.services.rates.priceIn("btc", "USD")).rejects.toMatchObject({ status: 422 });
    // The providers recover: fresh rates again.
    server.reset();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await app.call("GET", "/cryptos/rate")).json()).toBe(BTC_USD_MEDIAN);
  });
});

describe("fixed rates (TILL_FIXED_RATES)", () => {
  let app: TestApp;
  let merchant: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    app = await startApp({ TILL_FIXED_RATES: "BTC_USD=50000,BTC_EUR=45000" });
    merchant = await registerUser(app);
  });

  it("are the default source, and nothing is fetched", async () => {
    expect((await app.call("GET", "/cryptos/rate")).json()).toBe("50000");
    expect((await app.call("GET", "/cryptos/rate?fiat_currency=eur")).json()).toBe("45000");
    expect(server.requests).toHaveLength(0);
  });

  it("price nothing they do not have: LTC has no rate, not 1:1", async () => {
    const response = await app.call("GET", "/cryptos/rate?currency=ltc");
    expect(response.statusCode).toBe(422);
    expect(response.json().detail).toBe(
      "No fresh exchange rate for LTC_USD: fixed(LTC_USD) not configured in TILL_FIXED_RATES",
    );
    const wallet = await app.call("POST", "/wallets", {
      token: merchant.token,
      body: { name: "LTC", currency: "ltc", xpub: ABANDON },
    });
    await app.till.services.walletSync.idle();
    await app.till.db.kysely
      .updateTable("wallets")
      .set({ balance_confirmed: "100000000" })
      .where("id", "=", wallet.json().id)
      .execute();
    const balance = await app.call("GET", "/wallets/balance", { token: merchant.token });
    expect(balance.statusCode).toBe(422);
    expect(balance.json().detail).toMatch(/^No fresh exchange rate for LTC_USD/);
  });

  it("rules may still call other providers explicitly", async () => {
    const storeId = await createStore(app, merchant.token);
    const response = await app.call("PATCH", `/stores/${storeId}/rate_rules`, {
      token: merchant.token,
      body: { rate_rules: "BTC_USD = kraken(BTC_USD)" },
    });
    expect(response.json()).toBe("BTC_USD: 67190.1 resolved by kraken(BTC_USD) = 67190.1");
    expect(server.requestsTo("kraken")).toHaveLength(1);
    expect((await app.till.services.rates.priceIn("btc", "EUR", storeId)).trace.text).toBe("fixed(BTC_EUR) = 45000");
  });
});

describe("background refresh", () => {
  it("keeps the pairs stores use fresh without any request, and stops with the app", async () => {
    const app = await startApp({ TILL_RATES_REFRESH_SECONDS: "1", TILL_RATES_MAX_AGE_SECONDS: "5" });
    const merchant = await registerUser(app);
    await createStore(app, merchant.token, { default_currency: "EUR" });
    app.till.services.rates.start();
    const deadline = Date.now() + 5000;
    while (server.requestsTo("coingecko").length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const asked = server.requestsTo("coingecko");
    expect(asked.length).toBeGreaterThanOrEqual(2);
    expect(asked[0]!.query.get("ids")!.split(",").sort()).toEqual(["bitcoin", "litecoin"]);
    expect(asked[0]!.query.get("vs_currencies")).toBe("eur");
    expect(server.requestsTo("kraken").length).toBeGreaterThanOrEqual(1);
    // Read from the cache the refresher filled: no fetch on the request path.
    const before = server.requests.length;
    expect((await app.call("GET", "/cryptos/rate?fiat_currency=EUR")).json()).toBe("61900");
    expect(server.requests.length).toBe(before);
    await app.till.services.rates.stop();
    const after = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(server.requests.length).toBe(after);
  });
});
