/**
 * Spending from a wallet: coin selection and fee maths (pure, on bigint base units), unsigned transactions as
 * PSBTs (BIP-174, for hardware wallets and other signers), signing with the wallet's account private key and
 * finalizing. Every input is one of the wallet's own single-key scripts, at a known chain/index.
 */
import { hexToBytes } from "@noble/hashes/utils.js";
import { p2wpkh, Transaction } from "@scure/btc-signer";
import type { CoinDefinition, ScriptType } from "../coins.ts";
import { HDKey } from "./extended-keys.ts";

/** An output of the wallet that can be spent, with where its key sits in the wallet. */
export interface SpendableOutput {
  txid: string;
  vout: number;
  amount: bigint;
  /** Hex scriptPubKey. */
  script: string;
  chain: 0 | 1;
  index: number;
}

export interface PaymentOutput {
  /** Hex scriptPubKey of the destination. */
  script: string;
  amount: bigint;
}

/** Virtual size of spending one input of each wallet script type (signature of 72 bytes, the worst case). */
export const INPUT_VSIZE: Record<ScriptType, number> = {
  p2pkh: 148,
  "p2sh-p2wpkh": 91,
  p2wpkh: 68,
  p2tr: 58,
};

/** Version, locktime, counts and the segwit marker: 10.5 vbytes, rounded up. */
export const TX_OVERHEAD_VSIZE = 11;

/** Outputs below this are not created (change below it goes to the fee): the most common relay dust limit. */
export const DUST_LIMIT = 546n;

/** An output's size: value (8), script length (1) and the script. */
export const outputVsize = (scriptHex: string) => 9 + scriptHex.length / 2;

/** Parses a fee rate in base units per vbyte ("1", "2.5") to thousandths, exactly. */
export function feeRateMilli(rate: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,3}))?$/.exec(rate.trim());
  if (!match) throw new RangeError(`not a fee rate: ${rate}`);
  return BigInt(match[1]!) * 1000n + BigInt((match[2] ?? "").padEnd(3, "0"));
}

/** The fee for `vsize` vbytes at a rate in thousandths of a base unit per vbyte, rounded up. */
export const feeFor = (vsize: number, rateMilli: bigint) => (BigInt(vsize) * rateMilli + 999n) / 1000n;

export interface SelectionRequest {
  utxos: readonly SpendableOutput[];
  outputs: readonly PaymentOutput[];
  /** Base units per vbyte, in thousandths. */
  feeRateMilli: bigint;
  scriptType: ScriptType;
  changeScript: string;
  /** Send everything: `outputs` must be one output whose amount is ignored (it receives all less the fee). */
  sendAll?: boolean;
}

export interface Selection {
  inputs: SpendableOutput[];
  outputs: PaymentOutput[];
  /** Change amount, or 0n when there is no change output. */
  change: bigint;
  fee: bigint;
  vsize: number;
}

export class InsufficientFundsError extends Error {
  constructor(
    readonly needed: bigint,
    readonly available: bigint,
  ) {
    super(`insufficient funds: ${needed} needed (with the fee), ${available} available`);
    this.name = "InsufficientFundsError";
  }
}

/**
 * Largest outputs first until the payments and the fee are covered; change goes back to the wallet unless it
 * would be dust (then it is left to the fee). Deterministic for the same UTXO set.
 */
export function selectCoins(request: SelectionRequest): Selection {
  const { feeRateMilli: rate, scriptType, changeScript } = request;
  const sorted = [...request.utxos].sort((a, b) =>
    a.amount === b.amount ? (a.txid + a.vout < b.txid + b.vout ? -1 : 1) : a.amount > b.amount ? -1 : 1,
  );
  const available = sorted.reduce((t, u) => t + u.amount, 0n);
  const inputVsize = INPUT_VSIZE[scriptType];
  const paymentsVsize = request.outputs.reduce((t, o) => t + outputVsize(o.script), 0);
  if (request.sendAll) {
    if (request.outputs.length !== 1) throw new RangeError("send-all pays exactly one output");
    const vsize = TX_OVERHEAD_VSIZE + sorted.length * inputVsize + paymentsVsize;
    const fee = feeFor(vsize, rate);
    const amount = available - fee;
    if (sorted.length === 0 || amount < DUST_LIMIT) throw new InsufficientFundsError(fee + DUST_LIMIT, available);
    return { inputs: sorted, outputs: [{ script: request.outputs[0]!.script, amount }], change: 0n, fee, vsize };
  }
  const total = request.outputs.reduce((t, o) => t + o.amount, 0n);
  for (const o of request.outputs) if (o.amount < DUST_LIMIT) throw new RangeError(`output of ${o.amount} is dust`);
  const changeVsize = outputVsize(changeScript);
  const inputs: SpendableOutput[] = [];
  let sum = 0n;
  for (const utxo of sorted) {
    inputs.push(utxo);
    sum += utxo.amount;
    const baseVsize = TX_OVERHEAD_VSIZE + inputs.length * inputVsize + paymentsVsize;
    const feeWithout = feeFor(baseVsize, rate);
    if (sum < total + feeWithout) continue;
    const feeWith = feeFor(baseVsize + changeVsize, rate);
    const change = sum - total - feeWith;
    if (change >= DUST_LIMIT) {
      return { inputs, outputs: [...request.outputs], change, fee: feeWith, vsize: baseVsize + changeVsize };
    }
    return { inputs, outputs: [...request.outputs], change: 0n, fee: sum - total, vsize: baseVsize };
  }
  const needed = total + feeFor(TX_OVERHEAD_VSIZE + Math.max(1, sorted.length) * inputVsize + paymentsVsize, rate);
  throw new InsufficientFundsError(needed, available);
}

