// Payment broadcast → websocket message and → IPN latency, on a litecoind regtest node through the bitcoind
// backend polling every 200 ms (litecoind has no ZMQ), against a built `till serve` process on SQLite.
//
//   npx tsx bench/payment-latency.ts [--payments 100] [--poll-ms 200]
//
// For each payment: create an invoice, open its websocket and wait for the first (pending) message, then note
// the time, `sendtoaddress` to the invoice address, and note when the `paid` websocket message and the `paid` IPN
// arrive. Prints p50/p90/p99/max of both latencies. Times are wall-clock on one machine (no clock skew).
import { parseArgs } from "node:util";
import { startLitecoind } from "../server/test/chain/litecoind.ts";
import { WsClient } from "../server/test/helpers/live-clients.ts";
import { cleanEnv, ensureBuilt, freePort, MAIN, NodeProcess, waitFor } from "../server/test/helpers/processes.ts";
import { Receiver } from "../server/test/helpers/receiver.ts";
import { createTestDatabase } from "../server/test/helpers/test-db.ts";

const { values } = parseArgs({
  options: { payments: { type: "string", default: "100" }, "poll-ms": { type: "string", default: "200" } },
});
const payments = Number(values.payments);
const pollMs = Number(values["poll-ms"]);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
const summary = (label: string, samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const fmt = (v: number) => `${v.toFixed(0)} ms`;
  return `| ${label} | ${samples.length} | ${fmt(percentile(sorted, 0.5))} | ${fmt(percentile(sorted, 0.9))} | ${fmt(percentile(sorted, 0.99))} | ${fmt(sorted.at(-1)!)} |`;
};

async function main() {
  await ensureBuilt();
  const node = await startLitecoind();
  const receiver = await Receiver.start();
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
      TILL_CRYPTOS: "ltc",
      LTC_NETWORK: "regtest",
      LTC_BACKEND: "bitcoind",
      LTC_BITCOIND_URL: node.url,
      LTC_POLL_INTERVAL_MS: String(pollMs),
      TILL_FIXED_RATES: "LTC_USD=80",
      TILL_ALLOW_PRIVATE_WEBHOOKS: "true",
    }),
  );
  try {
    await waitFor(async () => (await fetch(`${base}/health/ready`).catch(() => null))?.ok, {
      timeoutMs: 30_000,
      what: "till serve to be ready",
    });
    const api = async (method: string, path: string, body: unknown, token?: string) => {
      const response = await fetch(base + path, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const { token } = await api("POST", "/users", { email: "bench@example.com", password: "payment-latency" });
    const key = (await api("POST", "/wallets/create", { currency: "ltc" }, token)).key;
    const wallet = await api("POST", "/wallets", { name: "w", currency: "ltc", xpub: key }, token);
    // One confirmation needed: the mempool sighting moves the invoice to `paid` (at speed 0 it would go straight
    // to `complete`).
    const store = await api(
      "POST",
      "/stores",
      { name: "s", default_currency: "LTC", wallets: [wallet.id], checkout_settings: { transaction_speed: 1 } },
      token,
    );

    const ipnAt = new Map<string, number>();
    receiver.on("/ipn", (request) => {
      const body = JSON.parse(request.body) as { id: string; status: string };
      if (body.status === "paid" && !ipnAt.has(body.id)) ipnAt.set(body.id, performance.now());
      return { status: 200 };
    });

    const toWebsocket: number[] = [];
    const toIpn: number[] = [];
    for (let i = 0; i < payments; i++) {
      const invoice = await api("POST", "/invoices", {
        price: "0.01",
        store_id: store.id,
        notification_url: receiver.url("/ipn"),
      });
      const socket = await WsClient.connect(`ws://127.0.0.1:${port}/ws/invoices/${invoice.id}`);
      await socket.waitForMessages(1);
      const sentAt = performance.now();
      await node.send(invoice.payments[0].payment_address, "0.01");
      let paidAt = 0;
      await waitFor(
        () => {
          if (!paidAt && socket.messages.some((m) => (m as { status: string }).status === "paid"))
            paidAt = performance.now();
          return paidAt > 0 && ipnAt.has(invoice.id);
        },
        {
          timeoutMs: 10_000,
          intervalMs: 1,
          what: `payment ${i} to reach the websocket (${JSON.stringify(socket.messages)}) and the IPN receiver (${receiver.to("/ipn").length} requests)\n${server.describe()}`,
        },
      );
      toWebsocket.push(paidAt - sentAt);
      toIpn.push(ipnAt.get(invoice.id)! - sentAt);
      socket.close();
      if (i % 20 === 19) await node.mine(1);
    }
    console.log(
      `payments: ${payments}, bitcoind backend polling every ${pollMs} ms, SQLite, ${new Date().toISOString()}`,
    );
    console.log("| path | samples | p50 | p90 | p99 | max |");
    console.log("|---|---:|---:|---:|---:|---:|");
    console.log(summary("sendtoaddress → websocket `paid`", toWebsocket));
    console.log(summary("sendtoaddress → IPN `paid` received", toIpn));
  } finally {
    await server.kill("SIGTERM");
    await receiver.close();
    await node.stop();
    await database.drop();
  }
}

await main();
