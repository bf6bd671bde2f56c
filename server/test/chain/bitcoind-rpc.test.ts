/** The RPC client and the transaction decoder, checked against a real litecoind regtest node. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decimalToBaseUnits, parseJsonNumbersAsText } from "../../src/chains/bitcoin/bitcoind/exact-json.ts";
import { BitcoindRpc, BitcoindRpcError } from "../../src/chains/bitcoin/bitcoind/rpc-client.ts";
import { decodeBlock, decodeTransaction, TxDecodeError } from "../../src/chains/bitcoin/bitcoind/tx-decoder.ts";
import { freePort, type LitecoindNode, startLitecoind } from "./litecoind.ts";

let node: LitecoindNode;

beforeAll(async () => {
  node = await startLitecoind();
});

afterAll(async () => {
  await node?.stop();
});

async function rejection(promise: Promise<unknown>): Promise<BitcoindRpcError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BitcoindRpcError);
  return error as BitcoindRpcError;
}

interface VerboseTx {
  txid: string;
  vin: { txid?: string; vout?: string; sequence: string; coinbase?: string }[];
  vout: { value: string; n: string; scriptPubKey: { hex: string } }[];
}

/** The node's own decoding, with values as exact decimal text. */
async function nodeDecode(hex: string): Promise<VerboseTx> {
  return (await node.rpc.callExact("decoderawtransaction", [hex])) as VerboseTx;
}

async function expectSameAsNode(hex: string) {
  const ours = decodeTransaction(hex);
  const theirs = await nodeDecode(hex);
  expect(ours.txid).toBe(theirs.txid);
  expect(ours.outputs.map((o) => o.script)).toEqual(theirs.vout.map((o) => o.scriptPubKey.hex));
  expect(ours.outputs.map((o) => o.value)).toEqual(theirs.vout.map((o) => decimalToBaseUnits(o.value)));
  expect(ours.inputs.map((i) => i.sequence)).toEqual(theirs.vin.map((i) => Number(i.sequence)));
  if (!ours.coinbase)
    expect(ours.inputs.map((i) => `${i.prevTxid}:${i.prevVout}`)).toEqual(theirs.vin.map((i) => `${i.txid}:${i.vout}`));
  return ours;
}

