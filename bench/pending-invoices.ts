// 100,000 pending invoices watched at once: the server's memory, and how long a 3,000-transaction block that
// pays 1,000 of them takes to turn those invoices complete. A built `till serve` process on SQLite, the bitcoind
// backend polling a litecoind regtest node.
//
//   npx tsx bench/pending-invoices.ts [--invoices 100000] [--block-txs 3000] [--paid 1000] [--poll-ms 50]
//
// Steps: seed the invoices over HTTP (16 at a time); read the server's RSS; fund 3,000 separate coins in the
// node's wallet; send `--paid` payments to invoice addresses and the rest of the block's transactions to the
// node's own addresses; wait until every paid invoice is `paid` (seen in the mempool); mine one block and time
// until all of them are `complete` (transaction_speed 1). The time includes up to one poll interval of
// detection delay.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Big } from "../server/src/kernel/money.ts";
import { startLitecoind } from "../server/test/chain/litecoind.ts";
import { waitFor } from "../server/test/helpers/processes.ts";
import { startLitecoinTill } from "./litecoin-till.ts";

const { values } = parseArgs({
  options: {
    invoices: { type: "string", default: "100000" },
    "block-txs": { type: "string", default: "3000" },
    paid: { type: "string", default: "1000" },
    "poll-ms": { type: "string", default: "50" },
  },
});
const invoiceCount = Number(values.invoices);
const blockTxs = Number(values["block-txs"]);
const paidCount = Number(values.paid);
const pollMs = Number(values["poll-ms"]);

const rssMiB = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)![1]) / 1024;
  return { rss: field("VmRSS").toFixed(1), peak: field("VmHWM").toFixed(1) };
};

async function main() {
  const node = await startLitecoind({ initialBlocks: 200 });
  const till = await startLitecoinTill(node, { pollMs });
  const { api, token, store } = till;
  const pid = till.server.child.pid!;
  try {
    const idle = rssMiB(pid);

    // Seed the pending invoices; keep the addresses of the first `paidCount` to pay them later.
    const toPay: { id: string; address: string }[] = [];
    let created = 0;
    const seedStart = performance.now();
    const worker = async () => {
      while (created < invoiceCount) {
        const n = created++;
        const invoice = await api("POST", "/invoices", { price: "0.001", store_id: store.id, expiration: 10_000 });
        if (n < paidCount) toPay.push({ id: invoice.id, address: invoice.payments[0].payment_address });
        if (n % 10_000 === 9_999) console.error(`  ${n + 1} invoices`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const seedSeconds = (performance.now() - seedStart) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const seeded = rssMiB(pid);

    // 3,000 separate confirmed coins, so each transaction of the block spends its own (built and signed one by
    // one: the wallet's own coin selection over thousands of coins is far slower than Till).
    const funding: Record<string, string> = {};
    for (let i = 0; i < blockTxs; i++) funding[await node.walletCall<string>("getnewaddress", "", "bech32")] = "0.01";
    const fundingTxid = await node.walletCall<string>("sendmany", "", funding);
    await node.mine(1);
    const fundingTx = await node.call<{ vout: { n: number; value: string | number }[] }>(
      "getrawtransaction",
      fundingTxid,
      true,
    );
    const coins = fundingTx.vout.filter((o) => new Big(String(o.value)).eq("0.01")).map((o) => Number(o.n));
    const change = await node.walletCall<string>("getnewaddress", "", "bech32");
    const spend = async (vout: number, outputs: Record<string, string>) => {
      const raw = await node.call<string>("createrawtransaction", [{ txid: fundingTxid, vout }], outputs);
      const signed = await node.walletCall<{ hex: string }>("signrawtransactionwithwallet", raw);
      await node.call("sendrawtransaction", signed.hex);
    };
    const sendStart = performance.now();
    for (const [i, target] of toPay.entries())
      await spend(coins[i]!, { [target.address]: "0.001", [change]: "0.0089" });
    for (let i = toPay.length; i < blockTxs; i++) await spend(coins[i]!, { [change]: "0.0099" });
    const sendSeconds = (performance.now() - sendStart) / 1000;
    const countWith = async (status: string) =>
      (await api("GET", `/invoices?query=status:${status}&limit=1`, undefined, token)).count as number;
    await waitFor(async () => (await countWith("paid")) >= paidCount, {
      timeoutMs: 300_000,
      intervalMs: 200,
      what: `${paidCount} invoices paid from the mempool`,
    });

    const mempool = await node.call<string[]>("getrawmempool");
    const minedAt = performance.now();
    const [hash] = await node.mine(1);
    await waitFor(async () => (await countWith("complete")) >= paidCount, {
      timeoutMs: 300_000,
      intervalMs: 10,
      what: `${paidCount} invoices complete after the block`,
    });
    const blockMs = performance.now() - minedAt;
    const block = await node.call<{ tx: string[]; size: number }>("getblock", hash, 1);
    const after = rssMiB(pid);

    console.log(`date: ${new Date().toISOString()}; SQLite; bitcoind backend polling every ${pollMs} ms`);
    console.log(`pending invoices: ${invoiceCount} (seeded in ${seedSeconds.toFixed(0)} s over HTTP, 16 at a time)`);
    console.log(
      `RSS: idle ${idle.rss} MiB; with the invoices ${seeded.rss} MiB; after the block ${after.rss} MiB (peak ${after.peak} MiB)`,
    );
    console.log(
      `block: ${block.tx.length} transactions (${mempool.length} from the mempool), ${new Big(block.size).div(1024).toFixed(0)} KiB; ` +
        `${paidCount} of them pay invoices (sent in ${sendSeconds.toFixed(0)} s)`,
    );
    console.log(`block mined → all ${paidCount} invoices complete: ${blockMs.toFixed(0)} ms`);
  } finally {
    await till.stop();
    await node.stop();
  }
}

await main();
