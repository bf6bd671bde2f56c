import { HDKey } from "@scure/bip32";
import { describe, expect, it } from "vitest";
import { getCoin } from "../coins.ts";
import { deriveAddresses } from "./addresses.ts";
import { serializeExtendedKey } from "./extended-keys.ts";
import { parseWalletKey } from "./keys.ts";
import {
  buildPsbt,
  DUST_LIMIT,
  feeFor,
  feeRateMilli,
  INPUT_VSIZE,
  InsufficientFundsError,
  outputVsize,
  parsePsbt,
  psbtBase64,
  SigningKeyMismatchError,
  type SpendableOutput,
  selectCoins,
  signPsbt,
  TX_OVERHEAD_VSIZE,
} from "./transactions.ts";

const P2WPKH = `0014${"11".repeat(20)}`;
const CHANGE = `0014${"22".repeat(20)}`;
const utxo = (amount: bigint, n: number): SpendableOutput => ({
  txid: n.toString(16).padStart(64, "0"),
  vout: 0,
  amount,
  script: P2WPKH,
  chain: 0,
  index: n,
});

describe("fee maths", () => {
  it("reads fee rates exactly in thousandths of a base unit per vbyte", () => {
    expect(feeRateMilli("1")).toBe(1000n);
    expect(feeRateMilli("2.5")).toBe(2500n);
    expect(feeRateMilli("0.001")).toBe(1n);
    expect(() => feeRateMilli("1.0001")).toThrow(RangeError);
    expect(() => feeRateMilli("-1")).toThrow(RangeError);
  });

  it("rounds fees up to the next base unit", () => {
    expect(feeFor(141, 1000n)).toBe(141n);
    expect(feeFor(141, 1500n)).toBe(212n); // 211.5
    expect(feeFor(1, 1n)).toBe(1n);
  });

  it("sizes outputs by their script", () => {
    expect(outputVsize(P2WPKH)).toBe(31);
    expect(outputVsize(`a914${"00".repeat(20)}87`)).toBe(32);
    expect(outputVsize(`76a914${"00".repeat(20)}88ac`)).toBe(34);
  });
});