describe("bitcoind RPC client", () => {
  it("calls the node and a wallet, and reports RPC errors with their code and message", async () => {
    expect(await node.rpc.call<number>("getblockcount")).toBe(101);
    expect(typeof (await node.wallet.call<number>("getbalance"))).toBe("number");
    expect(node.rpc.server).toBe(`127.0.0.1:${node.rpcPort}`);

    const outOfRange = await rejection(node.rpc.call("getblockhash", [999_999]));
    expect(outOfRange.kind).toBe("rpc");
    expect(outOfRange.code).toBe(-8);
    expect(outOfRange.message).toContain("Block height out of range");
    expect(outOfRange.unreachable).toBe(false);

    const unknown = await rejection(node.rpc.call("nosuchmethod"));
    expect(unknown.code).toBe(-32601);

    const noWallet = await rejection(new BitcoindRpc(`${node.url}/wallet/missing`).call("getbalance"));
    expect(noWallet.code).toBe(-18);
    expect(noWallet.message).not.toContain(node.password);
  });

  it("answers batches call by call", async () => {
    const answers = await node.rpc.batch<string>([
      { method: "getblockhash", params: [0] },
      { method: "getblockhash", params: [999_999] },
      { method: "getbestblockhash" },
    ]);
    expect(answers[0]).toEqual({ ok: true, result: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(answers[1]?.ok).toBe(false);
    expect(answers[1]?.ok === false && answers[1].error.code).toBe(-8);
    expect(answers[2]?.ok && answers[2].result).toBe(await node.call("getbestblockhash"));
  });

  it("says when the credentials are wrong, without echoing them", async () => {
    const client = new BitcoindRpc(`http://till:not-the-password@127.0.0.1:${node.rpcPort}`);
    const error = await rejection(client.call("getblockcount"));
    expect(error.kind).toBe("auth");
    expect(error.code).toBe(401);
    expect(error.message).toContain("authentication failed");
    expect(error.message).not.toContain("not-the-password");
    expect(client.server).toBe(`127.0.0.1:${node.rpcPort}`);
  });

  it("says when nothing listens, without echoing the credentials", async () => {
    const port = await freePort();
    const client = new BitcoindRpc(`http://till:secret-pw@127.0.0.1:${port}`);
    const error = await rejection(client.call("getblockcount"));
    expect(error.kind).toBe("connection");
    expect(error.unreachable).toBe(true);
    expect(error.message).toContain("connection refused");
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).not.toContain("secret-pw");
  });

  it("gives up after its timeout", async () => {
    // waitfornewblock holds the request on the node for up to 1 s: longer than the client's 200 ms.
    const error = await rejection(node.rpc.call("waitfornewblock", [1000], { timeoutMs: 200 }));
    expect(error.kind).toBe("timeout");
    expect(error.unreachable).toBe(true);
    expect(error.message).toContain("200 ms");
  });

  it("rejects URLs it cannot use", () => {
    expect(() => new BitcoindRpc("not a url")).toThrow(/invalid bitcoind RPC URL/);
    expect(() => new BitcoindRpc("ftp://u:p@127.0.0.1:1")).toThrow(/unsupported/);
  });

  it("reads amounts exactly from the raw answer", async () => {
    const address = await node.newAddress("bech32");
    const txid = await node.send(address.address, "0.29");
    const tx = (await node.rpc.callExact("getrawtransaction", [txid, true])) as VerboseTx;
    const paid = tx.vout.find((o) => o.scriptPubKey.hex === address.script)!;
    expect(paid.value).toBe("0.29000000");
    expect(decimalToBaseUnits(paid.value)).toBe(29_000_000n);
    // The float route drifts: 0.29 * 1e8 = 28999999.999999996.
    expect(0.29 * 1e8).not.toBe(29_000_000);

    expect(parseJsonNumbersAsText('{"a":[1,-2.50,3e-8],"s":"x\\"1"}')).toEqual({ a: ["1", "-2.50", "3e-8"], s: 'x"1' });
    expect(decimalToBaseUnits("20999999.99999999")).toBe(2_099_999_999_999_999n);
    expect(decimalToBaseUnits("84000000")).toBe(8_400_000_000_000_000n);
    expect(decimalToBaseUnits("1e-8")).toBe(1n);
    expect(decimalToBaseUnits("0.10000000")).toBe(10_000_000n);
    expect(decimalToBaseUnits("-0.5")).toBe(-50_000_000n);
    expect(() => decimalToBaseUnits("0.000000001")).toThrow(/decimal places/);
    expect(() => decimalToBaseUnits("1,5")).toThrow(/not a decimal/);
  });
});

describe("transaction decoder", () => {
  it("decodes segwit transactions like the node, with exact values and the RBF signal", async () => {
    const to = await node.newAddress("bech32");
    const plain = await node.send(to.address, "1.23456789");
    const replaceable = await node.send(to.address, "0.5", { replaceable: true });
    const plainTx = await expectSameAsNode(await node.call<string>("getrawtransaction", plain));
    const rbfTx = await expectSameAsNode(await node.call<string>("getrawtransaction", replaceable));
    expect(plainTx.txid).toBe(plain);
    expect(plainTx.outputs.find((o) => o.script === to.script)?.value).toBe(123_456_789n);
    expect(plainTx.rbf).toBe(false);
    expect(rbfTx.rbf).toBe(true);
    expect(rbfTx.coinbase).toBe(false);
  });

  it("decodes legacy (non-witness) transactions", async () => {
    const legacy = await node.newAddress("legacy");
    const funding = await node.send(legacy.address, "2");
    await node.mine(1);
    const fundingTx = decodeTransaction(await node.call<string>("getrawtransaction", funding));
    const vout = fundingTx.outputs.findIndex((o) => o.script === legacy.script);
    const target = await node.newAddress("legacy");
    const unsigned = await node.call<string>("createrawtransaction", [{ txid: funding, vout }], {
      [target.address]: "1.9999",
    });
    const signed = await node.walletCall<{ hex: string; complete: boolean }>("signrawtransactionwithwallet", unsigned);
    expect(signed.complete).toBe(true);
    // No segwit marker: byte 4 is the input count, not 0x00.
    expect(signed.hex.slice(8, 10)).not.toBe("00");
    const tx = await expectSameAsNode(signed.hex);
    expect(tx.outputs).toEqual([{ script: target.script, value: 199_990_000n }]);
    expect(tx.inputs).toEqual([{ prevTxid: funding, prevVout: vout, sequence: 0xffffffff }]);
  });

  it("decodes blocks: header, coinbase and every transaction id", async () => {
    const to = await node.newAddress("p2sh-segwit");
    await node.send(to.address, "0.1");
    await node.send(to.address, "0.2");
    const [hash] = await node.mine(1);
    const block = decodeBlock(await node.call<string>("getblock", hash, 0));
    const verbose = await node.call<{ hash: string; previousblockhash: string; merkleroot: string; tx: string[] }>(
      "getblock",
      hash,
      1,
    );
    expect(block.hash).toBe(verbose.hash);
    expect(block.prevHash).toBe(verbose.previousblockhash);
    expect(block.merkleRoot).toBe(verbose.merkleroot);
    expect(block.transactions.map((t) => t.txid)).toEqual(verbose.tx);
    expect(block.transactions[0]?.coinbase).toBe(true);
    expect(block.transactions[0]?.rbf).toBe(false);
    expect(block.transactions.filter((t) => t.outputs.some((o) => o.script === to.script))).toHaveLength(2);
  });

  it("rejects malformed data", async () => {
    const hex = await node.call<string>(
      "getrawtransaction",
      (await node.call<{ tx: string[] }>("getblock", await node.call("getbestblockhash"), 1)).tx[0],
    );
    expect(() => decodeTransaction(hex.slice(0, -10))).toThrow(TxDecodeError);
    expect(() => decodeTransaction(`${hex}00`)).toThrow(/trailing/);
    expect(() => decodeTransaction("zz")).toThrow(/not hex/);
    expect(() => decodeBlock("00".repeat(40))).toThrow(/80 bytes/);
  });
});
