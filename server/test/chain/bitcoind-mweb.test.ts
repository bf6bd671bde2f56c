/**
 * Litecoin MWEB on regtest (active from height 432): transactions with MWEB data in the mempool, blocks carrying the
 * HogEx and the MWEB extension block, and a peg-out, which reaches the canonical chain only as a HogEx output.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BitcoindBackend } from "../../src/chains/bitcoin/bitcoind/bitcoind-backend.ts";
import { decimalToBaseUnits } from "../../src/chains/bitcoin/bitcoind/exact-json.ts";
import { BitcoindRpc } from "../../src/chains/bitcoin/bitcoind/rpc-client.ts";
import { decodeBlock, decodeTransaction } from "../../src/chains/bitcoin/bitcoind/tx-decoder.ts";
import type { ChainEvent } from "../../src/chains/ports.ts";
import { EventLog, type LitecoindNode, startLitecoind } from "./litecoind.ts";

let node: LitecoindNode;
let mwebWallet: BitcoindRpc;
let pegIns = 0;

/**
 * Moves `amount` into the MWEB wallet from a fresh wallet funded with canonical coins, so the peg-in spends canonical
 * inputs and the main wallet never holds MWEB coins (its payments stay canonical transactions). Needs one block.
 */
async function pegIn(amount: string): Promise<string> {
  const name = `pegger${++pegIns}`;
  await node.call("createwallet", name);
  const pegger = new BitcoindRpc(`${node.url}/wallet/${name}`, { keepAlive: false });
  await node.send(await pegger.call<string>("getnewaddress", ["", "bech32"]), "10");
  await node.mine(1);
  return pegger.call<string>("sendtoaddress", [await mwebWallet.call<string>("getnewaddress", ["", "mweb"]), amount]);
}

beforeAll(async () => {
  node = await startLitecoind();
  await node.mine(430 - 101);
  await node.call("createwallet", "mweb");
  mwebWallet = new BitcoindRpc(`${node.url}/wallet/mweb`, { keepAlive: false });
  // The first MWEB block (432) needs a peg-in: its HogEx would otherwise have no input.
  await pegIn("1");
  await node.mine(1);
  const info = await node.call<{ blocks: number; softforks: { mweb?: { active: boolean } } }>("getblockchaininfo");
  expect(info).toMatchObject({ blocks: 432, softforks: { mweb: { active: true } } });
});

afterAll(async () => {
  await node?.stop();
});

interface VerboseTx {
  txid: string;
  /** Canonical outputs, then MWEB outputs (ismweb, no script). */
  vout: { ismweb?: boolean; value: string; scriptPubKey: { hex: string } }[];
}

describe("MWEB data", () => {
  it("decodes peg-ins and MWEB-only transactions from the mempool, and blocks with an MWEB extension", async () => {
    const pegInTx = await pegIn("2");
    const raw = await node.call<string>("getrawtransaction", pegInTx);
    // Segwit and MWEB flags (0x09): witnesses, then an MWEB body before nLockTime.
    expect(raw.slice(8, 12)).toBe("0009");
    const decoded = decodeTransaction(raw);
    const reference = (await node.rpc.callExact("decoderawtransaction", [raw])) as VerboseTx;
    expect(decoded.txid).toBe(pegInTx);
    expect(decoded.mweb).toBe(true);
    const canonical = reference.vout.filter((o) => o.ismweb !== true);
    expect(canonical.length).toBeGreaterThan(0);
    expect(decoded.outputs).toEqual(
      canonical.map((o) => ({ script: o.scriptPubKey.hex, value: decimalToBaseUnits(o.value) })),
    );

    const [hash] = await node.mine(1);
    const block = decodeBlock(await node.call<string>("getblock", hash, 0));
    const verbose = await node.call<{ tx: string[]; mweb?: unknown }>("getblock", hash, 1);
    expect(verbose.mweb).toBeDefined();
    expect(block.transactions.map((t) => t.txid)).toEqual(verbose.tx);
    expect(block.transactions.map((t) => t.txid)).toContain(pegInTx);

    // Spending MWEB coins to an MWEB address: no canonical inputs nor outputs at all.
    const inside = await mwebWallet.call<string>("sendtoaddress", [
      await mwebWallet.call<string>("getnewaddress", ["", "mweb"]),
      "0.5",
    ]);
    const mwebOnly = decodeTransaction(await node.call<string>("getrawtransaction", inside));
    expect(mwebOnly).toMatchObject({ inputs: [], outputs: [], mweb: true });
    await node.mine(1);
  });

  it("finds payments in MWEB-era blocks, including a peg-out paid by the HogEx", async () => {
    await pegIn("3");
    await node.mine(1);

    const direct = await node.newAddress("bech32");
    const pegOutTarget = await node.newAddress("bech32");
    const backend = new BitcoindBackend({ rpcUrl: node.url, pollIntervalMs: 100 });
    const log = new EventLog();
    backend.onEvent(log.listener);
    backend.watch([direct.script, pegOutTarget.script]);
    await backend.start();
    try {
      const directTx = await node.send(direct.address, "0.3");
      await log.waitSeen(directTx);
      // Paid from MWEB coins: the mempool holds an MWEB-only transaction; the output appears in the block's HogEx.
      const pegOut = await mwebWallet.call<string>("sendtoaddress", [pegOutTarget.address, "0.75"]);
      expect(await node.call<string[]>("getrawmempool")).toContain(pegOut);

      const [hash] = await node.mine(1);
      const height = await node.height();
      await log.waitConfirmed(directTx, 1);
      const verbose = await node.call<{ tx: string[] }>("getblock", hash, 1);
      const hogEx = verbose.tx.at(-1)!;
      const seen = await log.waitFor(
        (e): e is Extract<ChainEvent, { type: "seen" }> => e.type === "seen" && e.output.script === pegOutTarget.script,
        "peg-out seen",
      );
      expect(seen.output).toMatchObject({ txid: hogEx, amount: 75_000_000n, height, blockHash: hash });
      await log.waitConfirmed(hogEx, 1);
      expect(backend.syncInfo()).toMatchObject({ height, synchronized: true });
    } finally {
      await backend.stop();
    }
  });
});
