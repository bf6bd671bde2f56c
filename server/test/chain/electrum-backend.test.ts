/**
 * The electrum backend over real TCP against test Electrum servers that answer from a real litecoind regtest node:
 * payments seen and confirmed (merkle-proven against validated scrypt headers), reorganisations, replacements,
 * lying servers (bad merkle proofs, bad headers) with failover, dropped connections with catch-up, fees and
 * broadcast.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decimalToBaseUnits } from "../../src/chains/bitcoin/bitcoind/exact-json.ts";
import { decodeTransaction } from "../../src/chains/bitcoin/bitcoind/tx-decoder.ts";
import { chainParams } from "../../src/chains/bitcoin/electrum/chain-params.ts";
import {
  type BackendLogger,
  ElectrumBackend,
  type ElectrumBackendOptions,
} from "../../src/chains/bitcoin/electrum/electrum-backend.ts";
import { ElectrumRpcError } from "../../src/chains/bitcoin/electrum/electrum-client.ts";
import type { ChainEvent } from "../../src/chains/ports.ts";
import { ElectrumTestServer, type Misbehaviour, NodeIndex } from "./electrum-test-server.ts";
import { EventLog, type LitecoindNode, MemoryStateStore, startLitecoind, waitFor } from "./litecoind.ts";

let node: LitecoindNode;
let index: NodeIndex;
const params = chainParams("LTC", "regtest");
let backends: ElectrumBackend[] = [];
let servers: ElectrumTestServer[] = [];

beforeAll(async () => {
  node = await startLitecoind();
  index = new NodeIndex(node);
  await index.start();
});

afterEach(async () => {
  for (const b of backends) await b.stop();
  for (const s of servers) await s.stop();
  backends = [];
  servers = [];
});

afterAll(async () => {
  await index?.stop();
  await node?.stop();
});

async function server(misbehave?: Misbehaviour): Promise<ElectrumTestServer> {
  const s = await ElectrumTestServer.start(index, { misbehave });
  servers.push(s);
  return s;
}

/** Events with the server the backend was using when each was emitted. */
class ServerEventLog extends EventLog {
  readonly servers: string[] = [];
  constructor(backend: ElectrumBackend) {
    super();
    backend.onEvent((event) => {
      this.events.push(event);
      this.servers.push(backend.syncInfo().server);
    });
  }
  serverOf(event: ChainEvent): string {
    return this.servers[this.events.indexOf(event)]!;
  }
}

/** Warnings the backend logged, as "message: error". */
function captureWarnings(): { warnings: string[]; logger: BackendLogger } {
  const warnings: string[] = [];
  const ignore = () => undefined;
  const logger = {
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (obj: unknown, msg?: string) => {
      warnings.push(`${msg ?? ""}: ${(obj as { err?: string })?.err ?? ""}`);
    },
  } as unknown as BackendLogger;
  return { warnings, logger };
}

function backend(
  urls: string[],
  options: Partial<ElectrumBackendOptions> = {},
): { backend: ElectrumBackend; log: ServerEventLog; warnings: string[] } {
  const { warnings, logger } = captureWarnings();
  const b = new ElectrumBackend({
    servers: urls,
    chain: params,
    minBackoffMs: 50,
    maxBackoffMs: 500,
    requestTimeoutMs: 10_000,
    logger,
    ...options,
  });
  backends.push(b);
  return { backend: b, log: new ServerEventLog(b), warnings };
}

const isType =
  <T extends ChainEvent["type"]>(type: T, txid: string) =>
  (e: ChainEvent): e is Extract<ChainEvent, { type: T }> =>
    e.type === type && ("output" in e ? e.output.txid === txid : "txid" in e && e.txid === txid);

