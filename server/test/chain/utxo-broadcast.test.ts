import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ChainRuntime } from "../../src/app/chain-runtime.ts";
import { BitcoindBackend } from "../../src/chains/bitcoin/bitcoind/bitcoind-backend.ts";
import { BitcoindRpc } from "../../src/chains/bitcoin/bitcoind/rpc-client.ts";
import { chainParams } from "../../src/chains/bitcoin/electrum/chain-params.ts";
import { ElectrumBackend } from "../../src/chains/bitcoin/electrum/electrum-backend.ts";
import type { ChainBackend } from "../../src/chains/ports.ts";
import { createLogger } from "../../src/kernel/logger.ts";
import { ElectrumTestServer, NodeIndex } from "./electrum-test-server.ts";
import { type LitecoindNode, startLitecoind, waitFor } from "./litecoind.ts";

let node: LitecoindNode;
let index: NodeIndex;
/** A second wallet of the node holds the outputs under test, so the paying wallet never spends them itself. */
let payee: BitcoindRpc;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  node = await startLitecoind();
  index = new NodeIndex(node);
  await index.start();
  await node.call("createwallet", "payee");
  payee = new BitcoindRpc(`${node.url}/wallet/payee`, { keepAlive: false });
});

async function payeeAddress(): Promise<{ address: string; script: string }> {
  const address = await payee.call<string>("getnewaddress", ["", "bech32"]);
  const info = await payee.call<{ scriptPubKey: string }>("getaddressinfo", [address]);
  return { address, script: info.scriptPubKey };
}
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});
afterAll(async () => {
  await index?.stop();
  await node?.stop();
});

const kinds = {
  bitcoind: async (): Promise<ChainBackend> => {
    const backend = new BitcoindBackend({ rpcUrl: node.url, pollIntervalMs: 100 });
    await backend.start();
    stops.push(() => backend.stop());
    return backend;
  },
  electrum: async (): Promise<ChainBackend> => {
    const server = await ElectrumTestServer.start(index);
    stops.push(() => server.stop());
    const backend = new ElectrumBackend({ servers: [server.url], chain: chainParams("LTC", "regtest") });
    await backend.start();
    stops.push(() => backend.stop());
    return backend;
  },
};

/** A signed transaction of the node's wallet spending one outpoint to a fresh address (not broadcast). */
async function spend(outpoint: { txid: string; vout: number }, amount: string): Promise<{ txid: string; hex: string }> {
  const to = (await node.newAddress("bech32")).address;
  const input = { txid: outpoint.txid, vout: outpoint.vout };
  const raw = await payee.call<string>("createrawtransaction", [[input], { [to]: amount }, 0, true]);
  const signed = await payee.call<{ hex: string; complete: boolean }>("signrawtransactionwithwallet", [raw]);
  expect(signed.complete).toBe(true);
  const decoded = await node.call<{ txid: string }>("decoderawtransaction", signed.hex);
  return { txid: decoded.txid, hex: signed.hex };
}

