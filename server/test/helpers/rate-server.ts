import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

/** Recorded provider answers (shapes from each provider's public API documentation). */
export const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "rates");

export const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");

export const PROVIDERS = ["coingecko", "kraken", "binance", "coinbase", "bitfinex", "fiat"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** How a provider behaves: its recorded answer, an HTTP error, an answer body of our choosing, or no answer at all. */
export type Behaviour = "fixture" | "hang" | { status: number; body?: string };

export interface RecordedRequest {
  provider: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

/** The recorded answer a provider gives to a request, by provider and request. */
function recorded(provider: ProviderName, url: URL): { status: number; body: string } {
  switch (provider) {
    case "coingecko":
      return { status: 200, body: fixture("coingecko-simple-price.json") };
    case "kraken":
      return { status: 200, body: fixture("kraken-ticker.json") };
    case "binance":
      return { status: 200, body: fixture("binance-ticker-price.json") };
    case "bitfinex":
      return { status: 200, body: fixture("bitfinex-tickers.json") };
    case "coinbase": {
      const currency = url.searchParams.get("currency")?.toLowerCase();
      if (currency === "btc" || currency === "ltc") {
        return { status: 200, body: fixture(`coinbase-exchange-rates-${currency}.json`) };
      }
      return { status: 400, body: '{"errors":[{"id":"invalid_request","message":"Invalid currency"}]}' };
    }
    case "fiat":
      return url.pathname.endsWith("/v6/latest/USD")
        ? { status: 200, body: fixture("fiat-latest-usd.json") }
        : { status: 404, body: fixture("fiat-unsupported-code.json") };
  }
}

/**
 * A local stand-in for every rate provider on 127.0.0.1, serving the recorded answers. Each provider lives under
 * its own path prefix (`/kraken/0/public/Ticker`), so one server plays all of them; tests switch a provider to
 * an outage (`500`) or to silence (`hang`).
 */
export class RateServer {
  readonly requests: RecordedRequest[] = [];
  private readonly behaviour = new Map<string, Behaviour>();
  private readonly server: Server;
  private port = 0;

  private constructor() {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const provider = url.pathname.split("/")[1] ?? "";
      this.requests.push({ provider, path: url.pathname, query: url.searchParams, headers: request.headers });
      const behaviour = this.behaviour.get(provider) ?? "fixture";
      if (behaviour === "hang") return; // never answered; the client's timeout has to end it
      const answer =
        behaviour === "fixture"
          ? (PROVIDERS as readonly string[]).includes(provider)
            ? recorded(provider as ProviderName, url)
            : { status: 404, body: "{}" }
          : { status: behaviour.status, body: behaviour.body ?? '{"error":"unavailable"}' };
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(answer.body);
    });
  }

  static async start(): Promise<RateServer> {
    const instance = new RateServer();
    await new Promise<void>((resolve) => instance.server.listen(0, "127.0.0.1", resolve));
    instance.port = (instance.server.address() as AddressInfo).port;
    return instance;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Base URL of one provider, as its `TILL_RATES_<NAME>_URL` takes it. */
  baseUrl(provider: ProviderName): string {
    return provider === "coingecko" ? `${this.url}/coingecko/api/v3` : `${this.url}/${provider}`;
  }

  /** Every provider pointed here, so nothing reaches the internet. */
  env(): Record<string, string> {
    return Object.fromEntries(PROVIDERS.map((p) => [`TILL_RATES_${p.toUpperCase()}_URL`, this.baseUrl(p)]));
  }

  set(provider: ProviderName, behaviour: Behaviour): void {
    this.behaviour.set(provider, behaviour);
  }

  /** Every provider back to its recorded answer; the request log emptied. */
  reset(): void {
    this.behaviour.clear();
    this.requests.length = 0;
  }

  requestsTo(provider: ProviderName): RecordedRequest[] {
    return this.requests.filter((r) => r.provider === provider);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
