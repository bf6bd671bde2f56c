/**
 * Addresses and output scripts: deriving receive/change addresses from a wallet key, validating addresses for
 * a coin and network (bech32/bech32m with the right prefix, base58 with accepted version bytes), turning
 * scripts back into addresses, and BIP-21 payment URIs with exact amounts.
 */
import { ripemd160 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { bech32, bech32m } from "@scure/base";
import { p2tr } from "@scure/btc-signer";
import { type CoinDefinition, coinId, listCoins, type ScriptType } from "../coins.ts";
import { childPublicKeys } from "./child-keys.ts";
import { AddressError } from "./errors.ts";
import { decodeBase58Check, encodeBase58Check, HARDENED_OFFSET, type HDKey } from "./extended-keys.ts";
import type { WalletKey } from "./keys.ts";

export interface DerivedAddress {
  index: number;
  address: string;
  /** Hex scriptPubKey, the form chain backends watch. */
  script: string;
}

/** What an address pays to. `witness_unknown` is a valid segwit program of a version with no meaning yet. */
export type AddressType = "p2pkh" | "p2sh" | "p2wpkh" | "p2wsh" | "p2tr" | "witness_unknown";

export interface DecodedAddress {
  type: AddressType;
  /** Hex scriptPubKey. */
  script: string;
}

const hash160 = (data: Uint8Array) => ripemd160(sha256(data));

const OP_DUP = 0x76;
const OP_HASH160 = 0xa9;
const OP_EQUALVERIFY = 0x88;
const OP_CHECKSIG = 0xac;
const OP_EQUAL = 0x87;
const OP_0 = 0x00;
const OP_1 = 0x51;

const p2pkhScript = (hash: Uint8Array) => Uint8Array.of(OP_DUP, OP_HASH160, 20, ...hash, OP_EQUALVERIFY, OP_CHECKSIG);
const p2shScript = (hash: Uint8Array) => Uint8Array.of(OP_HASH160, 20, ...hash, OP_EQUAL);
const witnessScript = (version: number, program: Uint8Array) =>
  Uint8Array.of(version === 0 ? OP_0 : OP_1 + version - 1, program.length, ...program);

/**
 * The scriptPubKey paying a compressed public key with a script type. `pubkeyHash` may be passed when already
 * known (HDKey keeps it) to save a hash.
 */
export function publicKeyToScript(publicKey: Uint8Array, scriptType: ScriptType, pubkeyHash?: Uint8Array): Uint8Array {
  if (publicKey.length !== 33) throw new Error("A compressed public key is 33 bytes");
  const keyHash = pubkeyHash ?? hash160(publicKey);
  switch (scriptType) {
    case "p2pkh":
      return p2pkhScript(keyHash);
    case "p2wpkh":
      return witnessScript(0, keyHash);
    case "p2sh-p2wpkh":
      return p2shScript(hash160(witnessScript(0, keyHash)));
    case "p2tr":
      // BIP-86: the output key is the internal key tweaked with no script path.
      return p2tr(publicKey.subarray(1)).script;
  }
}

function decodeScript(script: Uint8Array): { type: AddressType; version?: number; payload: Uint8Array } | null {
  const n = script.length;
  if (
    n === 25 &&
    script[0] === OP_DUP &&
    script[1] === OP_HASH160 &&
    script[2] === 20 &&
    script[23] === OP_EQUALVERIFY &&
    script[24] === OP_CHECKSIG
  ) {
    return { type: "p2pkh", payload: script.subarray(3, 23) };
  }
  if (n === 23 && script[0] === OP_HASH160 && script[1] === 20 && script[22] === OP_EQUAL) {
    return { type: "p2sh", payload: script.subarray(2, 22) };
  }
  const first = script[0]!;
  if (n >= 4 && n <= 42 && (first === OP_0 || (first >= OP_1 && first <= OP_1 + 15)) && script[1] === n - 2) {
    const version = first === OP_0 ? 0 : first - OP_1 + 1;
    const program = script.subarray(2);
    if (version === 0) {
      if (program.length === 20) return { type: "p2wpkh", version, payload: program };
      if (program.length === 32) return { type: "p2wsh", version, payload: program };
      return null;
    }
    return { type: version === 1 && program.length === 32 ? "p2tr" : "witness_unknown", version, payload: program };
  }
  return null;
}

function encodeSegwit(hrp: string, version: number, program: Uint8Array): string {
  const words = [version, ...bech32.toWords(program)];
  return version === 0 ? bech32.encode(hrp, words) : bech32m.encode(hrp, words);
}

function encodeScript(script: Uint8Array, coin: CoinDefinition): string | null {
  const decoded = decodeScript(script);
  if (!decoded) return null;
  switch (decoded.type) {
    case "p2pkh":
      return encodeBase58Check(Uint8Array.of(coin.p2pkhVersion, ...decoded.payload));
    case "p2sh":
      return encodeBase58Check(Uint8Array.of(coin.p2shVersion, ...decoded.payload));
    default:
      return encodeSegwit(coin.bech32Hrp, decoded.version!, decoded.payload);
  }
}

/**
 * The address of a scriptPubKey (hex) on a coin and network, or null for scripts that have no address form
 * (OP_RETURN, bare multisig, …). Litecoin P2SH is written with Litecoin's own version byte ("M…", "Q…").
 */
export function scriptToAddress(scriptHex: string, coin: CoinDefinition): string | null {
  if (!/^([0-9a-fA-F]{2})*$/.test(scriptHex)) throw new AddressError("invalid", "The script is not valid hex.");
  return encodeScript(hexToBytes(scriptHex), coin);
}

function coinsWithHrp(hrp: string): string[] {
  return listCoins()
    .filter((coin) => coin.bech32Hrp === hrp)
    .map((coin) => coin.label);
}

function coinsWithBase58Version(version: number): string[] {
  return listCoins()
    .filter((coin) => coin.p2pkhVersions.includes(version) || coin.p2shVersions.includes(version))
    .map((coin) => coin.label);
}

const wrongNetwork = (owners: string[], coin: CoinDefinition) =>
  new AddressError(
    "wrong_network",
    `This address belongs to another coin or network (${owners.join(", ")}), not ${coin.label}.`,
  );

function decodeSegwitAddress(address: string, hrp: string, coin: CoinDefinition): DecodedAddress {
  const lower = address.toLowerCase();
  const decoded = bech32.decodeUnsafe(lower, 90);
  const decodedM = decoded ? undefined : bech32m.decodeUnsafe(lower, 90);
  const result = decoded ?? decodedM;
  if (!result) throw new AddressError("checksum", "The address has a wrong checksum: check it for typos.");
  if (hrp !== coin.bech32Hrp) throw wrongNetwork(coinsWithHrp(hrp), coin);
  const [version, ...words] = result.words;
  if (version === undefined || version > 16)
    throw new AddressError("invalid", "The address has an invalid segwit version.");
  const program = bech32.fromWordsUnsafe(words);
  if (!program || program.length < 2 || program.length > 40) {
    throw new AddressError("invalid", "The address has an invalid witness program length.");
  }
  if (version === 0 && program.length !== 20 && program.length !== 32) {
    throw new AddressError("invalid", "A version 0 witness program must be 20 or 32 bytes.");
  }
  // BIP-350: version 0 uses bech32, every later version bech32m.
  if ((version === 0) !== Boolean(decoded)) {
    throw new AddressError(
      "checksum",
      version === 0
        ? "A version 0 segwit address must use bech32, not bech32m."
        : "A segwit address of version 1 or higher must use bech32m, not bech32.",
    );
  }
  const script = witnessScript(version, program);
  return { type: decodeScript(script)!.type, script: bytesToHex(script) };
}

/**
 * Validates an address for a coin and network and returns what it pays to. Throws an AddressError saying
 * what is wrong: mixed case, wrong checksum, another coin or network, bad witness program.
 */
export function decodeAddress(address: string, coin: CoinDefinition): DecodedAddress {
  const text = address.trim();
  if (text.length === 0) throw new AddressError("invalid", "The address is empty.");
  const lower = text.toLowerCase();
  const hrps = [...new Set(listCoins().map((c) => c.bech32Hrp))];
  const hrp = hrps.find((prefix) => lower.startsWith(`${prefix}1`));
  if (hrp) {
    if (text !== lower && text !== text.toUpperCase()) {
      throw new AddressError("invalid", "A bech32 address must not mix upper and lower case.");
    }
    return decodeSegwitAddress(text, hrp, coin);
  }
  const decoded = decodeBase58Check(text);
  if ("error" in decoded) {
    throw decoded.error === "checksum"
      ? new AddressError("checksum", "The address has a wrong checksum: check it for typos.")
      : new AddressError("invalid", `This is not a valid ${coin.name} address.`);
  }
  const payload = decoded.payload;
  if (payload.length !== 21) throw new AddressError("invalid", `This is not a valid ${coin.name} address.`);
  const version = payload[0]!;
  const hash = payload.subarray(1);
  if (coin.p2pkhVersions.includes(version)) return { type: "p2pkh", script: bytesToHex(p2pkhScript(hash)) };
  if (coin.p2shVersions.includes(version)) return { type: "p2sh", script: bytesToHex(p2shScript(hash)) };
  const owners = coinsWithBase58Version(version);
  if (owners.length > 0) throw wrongNetwork(owners, coin);
  throw new AddressError("invalid", `This is not a valid ${coin.name} address (unknown version byte).`);
}

/** The hex scriptPubKey of an address valid for the coin and network; throws an AddressError otherwise. */
export function addressToScript(address: string, coin: CoinDefinition): string {
  return decodeAddress(address, coin).script;
}

/** Whether an address is valid for the coin and network. */
export function isValidAddress(address: string, coin: CoinDefinition): boolean {
  try {
    decodeAddress(address, coin);
    return true;
  } catch (error) {
    if (error instanceof AddressError) return false;
    throw error;
  }
}

// Chain nodes (account/0 and account/1) derived once per account key: a pool refill derives only children.
const chainNodes = new WeakMap<HDKey, Map<number, HDKey>>();

function chainNode(account: HDKey, chain: number): HDKey {
  let byChain = chainNodes.get(account);
  if (!byChain) {
    byChain = new Map();
    chainNodes.set(account, byChain);
  }
  let node = byChain.get(chain);
  if (!node) {
    node = account.deriveChild(chain);
    byChain.set(chain, node);
  }
  return node;
}

/** Largest batch one call derives; callers page through larger ranges. */
export const MAX_DERIVE_COUNT = 10_000;

/**
 * Derives `count` addresses of a wallet key from `start` on the receive (0) or change (1) chain.
 * The chain node is derived once and cached per key; each address costs one public child derivation.
 */
export function deriveAddresses(
  key: WalletKey,
  coin: CoinDefinition,
  chain: 0 | 1,
  start: number,
  count: number,
): DerivedAddress[] {
  if (coinId(key) !== coinId(coin)) {
    throw new Error(`The wallet key is for ${key.symbol} ${key.network}, not ${coin.label}`);
  }
  if (chain !== 0 && chain !== 1) throw new RangeError("The chain must be 0 (receive) or 1 (change)");
  if (!Number.isSafeInteger(start) || start < 0) throw new RangeError("The start index must be a non-negative integer");
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_DERIVE_COUNT) {
    throw new RangeError(`The count must be an integer from 0 to ${MAX_DERIVE_COUNT}`);
  }
  if (start + count > HARDENED_OFFSET) throw new RangeError("Address indexes end at 2^31 - 1");
  const keys = childPublicKeys(chainNode(key.accountKey, chain), start, count);
  return keys.map((publicKey, i) => {
    const script = publicKeyToScript(publicKey, key.scriptType);
    return { index: start + i, address: encodeScript(script, coin)!, script: bytesToHex(script) };
  });
}