describe("electrum backend", () => {
  it("sees a payment with its exact amount, then confirms it once the merkle proof checks out", async () => {
    const honest = await server();
    const { backend: b, log } = backend([honest.url]);
    const address = await node.newAddress("bech32");
    const legacy = await node.newAddress("legacy");
    b.watch([address.script, legacy.script]);
    await b.start();
    const height = await node.height();
    expect(b.syncInfo()).toMatchObject({
      backend: "electrum",
      server: honest.url,
      connected: true,
      height,
      synchronized: true,
    });
    expect(b.chain.tip?.hash).toBe(await node.call("getbestblockhash"));
    // A fresh chain has no fee data: the server answers -1.
    expect(await b.estimateFee(2)).toEqual({ targetBlocks: 2, satPerVbyte: null });
    expect(honest.count("blockchain.estimatefee")).toBe(1);

    const txid = await node.send(address.address, "0.12345678");
    const legacyTxid = await node.send(legacy.address, "1.5");
    const seen = await log.waitSeen(txid);
    expect(seen.output).toMatchObject({
      txid,
      script: address.script,
      amount: 12_345_678n,
      height: null,
      blockHash: null,
    });
    const tx = decodeTransaction(await node.call<string>("getrawtransaction", txid, false));
    expect(seen.output.vout).toBe(tx.outputs.findIndex((o) => o.script === address.script));
    expect((await log.waitSeen(legacyTxid)).output.amount).toBe(150_000_000n);

    const merkleBefore = honest.count("blockchain.transaction.get_merkle");
    const [blockHash] = await node.mine(1);
    const confirmed = await log.waitConfirmed(txid, 1);
    expect(confirmed.output).toMatchObject({ height: height + 1, blockHash, amount: 12_345_678n });
    expect(honest.count("blockchain.transaction.get_merkle")).toBeGreaterThan(merkleBefore);
    await log.waitConfirmed(legacyTxid, 1);
    await log.waitTip(height + 1, blockHash);
    // The confirmation came after the block was validated (tip) and after the seen event.
    expect(log.events.indexOf(seen)).toBeLessThan(log.events.indexOf(confirmed));

    await node.mine(5);
    const six = await log.waitConfirmed(txid, 6);
    expect(six.output.blockHash).toBe(blockHash);
    await node.mine(1);
    await log.waitTip(height + 7);
    expect(
      log
        .forTxid(txid)
        .filter((e) => e.type === "confirmed")
        .map((e) => (e as { confirmations: number }).confirmations),
    ).toEqual([
      ...new Set(
        log
          .forTxid(txid)
          .filter((e) => e.type === "confirmed")
          .map((e) => (e as { confirmations: number }).confirmations),
      ),
    ]);
    expect(Math.max(...log.forTxid(txid).map((e) => (e.type === "confirmed" ? e.confirmations : 0)))).toBe(6);
    expect(log.forTxid(txid).filter((e) => e.type === "seen")).toHaveLength(1);

    const history = await b.history(address.script);
    expect(history).toMatchObject([{ txid, height: height + 1, outputs: [{ ...confirmed.output, rbf: false }] }]);
    // The history also says what each transaction spends, so a wallet balance can leave spent outputs out.
    expect(history[0]!.spends!.length).toBeGreaterThan(0);
    expect(await b.history((await node.newAddress("bech32")).script)).toEqual([]);
  });

  it("reports outputs of a disconnected block as orphaned, then confirms them on the new branch", async () => {
    const { backend: b, log } = backend([(await server()).url]);
    const address = await node.newAddress("bech32");
    b.watch([address.script]);
    await b.start();
    const txid = await node.send(address.address, "0.25");
    await log.waitSeen(txid);
    const [oldBlock] = await node.mine(1);
    const height = await node.height();
    await log.waitConfirmed(txid, 1);

    await node.call("invalidateblock", oldBlock);
    // Mined to another address, so the new blocks differ from the invalidated one.
    const newBlocks = await node.mine(2, (await node.newAddress("bech32")).address);
    const orphaned = await log.waitFor(isType("orphaned", txid), "orphaned");
    expect(orphaned).toMatchObject({ txid, script: address.script, height });
    const reconfirmed = await log.waitFor(
      (e) =>
        e.type === "confirmed" &&
        e.output.txid === txid &&
        e.output.blockHash === newBlocks[0] &&
        log.events.indexOf(e) > log.events.indexOf(orphaned),
      "confirmation on the new branch",
    );
    expect(reconfirmed).toMatchObject({ output: { height, blockHash: newBlocks[0] } });
    await log.waitTip(height + 1, newBlocks[1]);
    expect(b.chain.tip?.hash).toBe(newBlocks[1]);
    expect(b.syncInfo().synchronized).toBe(true);
  });

  it("reports a fee-bumped payment and a double-spend to another address as replaced", async () => {
    const { backend: b, log } = backend([(await server()).url]);
    const address = await node.newAddress("bech32");
    b.watch([address.script]);
    await b.start();

    // RBF bump: the replacement pays the same script.
    const original = await node.send(address.address, "0.3", { replaceable: true });
    expect((await log.waitSeen(original)).output.rbf).toBe(true);
    const { txid: bumped } = await node.walletCall<{ txid: string }>("bumpfee", original);
    const replaced = await log.waitFor(isType("replaced", original), "replaced by the bump");
    expect(replaced).toMatchObject({ script: address.script, byTxid: bumped });
    expect((await log.waitSeen(bumped)).output.amount).toBe(30_000_000n);

    // Double-spend of a watched payment's inputs to an address nobody watches: the conflicting transaction is not in
    // any watched history; the backend finds it through the history of the script the payment's inputs spent.
    const payment = await node.send(address.address, "0.1", { replaceable: true });
    await log.waitSeen(payment);
    const paymentTx = decodeTransaction(await node.call<string>("getrawtransaction", payment, false));
    let inputTotal = 0n;
    for (const input of paymentTx.inputs) {
      const parent = decodeTransaction(await node.call<string>("getrawtransaction", input.prevTxid, false));
      inputTotal += parent.outputs[input.prevVout]!.value;
    }
    const sink = await node.newAddress("bech32");
    const amount = inputTotal - 1_000_000n;
    const raw = await node.walletCall<string>(
      "createrawtransaction",
      paymentTx.inputs.map((i) => ({ txid: i.prevTxid, vout: i.prevVout })),
      { [sink.address]: `${amount / 100_000_000n}.${(amount % 100_000_000n).toString().padStart(8, "0")}` },
    );
    const signed = await node.walletCall<{ hex: string; complete: boolean }>("signrawtransactionwithwallet", raw);
    expect(signed.complete).toBe(true);
    const doubleSpend = await node.call<string>("sendrawtransaction", signed.hex);
    const gone = await log.waitFor(isType("replaced", payment), "replaced by the double-spend");
    expect(gone).toMatchObject({ script: address.script, byTxid: doubleSpend });
    expect(log.forTxid(payment).filter((e) => e.type === "confirmed")).toEqual([]);
    await node.mine(1);
    await log.waitConfirmed(bumped, 1);
    expect(log.forTxid(original).map((e) => e.type)).toEqual(["seen", "replaced"]);
  });

  it("reports a payment the server no longer knows, and its descendant, as replaced; and anew if it comes back", async () => {
    const honest = await server();
    const { backend: b, log } = backend([honest.url]);
    const first = await node.newAddress("bech32");
    const second = await node.newAddress("bech32");
    b.watch([first.script, second.script]);
    await b.start();
    // parent pays `first`; child spends that output and pays `second`.
    const parent = await node.send(first.address, "0.2");
    const parentTx = decodeTransaction(await node.call<string>("getrawtransaction", parent, false));
    const vout = parentTx.outputs.findIndex((o) => o.script === first.script);
    const raw = await node.walletCall<string>("createrawtransaction", [{ txid: parent, vout }], {
      [second.address]: "0.199",
    });
    const signed = await node.walletCall<{ hex: string }>("signrawtransactionwithwallet", raw);
    const child = await node.call<string>("sendrawtransaction", signed.hex);
    await log.waitSeen(parent);
    // Unconfirmed inputs (history height -1): flagged replaceable.
    expect((await log.waitSeen(child)).output).toMatchObject({ amount: 19_900_000n, rbf: true });

    honest.forget(parent);
    expect(await log.waitFor(isType("replaced", parent), "parent replaced")).toMatchObject({
      script: first.script,
      byTxid: null,
    });
    expect(await log.waitFor(isType("replaced", child), "child replaced")).toMatchObject({
      script: second.script,
      byTxid: null,
    });

    // The server knows it again (back in its mempool), then both are mined: reported anew.
    honest.forget(parent, false);
    await log.waitFor(
      (e) => e.type === "seen" && e.output.txid === parent && log.forTxid(parent).length === 3,
      "parent seen again",
    );
    const [blockHash] = await node.mine(1);
    const confirmed = await log.waitConfirmed(parent, 1);
    expect(confirmed.output).toMatchObject({ height: await node.height(), blockHash, amount: 20_000_000n });
    await log.waitConfirmed(child, 1);
    expect(log.forTxid(parent).map((e) => e.type)).toEqual(["seen", "replaced", "seen", "confirmed"]);
    expect(log.forTxid(child).map((e) => e.type)).toEqual(["seen", "replaced", "seen", "confirmed"]);
  });

  it("confirms a payment whose new script status arrives before the header of its block", async () => {
    const slowHeaders = await server({ delayHeaderMs: 300 });
    const { backend: b, log } = backend([slowHeaders.url]);
    const address = await node.newAddress("bech32");
    b.watch([address.script]);
    await b.start();
    const txid = await node.send(address.address, "0.15");
    await log.waitSeen(txid);
    const [blockHash] = await node.mine(1);
    const height = await node.height();
    const confirmed = await log.waitConfirmed(txid, 1);
    expect(confirmed.output).toMatchObject({ height, blockHash });
    // The history claimed the block before its header was announced; the proof was asked for only after that.
    await log.waitTip(height, blockHash);
    const announced = slowHeaders.headerNotifications.find((n) => n.height === height)!;
    const claims = slowHeaders.requests.filter((r) => r.method === "blockchain.scripthash.get_history");
    const proof = slowHeaders.requests.find((r) => r.method === "blockchain.transaction.get_merkle")!;
    expect(claims.at(-1)!.seq).toBeLessThan(announced.seq);
    expect(proof.seq).toBeGreaterThan(announced.seq);
    expect(log.forTxid(txid).map((e) => e.type)).toEqual(["seen", "confirmed"]);
  });

  it("leaves a lagging server for another without banning it", async () => {
    const honest = await server();
    const laggard = await server({ lagBlocks: 5 });
    const { backend: b, log, warnings } = backend([honest.url, laggard.url]);
    await b.start();
    expect(b.syncInfo().server).toBe(honest.url);
    honest.suspend();
    await waitFor(() => laggard.accepted >= 2, "laggard tried twice");
    expect(warnings.some((w) => w.includes("connection lost") && w.includes("behind the validated tip"))).toBe(true);
    expect(warnings.some((w) => w.includes("invalid data"))).toBe(false);
    honest.resume();
    await waitFor(() => b.syncInfo().synchronized && b.syncInfo().server === honest.url, "back on the honest server");
    const [blockHash] = await node.mine(1);
    await log.waitTip(await node.height(), blockHash);
  });

  it("refuses a bad merkle proof and fails over to an honest server, which confirms", async () => {
    const liar = await server({ badMerkle: true });
    const honest = await server();
    const { backend: b, log, warnings } = backend([liar.url, honest.url]);
    const address = await node.newAddress("bech32");
    b.watch([address.script]);
    await b.start();
    expect(b.syncInfo().server).toBe(liar.url);

    const txid = await node.send(address.address, "0.4");
    await log.waitSeen(txid);
    const [blockHash] = await node.mine(1);
    const confirmed = await log.waitConfirmed(txid, 1);
    expect(confirmed.output.blockHash).toBe(blockHash);
    expect(liar.count("blockchain.transaction.get_merkle")).toBeGreaterThan(0);
    expect(warnings.some((w) => w.includes("invalid data") && w.includes("does not lead to the merkle root"))).toBe(
      true,
    );
    // No confirmation came while the liar was the server; the liar is no longer used.
    for (const e of log.events.filter((e) => e.type === "confirmed")) expect(log.serverOf(e)).toBe(honest.url);
    expect(b.syncInfo().server).toBe(honest.url);
    await waitFor(() => liar.openConnections === 0, "liar disconnected");
    const liarConnections = liar.accepted;
    await node.mine(1);
    await log.waitConfirmed(txid, 2);
    expect(liar.accepted).toBe(liarConnections);
  });

  it("refuses headers with bad proof of work or broken linkage and fails over", async () => {
    const height = await node.height();
    const badPow = await server({ badHeaders: { kind: "pow", fromHeight: height + 1 } });
    const badLink = await server({ badHeaders: { kind: "linkage", fromHeight: height + 1 } });
    const honest = await server();
    const { backend: b, log, warnings } = backend([badPow.url, badLink.url, honest.url]);
    await b.start();
    expect(b.syncInfo().server).toBe(badPow.url);

    // The next header from the first server fails its PoW; the second one serves its tip with a broken prevHash.
    const [blockHash] = await node.mine(1);
    await log.waitTip(height + 1, blockHash);
    expect(b.syncInfo().server).toBe(honest.url);
    expect(badLink.accepted).toBeGreaterThan(0);
    expect(badLink.count("blockchain.headers.subscribe")).toBeGreaterThan(0);
    const realHashes = new Set<string>();
    for (const e of log.events) if (e.type === "tip") realHashes.add(await node.call<string>("getblockhash", e.height));
    expect(log.events.filter((e) => e.type === "tip").every((e) => realHashes.has((e as { hash: string }).hash))).toBe(
      true,
    );
    expect(warnings.filter((w) => w.includes("invalid data"))).toEqual([
      expect.stringContaining("does not meet its proof-of-work target"),
      expect.stringContaining("does not link to"),
    ]);
    await waitFor(() => badPow.openConnections === 0 && badLink.openConnections === 0, "liars disconnected");
    expect(b.chain.tip?.hash).toBe(blockHash);
  });

  it("reconnects after dropped connections and catches up with payments made meanwhile", async () => {
    const flaky = await server({ dropAfterMessages: 3, dropConnections: 1 });
    const { backend: b, log } = backend([flaky.url]);
    const address = await node.newAddress("bech32");
    const second = await node.newAddress("p2sh-segwit");
    b.watch([address.script, second.script]);
    // The first connection is dropped during the header sync (start() returns after that failure); the backend
    // reconnects by itself.
    await b.start();
    await waitFor(() => b.syncInfo().synchronized, "synchronized after the drop");
    expect(flaky.accepted).toBeGreaterThanOrEqual(2);
    expect(flaky.requests.filter((r) => r.connection === 1).map((r) => r.method)).toEqual([
      "server.version",
      "blockchain.headers.subscribe",
      "blockchain.block.headers",
    ]);

    flaky.suspend();
    await waitFor(() => !b.syncInfo().connected, "disconnected");
    const mined = await node.send(address.address, "0.7");
    const [blockHash] = await node.mine(1);
    const pending = await node.send(second.address, "0.05");
    const height = await node.height();
    flaky.resume();

    const seen = await log.waitSeen(mined);
    expect(seen.output).toMatchObject({ amount: 70_000_000n, height, blockHash });
    await log.waitConfirmed(mined, 1);
    expect((await log.waitSeen(pending)).output).toMatchObject({ amount: 5_000_000n, height: null });
    await log.waitTip(height, blockHash);
    expect(b.syncInfo()).toMatchObject({ connected: true, height, synchronized: true });

    // A drop while connected: the backend comes back by itself.
    flaky.suspend();
    flaky.resume();
    await node.mine(1);
    await log.waitConfirmed(pending, 1);
    await log.waitConfirmed(mined, 2);
  });

  it("resumes from its stored state: finds a payment double-spent and a block orphaned while it was stopped", async () => {
    const honest = await server();
    const store = new MemoryStateStore();
    const first = backend([honest.url], { stateStore: store });
    const pending = await node.newAddress("bech32");
    const mined = await node.newAddress("bech32");
    first.backend.watch([pending.script, mined.script]);
    await first.backend.start();
    const confirmedPayment = await node.send(mined.address, "0.2");
    const [oldBlock] = await node.mine(1);
    const height = await node.height();
    await first.log.waitConfirmed(confirmedPayment, 1);
    const payment = await node.send(pending.address, "0.3", { replaceable: true });
    await first.log.waitSeen(payment);
    await first.backend.stop();
    expect(store.state?.tracked.map((t) => t.txid).sort()).toEqual([payment, confirmedPayment].sort());

    // While stopped: `payment` is double-spent to an address nobody watches, and the block is replaced.
    const paymentTx = decodeTransaction(await node.call<string>("getrawtransaction", payment, false));
    let inputTotal = 0n;
    for (const input of paymentTx.inputs) {
      const parent = decodeTransaction(await node.call<string>("getrawtransaction", input.prevTxid, false));
      inputTotal += parent.outputs[input.prevVout]!.value;
    }
    const sink = await node.newAddress("bech32");
    const amount = inputTotal - 1_000_000n;
    const raw = await node.walletCall<string>(
      "createrawtransaction",
      paymentTx.inputs.map((i) => ({ txid: i.prevTxid, vout: i.prevVout })),
      { [sink.address]: `${amount / 100_000_000n}.${(amount % 100_000_000n).toString().padStart(8, "0")}` },
    );
    const signed = await node.walletCall<{ hex: string }>("signrawtransactionwithwallet", raw);
    const doubleSpend = await node.call<string>("sendrawtransaction", signed.hex);
    await node.call("invalidateblock", oldBlock);
    const newBlocks = await node.mine(2, sink.address);
    await index.sync();

    const second = backend([honest.url], { stateStore: store });
    second.backend.watch([pending.script, mined.script]);
    await second.backend.start();
    const replaced = await second.log.waitFor(isType("replaced", payment), "replaced while stopped");
    expect(replaced).toMatchObject({ script: pending.script, byTxid: doubleSpend });
    const orphaned = await second.log.waitFor(isType("orphaned", confirmedPayment), "orphaned while stopped");
    expect(orphaned).toMatchObject({ height, script: mined.script });
    const reconfirmed = await second.log.waitFor(
      (e) => e.type === "confirmed" && e.output.txid === confirmedPayment && e.output.blockHash === newBlocks[0],
      "confirmed in the new branch",
    );
    expect(reconfirmed).toMatchObject({ confirmations: 2, output: { height } });
    // Nothing was announced twice.
    expect(second.log.events.filter((e) => e.type === "seen")).toEqual([]);
    expect(store.state?.tracked.map((t) => t.txid)).toEqual([confirmedPayment]);
    expect(store.state?.hash).toBe(newBlocks[1]);
  });

  it("proves old payments below the kept headers, starting from a header taken on trust", async () => {
    const honest = await server();
    const address = await node.newAddress("bech32");
    const txid = await node.send(address.address, "0.0123");
    const [blockHash] = await node.mine(1);
    const paidAt = await node.height();
    await node.mine(40);
    await index.sync();
    // A fresh backend keeping 16 headers, started 16 blocks below the tip (no checkpoint within reach).
    const { backend: b, log, warnings } = backend([honest.url], { headerWindow: 16, maxHeaderSync: 0 });
    b.watch([address.script]);
    await b.start();
    expect(b.chain.lowest).toBe(paidAt + 40 - 15);
    expect(warnings.some((w) => w.includes("taken on trust"))).toBe(true);
    const seen = await log.waitSeen(txid);
    expect(seen.output).toMatchObject({ amount: 1_230_000n, height: paidAt, blockHash });
    await log.waitConfirmed(txid, 6);
    expect(honest.requests.some((r) => r.method === "blockchain.block.headers" && r.params[0] === paidAt)).toBe(true);
    expect(await b.history(address.script)).toMatchObject([
      { txid, height: paidAt, outputs: [expect.objectContaining({ height: paidAt, blockHash })] },
    ]);
  });

  it("estimates fees exactly and broadcasts a node-signed transaction", async () => {
    const honest = await server();
    const { backend: b, log } = backend([honest.url]);
    const address = await node.newAddress("bech32");
    b.watch([address.script]);
    await b.start();

    // Fee data: transactions at several fee rates (10–45 litoshi/vB) confirmed over a few blocks.
    const feeSink = await node.newAddress("bech32");
    await waitFor(
      async () => {
        for (let i = 0; i < 6; i++) {
          await node.walletCall("settxfee", `0.000${10 + ((i * 7) % 36)}`);
          await node.send(feeSink.address, "0.01");
        }
        await node.mine(1);
        return ((await node.rpc.callExact("estimatesmartfee", [2])) as { feerate?: string }).feerate !== undefined;
      },
      "fee data",
      90_000,
    );
    const { feerate } = (await node.rpc.callExact("estimatesmartfee", [2])) as { feerate: string };
    const estimate = await b.estimateFee(2);
    expect(estimate).toEqual({ targetBlocks: 2, satPerVbyte: Number(decimalToBaseUnits(feerate)) / 1000 });
    expect(estimate.satPerVbyte).toBeGreaterThanOrEqual(10);
    expect(estimate.satPerVbyte).toBeLessThanOrEqual(45);
    // Literals as other servers print them.
    honest.misbehave.feeRateLiteral = "0.00012345";
    expect(await b.estimateFee(6)).toEqual({ targetBlocks: 6, satPerVbyte: 12.345 });
    honest.misbehave.feeRateLiteral = "1e-05";
    expect((await b.estimateFee(6)).satPerVbyte).toBe(1);
    honest.misbehave.feeRateLiteral = "-1";
    expect((await b.estimateFee(6)).satPerVbyte).toBeNull();
    delete honest.misbehave.feeRateLiteral;

    const raw = await node.walletCall<string>("createrawtransaction", [], { [address.address]: "0.5" });
    const funded = await node.walletCall<{ hex: string }>("fundrawtransaction", raw);
    const signed = await node.walletCall<{ hex: string; complete: boolean }>(
      "signrawtransactionwithwallet",
      funded.hex,
    );
    const txid = await b.broadcast(signed.hex);
    expect(txid).toBe(decodeTransaction(signed.hex).txid);
    expect(await node.call<string[]>("getrawmempool")).toContain(txid);
    expect((await log.waitSeen(txid)).output.amount).toBe(50_000_000n);

    // A transaction spending an output that does not exist is refused by the node, through the server.
    const bogus = await node.walletCall<string>("createrawtransaction", [{ txid: "11".repeat(32), vout: 0 }], {
      [address.address]: "0.1",
    });
    const error = await b.broadcast(bogus).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ElectrumRpcError);
    expect((error as ElectrumRpcError).message).toContain("rejected");
    await node.mine(1);
    await log.waitConfirmed(txid, 1);
  });
});