describe.each(Object.keys(kinds) as (keyof typeof kinds)[])("%s backend: what payouts need", (kind) => {
  it("lists a script's unspent outputs with exact amounts, less those a mempool transaction spends", async () => {
    const backend = await kinds[kind]();
    const address = await payeeAddress();
    const first = await node.send(address.address, "0.3");
    const second = await node.send(address.address, "0.125");
    await node.mine(1);
    const unspent = await waitFor(async () => {
      const list = await backend.listUnspent([address.script]);
      return list.length === 2 && list.every((u) => u.height !== null) ? list : undefined;
    }, "two confirmed outputs");
    expect(unspent.map((u) => [u.txid, u.amount, u.script]).sort()).toEqual(
      [
        [first, 30_000_000n, address.script],
        [second, 12_500_000n, address.script],
      ].sort(),
    );
    const spent = unspent.find((u) => u.txid === first)!;
    const tx = await spend(spent, "0.299");
    expect(await backend.broadcast(tx.hex)).toBe(tx.txid);
    const after = await waitFor(async () => {
      const list = await backend.listUnspent([address.script]);
      return list.length === 1 ? list : undefined;
    }, "the spent output gone");
    expect(after[0]!.txid).toBe(second);
  });

  it("reports a transaction in the mempool, then confirmed; a repeated broadcast is a success", async () => {
    const backend = await kinds[kind]();
    const address = await payeeAddress();
    const funding = await node.send(address.address, "0.2");
    await node.mine(1);
    const vout = (await waitFor(async () => (await backend.listUnspent([address.script]))[0], "funded")).vout;
    const tx = await spend({ txid: funding, vout }, "0.199");
    expect(await backend.transactionStatus(tx.txid, tx.hex)).toEqual({ state: "missing" });
    expect(await backend.broadcast(tx.hex)).toBe(tx.txid);
    await waitFor(
      async () => ((await backend.transactionStatus(tx.txid, tx.hex)).state === "mempool" ? true : undefined),
      "in the mempool",
    );
    expect(await backend.broadcast(tx.hex)).toBe(tx.txid);
    const [block] = await node.mine(1);
    const confirmed = await waitFor(async () => {
      const status = await backend.transactionStatus(tx.txid, tx.hex);
      return status.state === "confirmed" ? status : undefined;
    }, "confirmed");
    expect(confirmed).toMatchObject({ state: "confirmed", confirmations: 1, blockHash: block });
    expect(await backend.broadcast(tx.hex)).toBe(tx.txid);
  });

  it("reports a transaction whose input another one spent as replaced", async () => {
    const backend = await kinds[kind]();
    const address = await payeeAddress();
    const funding = await node.send(address.address, "0.2");
    await node.mine(1);
    const vout = (await waitFor(async () => (await backend.listUnspent([address.script]))[0], "funded")).vout;
    const original = await spend({ txid: funding, vout }, "0.199");
    const replacement = await spend({ txid: funding, vout }, "0.19");
    await backend.broadcast(original.hex);
    await waitFor(
      async () =>
        (await backend.transactionStatus(original.txid, original.hex)).state === "mempool" ? true : undefined,
      "the original in the mempool",
    );
    await node.call("sendrawtransaction", replacement.hex);
    const status = await waitFor(async () => {
      const s = await backend.transactionStatus(original.txid, original.hex);
      return s.state === "replaced" ? s : undefined;
    }, "replaced");
    expect(status).toEqual({ state: "replaced" });
  });

  it("gives the fee floor, recorded as such, when a fresh chain has no estimate", async () => {
    const backend = await kinds[kind]();
    expect((await backend.estimateFee(2)).satPerVbyte).toBeNull();
    const runtime = new ChainRuntime({
      coins: [
        {
          symbol: "ltc" as never,
          network: "regtest",
          backend: kind,
          bitcoindUrl: node.url,
          electrumServers: [],
          pollIntervalMs: 100,
        },
      ],
      db: null as never,
      logger: createLogger("silent"),
      createBackend: () => backend,
      feeFloorSatPerVbyte: 2,
    });
    await runtime.start(async () => []);
    expect(await runtime.estimateFeeRate("ltc", 2)).toEqual({ satPerVbyte: "2", source: "floor", targetBlocks: 2 });
  });
});

describe("bitcoind backend without -txindex", () => {
  it("finds a confirmed transaction through its unspent outputs", async () => {
    const plain = await startLitecoind({ extraArgs: ["-txindex=0"] });
    stops.push(() => plain.stop());
    const backend = new BitcoindBackend({ rpcUrl: plain.url, pollIntervalMs: 100 });
    await backend.start();
    stops.push(() => backend.stop());
    const other = new BitcoindRpc(`${plain.url}/wallet/other`, { keepAlive: false });
    await plain.call("createwallet", "other");
    const to = await other.call<string>("getnewaddress", ["", "bech32"]);
    const txid = await plain.send(to, "0.5");
    const hex = await plain.call<string>("getrawtransaction", txid);
    expect((await backend.transactionStatus(txid, hex)).state).toBe("mempool");
    const [block] = await plain.mine(1);
    await expect(plain.call("getrawtransaction", txid)).rejects.toThrow();
    expect(await backend.transactionStatus(txid, hex)).toEqual({
      state: "confirmed",
      confirmations: 1,
      height: await plain.height(),
      blockHash: block,
    });
  });
});