describe("coin selection", () => {
  const base = { feeRateMilli: 1000n, scriptType: "p2wpkh" as const, changeScript: CHANGE };

  it("takes the largest coins first and returns the change above dust", () => {
    const selection = selectCoins({
      ...base,
      utxos: [utxo(10_000n, 1), utxo(50_000n, 2), utxo(30_000n, 3)],
      outputs: [{ script: P2WPKH, amount: 60_000n }],
    });
    expect(selection.inputs.map((i) => i.amount)).toEqual([50_000n, 30_000n]);
    const vsize = TX_OVERHEAD_VSIZE + 2 * INPUT_VSIZE.p2wpkh + 31 + 31;
    expect(selection.vsize).toBe(vsize);
    expect(selection.fee).toBe(BigInt(vsize));
    expect(selection.change).toBe(80_000n - 60_000n - selection.fee);
  });

  it("leaves change below dust to the fee instead of creating an output", () => {
    const fee = feeFor(TX_OVERHEAD_VSIZE + INPUT_VSIZE.p2wpkh + 31, 1000n);
    const selection = selectCoins({
      ...base,
      utxos: [utxo(20_000n + fee + DUST_LIMIT - 1n, 1)],
      outputs: [{ script: P2WPKH, amount: 20_000n }],
    });
    expect(selection.change).toBe(0n);
    expect(selection.fee).toBe(fee + DUST_LIMIT - 1n);
  });

  it("says how much is needed and available when the coins do not cover payments and fee", () => {
    try {
      selectCoins({ ...base, utxos: [utxo(10_000n, 1)], outputs: [{ script: P2WPKH, amount: 10_000n }] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InsufficientFundsError);
      expect((error as InsufficientFundsError).available).toBe(10_000n);
      expect((error as InsufficientFundsError).needed).toBeGreaterThan(10_000n);
    }
    expect(() => selectCoins({ ...base, utxos: [], outputs: [{ script: P2WPKH, amount: 1_000n }] })).toThrow(
      InsufficientFundsError,
    );
  });

  it("sends everything less the fee with send-all, with no change", () => {
    const selection = selectCoins({
      ...base,
      feeRateMilli: 2000n,
      utxos: [utxo(10_000n, 1), utxo(20_000n, 2)],
      outputs: [{ script: P2WPKH, amount: 0n }],
      sendAll: true,
    });
    const vsize = TX_OVERHEAD_VSIZE + 2 * INPUT_VSIZE.p2wpkh + 31;
    expect(selection.fee).toBe(BigInt(vsize * 2));
    expect(selection.outputs[0]!.amount).toBe(30_000n - selection.fee);
    expect(selection.change).toBe(0n);
  });

  it("refuses dust payments", () => {
    expect(() =>
      selectCoins({ ...base, utxos: [utxo(10_000n, 1)], outputs: [{ script: P2WPKH, amount: DUST_LIMIT - 1n }] }),
    ).toThrow(RangeError);
  });
});

describe.each(["p2pkh", "p2wpkh", "p2sh-p2wpkh", "p2tr"] as const)("signing %s", (scriptType) => {
  const coin = getCoin("LTC", "regtest");
  const master = HDKey.fromMasterSeed(new Uint8Array(32).fill(7), coin.extendedKeyVersions);
  const accountNode = master.derive("m/84'/1'/0'");
  const key = parseWalletKey(
    scriptType === "p2tr"
      ? `tr(${accountNode.publicExtendedKey}/0/*)`
      : serializeExtendedKey(accountNode, coin, scriptType, "public"),
    coin,
  );
  const info = { accountKey: key.accountKey, scriptType: key.scriptType, fingerprint: "01020304", path: [0x80000054] };
  const [receive] = deriveAddresses(key, coin, 0, 0, 1);
  const [change] = deriveAddresses(key, coin, 1, 0, 1);
  const coins: SpendableOutput[] = [
    { txid: "aa".repeat(32), vout: 1, amount: 100_000n, script: receive!.script, chain: 0, index: 0 },
  ];
  const selection = selectCoins({
    utxos: coins,
    outputs: [{ script: P2WPKH, amount: 40_000n }],
    feeRateMilli: 1000n,
    scriptType: key.scriptType,
    changeScript: change!.script,
  });

  it("signs every input with the account key's child, within the estimated size, and keeps the fee exact", () => {
    expect(key.scriptType).toBe(scriptType);
    const tx = buildPsbt(selection, info, change!.script);
    const psbt = psbtBase64(tx);
    signPsbt(tx, selection.inputs, accountNode.privateExtendedKey, info);
    expect(tx.isFinal).toBe(true);
    expect(tx.vsize).toBeLessThanOrEqual(selection.vsize);
    expect(selection.vsize - tx.vsize).toBeLessThanOrEqual(2);
    expect(tx.fee).toBe(selection.fee);
    expect(tx.getInput(0).sequence).toBe(0xfffffffd);
    // The exported PSBT reads back with what an external signer needs to find the key.
    const back = parsePsbt(psbt).getInput(0);
    if (scriptType === "p2tr") {
      expect(back.tapInternalKey).toBeDefined();
      expect(back.tapBip32Derivation?.[0]?.[1].der.path).toEqual([0x80000054, 0, 0]);
    } else expect(back.bip32Derivation?.[0]?.[1].path).toEqual([0x80000054, 0, 0]);
  });

  it("refuses a key that is not the wallet's", () => {
    const other = HDKey.fromMasterSeed(new Uint8Array(32).fill(8), coin.extendedKeyVersions).derive("m/84'/1'/0'");
    const tx = buildPsbt(selection, info, change!.script);
    expect(() => signPsbt(tx, selection.inputs, other.privateExtendedKey, info)).toThrow(SigningKeyMismatchError);
  });
});

describe("PSBT parsing", () => {
  it("refuses text that is not a PSBT", () => {
    expect(() => parsePsbt("cHNidP8=")).toThrow(RangeError);
    expect(() => parsePsbt("hello")).toThrow(RangeError);
  });
});