/** The network parameters @scure/btc-signer needs for a coin (used for address helpers only; scripts are given). */
export const signerNetwork = (coin: CoinDefinition) => ({
  bech32: coin.bech32Hrp,
  pubKeyHash: coin.p2pkhVersion,
  scriptHash: coin.p2shVersion,
  wif: coin.wifPrefix,
});

const TX_OPTIONS = { allowLegacyWitnessUtxo: true, allowUnknownOutputs: true } as const;
/** BIP-125: every input signals replaceability, so a stuck payout can be bumped. */
const RBF_SEQUENCE = 0xfffffffd;

export interface WalletKeyInfo {
  /** The wallet's account-level public key. */
  accountKey: HDKey;
  scriptType: ScriptType;
  /** Master fingerprint (8 hex) and account path of accountKey, when known (written into the PSBT). */
  fingerprint: string | null;
  path: number[] | null;
}

/**
 * The unsigned transaction of a selection, as a PSBT: inputs carry their previous output (witness UTXO), the
 * scripts needed to spend them and their key derivation, so any BIP-174 signer holding the key can sign it.
 */
export function buildPsbt(selection: Selection, key: WalletKeyInfo, changeScript: string): Transaction {
  const tx = new Transaction(TX_OPTIONS);
  for (const input of selection.inputs) {
    const child = key.accountKey.deriveChild(input.chain).deriveChild(input.index);
    const pubkey = child.publicKey!;
    const fields: Parameters<Transaction["addInput"]>[0] = {
      txid: input.txid,
      index: input.vout,
      sequence: RBF_SEQUENCE,
      witnessUtxo: { script: hexToBytes(input.script), amount: input.amount },
    };
    if (key.scriptType === "p2sh-p2wpkh") fields.redeemScript = p2wpkh(pubkey).script;
    if (key.scriptType === "p2tr") {
      fields.tapInternalKey = pubkey.subarray(1);
      if (key.fingerprint && key.path) {
        const der = {
          fingerprint: Number.parseInt(key.fingerprint, 16),
          path: [...key.path, input.chain, input.index],
        };
        fields.tapBip32Derivation = [[pubkey.subarray(1), { hashes: [], der }]];
      }
    } else if (key.fingerprint && key.path) {
      fields.bip32Derivation = [
        [pubkey, { fingerprint: Number.parseInt(key.fingerprint, 16), path: [...key.path, input.chain, input.index] }],
      ];
    }
    tx.addInput(fields);
  }
  for (const output of selection.outputs) tx.addOutput({ script: hexToBytes(output.script), amount: output.amount });
  if (selection.change > 0n) tx.addOutput({ script: hexToBytes(changeScript), amount: selection.change });
  return tx;
}

export class SigningKeyMismatchError extends Error {
  constructor() {
    super("the private key is not the key of this wallet");
    this.name = "SigningKeyMismatchError";
  }
}

/**
 * Signs every input with the child of the account private key at the input's chain/index, then finalizes.
 * `accountXprv` must be the private counterpart of the wallet's account key (checked first).
 */
export function signPsbt(tx: Transaction, inputs: readonly SpendableOutput[], accountXprv: string, key: WalletKeyInfo) {
  const account = HDKey.fromExtendedKey(accountXprv, key.accountKey.versions);
  if (account.publicExtendedKey !== key.accountKey.publicExtendedKey) throw new SigningKeyMismatchError();
  inputs.forEach((input, i) => {
    const child = account.deriveChild(input.chain).deriveChild(input.index);
    tx.signIdx(child.privateKey!, i);
    child.wipePrivateData();
  });
  account.wipePrivateData();
  tx.finalize();
}

/** Reads a PSBT (base64 or hex) back; throws a RangeError for anything else. */
export function parsePsbt(text: string): Transaction {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]+$/.test(trimmed) ? hexToBytes(trimmed) : Buffer.from(trimmed, "base64");
  try {
    return Transaction.fromPSBT(bytes, TX_OPTIONS);
  } catch (error) {
    throw new RangeError(`not a valid PSBT: ${(error as Error).message}`);
  }
}

/** The PSBT as base64 (the form wallets exchange). */
export const psbtBase64 = (tx: Transaction) => Buffer.from(tx.toPSBT()).toString("base64");
