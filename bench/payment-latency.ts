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
import { waitFor } from "../server/test/helpers/processes.ts";
import { Receiver } from "../server/test/helpers/receiver.ts";
import { startLitecoinTill } from "./litecoin-till.ts";

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
  const node = await startLitecoind();
  const receiver = await Receiver.start();
  const till = await startLitecoinTill(node, { pollMs, env: { TILL_ALLOW_PRIVATE_WEBHOOKS: "true" } });
  const { api, port, store } = till;
  try {
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
          what: `payment ${i} to reach the websocket (${JSON.stringify(socket.messages)}) and the IPN receiver (${receiver.to("/ipn").length} requests)\n${till.server.describe()}`,
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
    await till.stop();
    await receiver.close();
    await node.stop();
  }
}

await main();