/** Base units as an exact decimal string without trailing zeros: 100000n with 8 places gives "0.001". */
export function formatBaseUnits(amount: bigint, divisibility: number): string {
  if (amount < 0n) throw new RangeError("The amount must not be negative");
  const scale = 10n ** BigInt(divisibility);
  const whole = amount / scale;
  const fraction = (amount % scale).toString().padStart(divisibility, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/**
 * A BIP-21 payment URI: `bitcoin:ADDRESS?amount=0.001&label=…` (`litecoin:` for Litecoin). The amount is in
 * base units and printed exactly; zero or no amount leaves it out. The address is validated for the coin.
 */
export function bip21Uri(
  coin: CoinDefinition,
  address: string,
  amountBaseUnits?: bigint,
  label?: string,
  message?: string,
): string {
  decodeAddress(address, coin);
  const params: string[] = [];
  if (amountBaseUnits !== undefined && amountBaseUnits !== 0n) {
    params.push(`amount=${formatBaseUnits(amountBaseUnits, coin.divisibility)}`);
  }
  if (label) params.push(`label=${encodeURIComponent(label)}`);
  if (message) params.push(`message=${encodeURIComponent(message)}`);
  return `${coin.bip21Scheme}:${address.trim()}${params.length ? `?${params.join("&")}` : ""}`;
}
