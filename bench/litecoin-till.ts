// A built `till serve` process on a throwaway SQLite database, watching a litecoind regtest node through the
// bitcoind backend, with a merchant, an LTC wallet and a store needing one confirmation: what the invoice
// benchmarks start from.
import { type LitecoindNode, litecoinTillEnv } from "../server/test/chain/litecoind.ts";
import { cleanEnv, ensureBuilt, freePort, MAIN, NodeProcess, waitFor } from "../server/test/helpers/processes.ts";
import { createTestDatabase } from "../server/test/helpers/test-db.ts";

export type Api = (method: string, path: string, body?: unknown, token?: string) => Promise<any>;

export interface LitecoinTill {
  base: string;
  port: number;
  server: NodeProcess;
  api: Api;
  token: string;
  store: { id: string };
  stop(): Promise<void>;
}

export async function startLitecoinTill(
  node: LitecoindNode,
  options: { pollMs: number; env?: Record<string, string> },
): Promise<LitecoinTill> {
  await ensureBuilt();
  const database = await createTestDatabase("sqlite");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = new NodeProcess(
    [MAIN, "serve"],
    cleanEnv({
      TILL_DATABASE_URL: database.url,
      TILL_DATA_DIR: database.dataDir,
      TILL_PORT: String(port),
      TILL_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
      ...litecoinTillEnv(node, options.pollMs),
      TILL_FIXED_RATES: "LTC_USD=80",
      ...options.env,
    }),
  );
  const stop = async () => {
    await server.kill("SIGTERM");
    await database.drop();
  };
  try {
    await waitFor(async () => (await fetch(`${base}/health/ready`).catch(() => null))?.ok, {
      timeoutMs: 30_000,
      what: "till serve to be ready",
    });
    const api: Api = async (method, path, body, token) => {
      const response = await fetch(base + path, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const { token } = await api("POST", "/users", { email: "bench@example.com", password: "invoice-benchmarks" });
    const key = (await api("POST", "/wallets/create", { currency: "ltc" }, token)).key;
    const wallet = await api("POST", "/wallets", { name: "w", currency: "ltc", xpub: key }, token);
    // One confirmation needed: the mempool sighting moves an invoice to `paid`, the block to `complete`.
    const store = await api(
      "POST",
      "/stores",
      { name: "s", default_currency: "LTC", wallets: [wallet.id], checkout_settings: { transaction_speed: 1 } },
      token,
    );
    return { base, port, server, api, token, store, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
