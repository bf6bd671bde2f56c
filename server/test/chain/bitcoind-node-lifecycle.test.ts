/** The bitcoind backend while the node comes and goes, and its fee estimates once the node has fee data. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BackendLogger, BitcoindBackend } from "../../src/chains/bitcoin/bitcoind/bitcoind-backend.ts";
import { decimalToBaseUnits } from "../../src/chains/bitcoin/bitcoind/exact-json.ts";
import { BitcoindRpc, BitcoindRpcError } from "../../src/chains/bitcoin/bitcoind/rpc-client.ts";
import { EventLog, type LitecoindNode, MemoryStateStore, startLitecoind, waitFor } from "./litecoind.ts";

let node: LitecoindNode;

beforeAll(async () => {
  node = await startLitecoind();
});

afterAll(async () => {
  await node?.stop();
});

describe("bitcoind backend and the node's availability", () => {
  it("reports connected=false while the node is down, keeps running, and resumes when it is back", async () => {
    const to = await node.newAddress("bech32");
    const store = new MemoryStateStore();
    const backend = new BitcoindBackend({
      rpcUrl: node.url,
      pollIntervalMs: 100,
      maxBackoffMs: 400,
      rpcTimeoutMs: 5000,
      stateStore: store,
    });
    const log = new EventLog();
    backend.onEvent(log.listener);
    backend.watch([to.script]);
    await backend.start();
    try {
      expect(backend.syncInfo()).toMatchObject({ connected: true, synchronized: true });
      const before = await node.send(to.address, "0.1");
      await log.waitSeen(before);

      await node.stopNode();
      await waitFor(() => backend.syncInfo().connected === false, "connected=false");
      expect(backend.syncInfo()).toMatchObject({ connected: false, synchronized: false, height: 101 });
      const offline = await backend.estimateFee(2).then(
        () => null,
        (e: unknown) => e,
      );
      expect(offline).toBeInstanceOf(BitcoindRpcError);
      expect((offline as BitcoindRpcError).unreachable).toBe(true);

      await node.startNode();
      await waitFor(() => backend.syncInfo().connected, "connected again");
      // The payment made before the outage is still followed; a new one is found.
      await node.mine(1);
      await log.waitConfirmed(before, 1);
      const after = await node.send(to.address, "0.2");
      await log.waitSeen(after);
      await node.mine(1);
      await log.waitConfirmed(after, 1);
      await log.waitConfirmed(before, 2);
      expect(backend.syncInfo()).toMatchObject({ connected: true, synchronized: true, height: 103 });
      expect(log.events.filter((e) => e.type === "seen" && e.output.txid === before)).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });

  it("starts while the node is down and catches up once it answers", async () => {
    const to = await node.newAddress("bech32");
    const store = new MemoryStateStore();
    const first = new BitcoindBackend({ rpcUrl: node.url, pollIntervalMs: 100, stateStore: store });
    await first.start();
    await first.stop();
    const height = store.state!.height;

    const txid = await node.send(to.address, "0.3");
    await node.mine(1);
    await node.stopNode();
    const backend = new BitcoindBackend({
      rpcUrl: node.url,
      pollIntervalMs: 100,
      maxBackoffMs: 400,
      stateStore: store,
    });
    const log = new EventLog();
    backend.onEvent(log.listener);
    backend.watch([to.script]);
    try {
      await backend.start(); // resolves although the node is unreachable
      expect(backend.syncInfo()).toMatchObject({ connected: false, height, synchronized: false });
      await node.startNode();
      const seen = await log.waitSeen(txid);
      expect(seen.output).toMatchObject({ amount: 30_000_000n, height: height + 1 });
      await log.waitConfirmed(txid, 1);
      await waitFor(() => backend.syncInfo().synchronized, "synchronized");
    } finally {
      await backend.stop();
    }
  });
});

describe("bitcoind backend and transactions dropped by the node", () => {
  it("keeps following a payment that left the mempool with its inputs unspent, and confirms it once mined", async () => {
    // Paid within a wallet that is not reloaded after the restart below, so nothing puts the payment back at once.
    await node.call("createwallet", "payer");
    const payer = new BitcoindRpc(`${node.url}/wallet/payer`, { keepAlive: false });
    await node.send(await payer.call<string>("getnewaddress", ["", "bech32"]), "1");
    await node.mine(1);

    const toAddress = await payer.call<string>("getnewaddress", ["", "bech32"]);
    const to = {
      address: toAddress,
      script: (await payer.call<{ scriptPubKey: string }>("getaddressinfo", [toAddress])).scriptPubKey,
    };
    const messages: string[] = [];
    const record = (...args: unknown[]) => {
      messages.push(String(args.find((a) => typeof a === "string") ?? ""));
    };
    const logger = { debug: record, info: record, warn: record, error: record } as unknown as BackendLogger;
    const backend = new BitcoindBackend({ rpcUrl: node.url, pollIntervalMs: 100, maxBackoffMs: 400, logger });
    const log = new EventLog();
    backend.onEvent(log.listener);
    backend.watch([to.script]);
    await backend.start();
    try {
      const txid = await payer.call<string>("sendtoaddress", [to.address, "0.4"]);
      await log.waitSeen(txid);

      await node.stopNode();
      await node.startNode(["-persistmempool=0"]);
      expect(await node.call<string[]>("getrawmempool")).not.toContain(txid);
      await waitFor(() => backend.syncInfo().connected, "connected again");
      const [empty] = await node.mine(1);
      await log.waitTip(await node.height(), empty);
      await waitFor(
        () => messages.some((m) => m.includes("dropped from the mempool")),
        "the re-check of the missing payment",
      );

      // The payer's wallet re-submits its transaction when loaded.
      await node.call("loadwallet", "payer");
      await waitFor(
        async () => (await node.call<string[]>("getrawmempool")).includes(txid),
        "payment back in the mempool",
      );
      await node.mine(1);
      const confirmed = await log.waitConfirmed(txid, 1);
      expect(confirmed.output).toMatchObject({ amount: 40_000_000n, height: await node.height() });
      expect(log.forTxid(txid).map((e) => e.type)).toEqual(["seen", "confirmed"]);
    } finally {
      await backend.stop();
    }
  });
});

describe("fee estimates", () => {
  it("is null without fee data, then the node's estimatesmartfee in base units per vbyte, exactly", async () => {
    const backend = new BitcoindBackend({ rpcUrl: node.url });
    expect(await backend.estimateFee(2)).toEqual({ targetBlocks: 2, satPerVbyte: null });

    // Fee data: transactions at several fee rates (10–45 litoshi/vB) confirmed over a few blocks.
    const to = await node.newAddress("bech32");
    await waitFor(
      async () => {
        for (let i = 0; i < 6; i++) {
          await node.walletCall("settxfee", `0.000${10 + ((i * 7) % 36)}`);
          await node.send(to.address, "0.01");
        }
        await node.mine(1);
        return (await node.call<{ feerate?: number }>("estimatesmartfee", 2)).feerate !== undefined;
      },
      "fee data",
      90_000,
    );
    const estimate = await backend.estimateFee(2);
    const reference = (await node.rpc.callExact("estimatesmartfee", [2])) as { feerate: string };
    // feerate is coins per 1000 vbytes: base units per kvB / 1000.
    expect(estimate).toEqual({ targetBlocks: 2, satPerVbyte: Number(decimalToBaseUnits(reference.feerate)) / 1000 });
    expect(estimate.satPerVbyte).toBeGreaterThanOrEqual(10);
    expect(estimate.satPerVbyte).toBeLessThanOrEqual(45);
  });
});
