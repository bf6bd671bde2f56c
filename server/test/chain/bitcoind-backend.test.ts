/** The bitcoind chain backend against a real litecoind regtest node: payments, confirmations, reorgs, replacements, restarts. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BitcoindBackend, type BitcoindBackendOptions } from "../../src/chains/bitcoin/bitcoind/bitcoind-backend.ts";
import { BitcoindRpcError } from "../../src/chains/bitcoin/bitcoind/rpc-client.ts";
import { decodeTransaction } from "../../src/chains/bitcoin/bitcoind/tx-decoder.ts";
import type { ChainEvent } from "../../src/chains/ports.ts";
import {
  type AddressInfo,
  EventLog,
  type LitecoindNode,
  MemoryStateStore,
  startLitecoind,
  waitFor,
} from "./litecoind.ts";

let node: LitecoindNode;
const running: BitcoindBackend[] = [];

beforeAll(async () => {
  node = await startLitecoind();
});

afterEach(async () => {
  for (const backend of running.splice(0)) await backend.stop();
  // Leave an empty mempool to the next scenario.
  await node.mine(1);
});

afterAll(async () => {
  await node?.stop();
});

function backendFor(scripts: string[], options: Partial<BitcoindBackendOptions> = {}) {
  const backend = new BitcoindBackend({ rpcUrl: node.url, pollIntervalMs: 100, ...options });
  const log = new EventLog();
  backend.onEvent(log.listener);
  backend.watch(scripts);
  running.push(backend);
  return { backend, log };
}

async function started(scripts: string[], options: Partial<BitcoindBackendOptions> = {}) {
  const made = backendFor(scripts, options);
  await made.backend.start();
  return made;
}

async function voutOf(txid: string, script: string): Promise<number> {
  const tx = decodeTransaction(await node.call<string>("getrawtransaction", txid));
  const vout = tx.outputs.findIndex((o) => o.script === script);
  expect(vout).toBeGreaterThanOrEqual(0);
  return vout;
}

const formatCoins = (units: bigint) => `${units / 100_000_000n}.${(units % 100_000_000n).toString().padStart(8, "0")}`;

const ofType =
  <T extends ChainEvent["type"]>(type: T, txid: string) =>
  (e: ChainEvent): e is Extract<ChainEvent, { type: T }> =>
    e.type === type && ("output" in e ? e.output.txid === txid : "txid" in e && e.txid === txid);

describe("bitcoind backend", () => {
  let bech32: AddressInfo;
  let legacy: AddressInfo;

  beforeAll(async () => {
    bech32 = await node.newAddress("bech32");
    legacy = await node.newAddress("legacy");
  });

  it("reports payments to watched bech32 and legacy addresses: seen with the exact amount, then confirmed 1 and 2", async () => {
    const store = new MemoryStateStore();
    const { backend, log } = backendFor([bech32.script, legacy.script], { stateStore: store, maxConfirmations: 2 });
    // Listeners that throw or reject do not stop the others nor the loop.
    backend.onEvent(() => {
      throw new Error("listener failure");
    });
    backend.onEvent(async () => Promise.reject(new Error("async listener failure")));
    await backend.start();

    const toBech32 = await node.send(bech32.address, "0.12345678");
    const toLegacy = await node.send(legacy.address, "1.00000001");
    const seenBech32 = await log.waitSeen(toBech32);
    const seenLegacy = await log.waitSeen(toLegacy);
    expect(seenBech32.output).toEqual({
      txid: toBech32,
      vout: await voutOf(toBech32, bech32.script),
      script: bech32.script,
      amount: 12_345_678n,
      height: null,
      blockHash: null,
      rbf: false,
    });
    expect(seenLegacy.output).toMatchObject({
      txid: toLegacy,
      script: legacy.script,
      amount: 100_000_001n,
      height: null,
    });

    const [first] = await node.mine(1);
    const firstHeight = await node.height();
    const confirmed = await log.waitConfirmed(toBech32, 1);
    expect(confirmed.output).toMatchObject({
      txid: toBech32,
      amount: 12_345_678n,
      height: firstHeight,
      blockHash: first,
    });
    await log.waitConfirmed(toLegacy, 1);
    await log.waitTip(firstHeight, first);

    await node.mine(1);
    expect((await log.waitConfirmed(toBech32, 2)).output.height).toBe(firstHeight);
    await log.waitConfirmed(toLegacy, 2);

    // Each output is seen once; after maxConfirmations (2) it is no longer tracked.
    expect(log.events.filter(ofType("seen", toBech32))).toHaveLength(1);
    const [third] = await node.mine(1);
    await log.waitTip(firstHeight + 2, third);
    expect(log.events.filter((e) => e.type === "confirmed" && e.confirmations > 2)).toEqual([]);
    await backend.stop();
    expect(store.state?.tracked).toEqual([]);
    expect(store.state?.hash).toBe(third);
  });

  it("emits nothing for payments to scripts it does not watch, nor after unwatch", async () => {
    const watched = await node.newAddress("bech32");
    const other = await node.newAddress("bech32");
    const { backend, log } = await started([watched.script]);

    const toOther = await node.send(other.address, "0.3");
    const toWatched = await node.send(watched.address, "0.4");
    await log.waitSeen(toWatched);
    const [block] = await node.mine(1);
    const height = await node.height();
    await log.waitConfirmed(toWatched, 1);
    await log.waitTip(height, block);
    expect(log.forTxid(toOther)).toEqual([]);

    backend.unwatch([watched.script]);
    const again = await node.send(watched.address, "0.5");
    const [next] = await node.mine(1);
    await log.waitTip(height + 1, next);
    expect(log.forTxid(again)).toEqual([]);
    // The earlier payment stopped being followed with its script.
    expect(log.events.filter(ofType("confirmed", toWatched)).map((e) => e.confirmations)).toEqual([1]);
  });

  it("reports a reorg: orphaned when the block is invalidated, confirmed again when it is reconsidered", async () => {
    const to = await node.newAddress("bech32");
    const { backend, log } = await started([to.script]);
    const [, known] = await node.mine(2); // some processed blocks below the fork point
    await log.waitTip(await node.height(), known);
    const txid = await node.send(to.address, "0.7");
    const vout = await voutOf(txid, to.script);
    await log.waitSeen(txid);
    const [block] = await node.mine(1);
    const height = await node.height();
    await log.waitConfirmed(txid, 1);
    await node.mine(1);
    await log.waitConfirmed(txid, 2);

    const mark = log.events.length;
    await node.call("invalidateblock", block);
    const orphaned = await log.waitFor(ofType("orphaned", txid), "orphaned");
    expect(orphaned).toEqual({ type: "orphaned", txid, vout, script: to.script, height });
    const forkTip = await log.waitFor(
      (e) => e.type === "tip" && e.height === height - 1 && log.events.indexOf(e) >= mark,
      "tip back at the fork point",
    );
    expect(forkTip).toEqual({ type: "tip", height: height - 1, hash: known });
    expect(backend.syncInfo()).toMatchObject({ height: height - 1, synchronized: true });

    const back = log.events.length;
    await node.call("reconsiderblock", block);
    const again = await log.waitConfirmed(txid, 1, back);
    expect(again.output).toMatchObject({ height, blockHash: block, amount: 70_000_000n });
    await log.waitConfirmed(txid, 2, back);
    expect(log.events.filter(ofType("replaced", txid))).toEqual([]);
    expect(log.events.filter(ofType("orphaned", txid))).toHaveLength(1);
  });

  it("reports a reorg to a longer branch: orphaned, then confirmed in the new branch's block", async () => {
    const to = await node.newAddress("bech32");
    const elsewhere = await node.newAddress("bech32");
    const { log } = await started([to.script]);
    const txid = await node.send(to.address, "0.8");
    await log.waitSeen(txid);
    const [block] = await node.mine(1);
    const height = await node.height();
    await log.waitConfirmed(txid, 1);

    await node.call("invalidateblock", block);
    await log.waitFor(ofType("orphaned", txid), "orphaned");
    const back = log.events.length;
    // The new branch (mined to another address, so its blocks differ) picks the transaction up from the mempool.
    const [replacement] = await node.mine(2, elsewhere.address);
    expect(replacement).not.toBe(block);
    const again = await log.waitConfirmed(txid, 1, back);
    expect(again.output).toMatchObject({ height, blockHash: replacement });
    await log.waitConfirmed(txid, 2, back);
  });

  it("reports a reorg deeper than the recent block hashes it keeps", async () => {
    const to = await node.newAddress("bech32");
    const elsewhere = await node.newAddress("bech32");
    const { backend, log } = await started([to.script], { recentBlocks: 2 });
    const txid = await node.send(to.address, "0.9");
    await log.waitSeen(txid);
    const [block] = await node.mine(1);
    const height = await node.height();
    await node.mine(3);
    await log.waitConfirmed(txid, 4);

    const mark = log.events.length;
    await node.call("invalidateblock", block);
    const [replacement] = await node.mine(5, elsewhere.address);
    const orphaned = await log.waitFor(ofType("orphaned", txid), "orphaned");
    expect(orphaned).toMatchObject({ height });
    const again = await log.waitConfirmed(txid, 1, mark);
    expect(again.output).toMatchObject({ height, blockHash: replacement });
    await log.waitConfirmed(txid, 5, mark);
    expect(log.events.indexOf(orphaned)).toBeLessThan(log.events.indexOf(again));
    await waitFor(() => backend.syncInfo().synchronized && backend.syncInfo().height === height + 4, "synchronized");
  });

  it("reports a payment replaced by a conflicting transaction mined instead of it", async () => {
    await node.mine(1); // the wallet's coins are confirmed: the conflict can be mined on its own
    const to = await node.newAddress("bech32");
    const thief = await node.newAddress("bech32");
    const { log } = await started([to.script]);
    const txid = await node.send(to.address, "1.5");
    const vout = await voutOf(txid, to.script);
    await log.waitSeen(txid);

    // A transaction spending the payment's first input to another address.
    const spent = decodeTransaction(await node.call<string>("getrawtransaction", txid)).inputs[0]!;
    const parent = decodeTransaction(await node.call<string>("getrawtransaction", spent.prevTxid));
    const value = parent.outputs[spent.prevVout]!.value - 100_000n;
    const unsigned = await node.call<string>("createrawtransaction", [{ txid: spent.prevTxid, vout: spent.prevVout }], {
      [thief.address]: formatCoins(value),
    });
    const conflict = await node.walletCall<{ hex: string; complete: boolean }>(
      "signrawtransactionwithwallet",
      unsigned,
    );
    expect(conflict.complete).toBe(true);
    const conflictTxid = decodeTransaction(conflict.hex).txid;

    const [block] = await node.mine(1);
    await log.waitConfirmed(txid, 1);
    await node.call("invalidateblock", block);
    await log.waitFor(ofType("orphaned", txid), "orphaned");
    const mined = await node.call<{ hash: string }>("generateblock", thief.address, [conflict.hex]);
    const replaced = await log.waitFor(ofType("replaced", txid), "replaced");
    expect(replaced).toEqual({ type: "replaced", txid, vout, script: to.script, byTxid: conflictTxid });

    const [next] = await node.mine(1);
    await log.waitTip(await node.height(), next);
    const afterReplaced = log.events.slice(log.events.indexOf(replaced));
    expect(afterReplaced.filter(ofType("confirmed", txid))).toEqual([]);
    expect(mined.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("reports an RBF fee bump: replaced for the old transaction, seen for the new one", async () => {
    const to = await node.newAddress("bech32");
    const { log } = await started([to.script]);
    const original = await node.send(to.address, "0.25", { replaceable: true });
    const seen = await log.waitSeen(original);
    expect(seen.output.rbf).toBe(true);

    const bumped = await node.walletCall<{ txid: string }>("bumpfee", original);
    const replaced = await log.waitFor(ofType("replaced", original), "replaced");
    expect(replaced).toMatchObject({ vout: seen.output.vout, script: to.script, byTxid: bumped.txid });
    const seenNew = await log.waitSeen(bumped.txid);
    expect(seenNew.output).toMatchObject({ script: to.script, amount: 25_000_000n, height: null, rbf: true });
    expect(log.events.indexOf(seenNew)).toBeGreaterThan(log.events.indexOf(replaced));

    await node.mine(1);
    await log.waitConfirmed(bumped.txid, 1);
    expect(log.events.filter(ofType("confirmed", original))).toEqual([]);
  });

  it("works the same from plain mempool snapshots, as with nodes without mempool_sequence", async () => {
    const to = await node.newAddress("bech32");
    const { log } = await started([to.script], { mempoolSequence: false });
    const original = await node.send(to.address, "0.35", { replaceable: true });
    await log.waitSeen(original);
    const bumped = await node.walletCall<{ txid: string }>("bumpfee", original);
    expect(await log.waitFor(ofType("replaced", original), "replaced")).toMatchObject({ byTxid: bumped.txid });
    expect((await log.waitSeen(bumped.txid)).output.amount).toBe(35_000_000n);
    await node.mine(1);
    await log.waitConfirmed(bumped.txid, 1);
  });

  it("replaces the tracked descendants of a replaced payment too", async () => {
    await node.mine(1);
    const [first, second, elsewhere] = [
      await node.newAddress("bech32"),
      await node.newAddress("bech32"),
      await node.newAddress("bech32"),
    ];
    const { log } = await started([first.script, second.script]);
    const parentTxid = await node.send(first.address, "2", { replaceable: true });
    const parentVout = await voutOf(parentTxid, first.script);
    await log.waitSeen(parentTxid);

    // A child spending the payment to another watched address.
    const childRaw = await node.call<string>(
      "createrawtransaction",
      [{ txid: parentTxid, vout: parentVout, sequence: 0xfffffffd }],
      {
        [second.address]: "1.999",
      },
    );
    const child = await node.walletCall<{ hex: string }>("signrawtransactionwithwallet", childRaw);
    const childTxid = await node.call<string>("sendrawtransaction", child.hex);
    await log.waitSeen(childTxid);

    // A replacement of the parent paying a higher fee (0.005) elsewhere: the child leaves the mempool with it.
    const parent = decodeTransaction(await node.call<string>("getrawtransaction", parentTxid));
    const input = parent.inputs[0]!;
    const grandparent = decodeTransaction(await node.call<string>("getrawtransaction", input.prevTxid));
    const replacementRaw = await node.call<string>(
      "createrawtransaction",
      [{ txid: input.prevTxid, vout: input.prevVout }],
      {
        [elsewhere.address]: formatCoins(grandparent.outputs[input.prevVout]!.value - 500_000n),
      },
    );
    const replacement = await node.walletCall<{ hex: string }>("signrawtransactionwithwallet", replacementRaw);
    const replacementTxid = await node.call<string>("sendrawtransaction", replacement.hex);

    expect(await log.waitFor(ofType("replaced", parentTxid), "parent replaced")).toMatchObject({
      byTxid: replacementTxid,
      vout: parentVout,
    });
    expect(await log.waitFor(ofType("replaced", childTxid), "child replaced")).toMatchObject({
      byTxid: null,
      script: second.script,
    });
  });

  it("finds, after a restart over the same state store, what happened while it was stopped", async () => {
    const store = new MemoryStateStore();
    const [early, downtime, pending] = [
      await node.newAddress("bech32"),
      await node.newAddress("legacy"),
      await node.newAddress("bech32"),
    ];
    const scripts = [early.script, downtime.script, pending.script];
    const first = backendFor(scripts, { stateStore: store });
    await first.backend.start();
    const earlyTx = await node.send(early.address, "0.11");
    await first.log.waitSeen(earlyTx);
    await first.backend.stop();
    expect(store.state?.tracked.map((t) => t.txid)).toContain(earlyTx);

    await node.mine(1);
    const downtimeTx = await node.send(downtime.address, "0.22");
    await node.mine(2);
    const height = await node.height();
    const pendingTx = await node.send(pending.address, "0.33");

    const second = backendFor(scripts, { stateStore: store });
    await second.backend.start();
    // start() resolves once the catch-up and a first mempool pass are done.
    const events = second.log.events;
    expect(events.filter(ofType("confirmed", earlyTx)).map((e) => e.confirmations)).toEqual([1, 2, 3]);
    expect(events.filter(ofType("seen", earlyTx))).toEqual([]);
    const seenDowntime = events.find(ofType("seen", downtimeTx));
    expect(seenDowntime?.output).toMatchObject({ amount: 22_000_000n, height: height - 1, script: downtime.script });
    expect(events.filter(ofType("confirmed", downtimeTx)).map((e) => e.confirmations)).toEqual([1, 2]);
    const seenPending = events.find(ofType("seen", pendingTx));
    expect(seenPending?.output).toMatchObject({ amount: 33_000_000n, height: null });
    // Blocks first, then the mempool.
    expect(events.indexOf(seenPending!)).toBeGreaterThan(events.findLastIndex((e) => e.type === "tip"));
    expect(events.filter((e) => e.type === "tip").map((e) => (e as { height: number }).height)).toEqual([
      height - 2,
      height - 1,
      height,
    ]);
    expect(second.backend.syncInfo()).toMatchObject({ height, synchronized: true });
  });

  it("catches up across a reorg that happened while it was stopped", async () => {
    const store = new MemoryStateStore();
    const to = await node.newAddress("bech32");
    const elsewhere = await node.newAddress("bech32");
    const first = await started([to.script], { stateStore: store });
    const txid = await node.send(to.address, "0.44");
    await first.log.waitSeen(txid);
    const [block] = await node.mine(1);
    const height = await node.height();
    await first.log.waitConfirmed(txid, 1);
    await first.backend.stop();

    await node.call("invalidateblock", block);
    const [replacement] = await node.mine(2, elsewhere.address);

    const second = backendFor([to.script], { stateStore: store });
    await second.backend.start();
    const events = second.log.events;
    const orphaned = events.find(ofType("orphaned", txid));
    expect(orphaned).toMatchObject({ height });
    const confirmations = events.filter(ofType("confirmed", txid));
    expect(confirmations.map((e) => [e.confirmations, e.output.blockHash])).toEqual([
      [1, replacement],
      [2, replacement],
    ]);
    expect(events.indexOf(orphaned!)).toBeLessThan(events.indexOf(confirmations[0]!));
  });

  it("scans from startHeight when it has no stored state, and finds mempool payments made before it started", async () => {
    const to = await node.newAddress("p2sh-segwit");
    const minedTx = await node.send(to.address, "0.61");
    const [block] = await node.mine(1);
    const height = await node.height();
    await node.mine(1);
    const pendingTx = await node.send(to.address, "0.39");

    const { backend, log } = await started([to.script], { startHeight: height });
    expect(log.events.find(ofType("seen", minedTx))?.output).toMatchObject({
      height,
      blockHash: block,
      amount: 61_000_000n,
    });
    expect(log.events.filter(ofType("confirmed", minedTx)).map((e) => e.confirmations)).toEqual([1, 2]);
    expect(log.events.find(ofType("seen", pendingTx))?.output).toMatchObject({ height: null, amount: 39_000_000n });

    // history(): the node's UTXO set (confirmed, unspent) plus the tracked unconfirmed output.
    const history = await backend.history(to.script.toUpperCase());
    expect(history.map((h) => [h.txid, h.height])).toEqual([
      [minedTx, height],
      [pendingTx, null],
    ]);
    expect(history[0]?.outputs).toEqual([
      {
        txid: minedTx,
        vout: await voutOf(minedTx, to.script),
        script: to.script,
        amount: 61_000_000n,
        height,
        blockHash: block,
        rbf: false,
      },
    ]);
    expect(history[1]?.outputs[0]?.amount).toBe(39_000_000n);
  });

  it("answers syncInfo, broadcasts transactions and reports the node's rejections", async () => {
    const { backend } = backendFor([]);
    expect(backend.syncInfo()).toEqual({
      backend: "bitcoind",
      server: `127.0.0.1:${node.rpcPort}`,
      connected: false,
      height: null,
      synchronized: false,
    });
    await backend.start();
    const info = backend.syncInfo();
    expect(info).toEqual({
      backend: "bitcoind",
      server: `127.0.0.1:${node.rpcPort}`,
      connected: true,
      height: await node.height(),
      synchronized: true,
    });
    expect(JSON.stringify(info)).not.toContain(node.password);

    const to = await node.newAddress("bech32");
    const funded = await node.walletCall<{ hex: string }>(
      "fundrawtransaction",
      await node.call<string>("createrawtransaction", [], { [to.address]: "0.05" }),
    );
    const signed = await node.walletCall<{ hex: string }>("signrawtransactionwithwallet", funded.hex);
    const txid = await backend.broadcast(signed.hex);
    expect(txid).toBe(decodeTransaction(signed.hex).txid);
    expect(await node.call<string[]>("getrawmempool")).toContain(txid);

    const rejected = await backend.broadcast("00").then(
      () => null,
      (e: unknown) => e,
    );
    expect(rejected).toBeInstanceOf(BitcoindRpcError);
    expect((rejected as BitcoindRpcError).code).toBe(-22);

    await node.mine(1);
    const height = await node.height();
    await waitFor(() => backend.syncInfo().height === height, "the backend at the new tip");
    expect(backend.syncInfo()).toMatchObject({ connected: true, synchronized: true });
  });
});
