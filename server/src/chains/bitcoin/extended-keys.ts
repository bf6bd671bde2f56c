/**
 * BIP-32 extended keys in all SLIP-132 serialisations: parsing with the coin/network check, and serialising
 * a node back in any family of a coin.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { base58 } from "@scure/base";
import { HARDENED_OFFSET, HDKey } from "@scure/bip32";
import { type CoinDefinition, type ExtendedKeyFamily, listCoins, type ScriptType } from "../coins.ts";
import { WalletKeyError } from "./errors.ts";

export { HARDENED_OFFSET, HDKey };

export interface ParsedExtendedKey {
  /** The node, set to serialise with the coin's neutral version bytes (`xpub`/`tpub`). */
  node: HDKey;
  /** The SLIP-132 family the input was written in. */
  family: ExtendedKeyFamily;
  isPrivate: boolean;
}

const BASE58_KEY = /^[1-9A-HJ-NP-Za-km-z]{100,120}$/;

/** Whether the text has the shape of a serialised extended key (base58, about 111 characters). */
export const looksLikeExtendedKey = (text: string) => BASE58_KEY.test(text);

const checksumOf = (payload: Uint8Array) => sha256(sha256(payload)).subarray(0, 4);

/** Decodes base58check, telling "not base58" apart from "wrong checksum". */
export function decodeBase58Check(text: string): { payload: Uint8Array } | { error: "unparseable" | "checksum" } {
  let raw: Uint8Array;
  try {
    raw = base58.decode(text);
  } catch {
    return { error: "unparseable" };
  }
  if (raw.length < 5) return { error: "unparseable" };
  const payload = raw.subarray(0, raw.length - 4);
  const expected = checksumOf(payload);
  const actual = raw.subarray(raw.length - 4);
  for (let i = 0; i < 4; i++) if (expected[i] !== actual[i]) return { error: "checksum" };
  return { payload };
}

export function encodeBase58Check(payload: Uint8Array): string {
  const out = new Uint8Array(payload.length + 4);
  out.set(payload);
  out.set(checksumOf(payload), payload.length);
  return base58.encode(out);
}

const readU32 = (bytes: Uint8Array, offset: number) =>
  ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;

/** The coins and networks (as labels) whose accepted families include these version bytes. */
function ownersOfVersion(version: number): { labels: string[]; family: ExtendedKeyFamily | undefined } {
  const labels: string[] = [];
  let found: ExtendedKeyFamily | undefined;
  for (const coin of listCoins()) {
    const match = coin.extendedKeyFamilies.find((f) => f.public === version || f.private === version);
    if (match) {
      labels.push(coin.label);
      found ??= match;
    }
  }
  return { labels, family: found };
}

const short = (text: string) => (text.length > 16 ? `${text.slice(0, 8)}…${text.slice(-4)}` : text);

/**
 * Parses a serialised extended key of any SLIP-132 family accepted for the coin and network.
 * Throws a WalletKeyError saying what is wrong: not base58, checksum, unknown version, another coin or network,
 * or an invalid key (the cases of BIP-32 test vector 5).
 */
export function parseExtendedKey(text: string, coin: CoinDefinition): ParsedExtendedKey {
  const decoded = decodeBase58Check(text);
  if ("error" in decoded) {
    throw decoded.error === "checksum"
      ? new WalletKeyError("checksum", `The extended key ${short(text)} has a wrong checksum: check it for typos.`)
      : new WalletKeyError("unparseable", "The extended key is not valid base58.");
  }
  const bytes = decoded.payload;
  if (bytes.length !== 78) {
    throw new WalletKeyError("invalid", `The extended key is ${bytes.length} bytes long instead of 78.`);
  }
  const version = readU32(bytes, 0);
  const family = coin.extendedKeyFamilies.find((f) => f.public === version || f.private === version);
  if (!family) {
    const owners = ownersOfVersion(version);
    if (owners.family) {
      const prefix = owners.family.public === version ? owners.family.publicPrefix : owners.family.privatePrefix;
      throw new WalletKeyError(
        "wrong_network",
        `This ${prefix} key belongs to another coin or network (${owners.labels.join(", ")}), not ${coin.label}.`,
      );
    }
    throw new WalletKeyError(
      "unparseable",
      `Unknown extended key version bytes 0x${version.toString(16).padStart(8, "0")}.`,
    );
  }
  const isPrivate = version === family.private;
  const prefix = isPrivate ? family.privatePrefix : family.publicPrefix;
  const keyData = bytes.subarray(45, 78);
  if (isPrivate && keyData[0] !== 0) {
    throw new WalletKeyError("invalid", `The ${prefix} key has private version bytes but holds no private key.`);
  }
  if (!isPrivate && keyData[0] !== 2 && keyData[0] !== 3) {
    throw new WalletKeyError(
      "invalid",
      keyData[0] === 0
        ? `The ${prefix} key has public version bytes but holds a private key.`
        : `The ${prefix} key holds an invalid public key (prefix 0x${keyData[0]!.toString(16).padStart(2, "0")}).`,
    );
  }
  const depth = bytes[4]!;
  const parentFingerprint = readU32(bytes, 5);
  const index = readU32(bytes, 9);
  if (depth === 0 && parentFingerprint !== 0) {
    throw new WalletKeyError("invalid", `The ${prefix} key has depth 0 but a non-zero parent fingerprint.`);
  }
  if (depth === 0 && index !== 0) {
    throw new WalletKeyError("invalid", `The ${prefix} key has depth 0 but a non-zero child index.`);
  }
  let node: HDKey;
  try {
    node = new HDKey({
      versions: coin.extendedKeyVersions,
      depth,
      parentFingerprint,
      index,
      chainCode: bytes.slice(13, 45),
      ...(isPrivate ? { privateKey: keyData.slice(1) } : { publicKey: keyData.slice() }),
    });
  } catch {
    throw new WalletKeyError(
      "invalid",
      isPrivate
        ? `The ${prefix} key holds an out-of-range private key.`
        : `The ${prefix} key holds a public key that is not a point on the curve.`,
    );
  }
  return { node, family, isPrivate };
}

/** Finds the family of a coin used for a script type (the first one, so Litecoin mainnet gives xpub/ypub/zpub). */
export function familyForScriptType(coin: CoinDefinition, scriptType: ScriptType): ExtendedKeyFamily | undefined {
  return coin.extendedKeyFamilies.find((f) => f.scriptType === scriptType);
}

function rebuild(node: HDKey, versions: { public: number; private: number }, keepPrivate: boolean): HDKey {
  const base = {
    versions,
    depth: node.depth,
    index: node.index,
    parentFingerprint: node.parentFingerprint,
    chainCode: node.chainCode!,
  };
  return keepPrivate && node.privateKey
    ? new HDKey({ ...base, privateKey: node.privateKey })
    : new HDKey({ ...base, publicKey: node.publicKey! });
}

/** A public-only copy of a node (same versions). */
export const neuter = (node: HDKey): HDKey => rebuild(node, node.versions, false);

/** A copy of a node that serialises with the coin's neutral version bytes. */
export const withCoinVersions = (node: HDKey, coin: CoinDefinition): HDKey =>
  rebuild(node, coin.extendedKeyVersions, true);

/**
 * Serialises a node for a coin: `format` "neutral" gives `xpub`/`tpub` (`xprv`/`tprv`), a script type gives the
 * SLIP-132 family the coin's wallets use for it (e.g. `zpub`/`vpub` for p2wpkh). p2tr has no family of its
 * own and is serialised neutrally.
 */
export function serializeExtendedKey(
  node: HDKey,
  coin: CoinDefinition,
  format: ScriptType | "neutral",
  which: "public" | "private" = "public",
): string {
  const family = format === "neutral" ? undefined : familyForScriptType(coin, format);
  const versions = family ? { public: family.public, private: family.private } : coin.extendedKeyVersions;
  if (which === "private" && !node.privateKey) throw new Error("The node has no private key");
  const copy = rebuild(node, versions, which === "private");
  return which === "private" ? copy.privateExtendedKey : copy.publicExtendedKey;
}

/** A 32-bit fingerprint as 8 lowercase hex digits. */
export const fingerprintHex = (fingerprint: number) => (fingerprint >>> 0).toString(16).padStart(8, "0");

/** Formats child indices as a path: `m/84'/0'/0'` (or with `h` as the hardened marker). */
export function formatPath(indices: readonly number[], hardened: "'" | "h" = "'"): string {
  return ["m", ...indices.map((i) => (i >= HARDENED_OFFSET ? `${i - HARDENED_OFFSET}${hardened}` : `${i}`))].join("/");
}

/** Derives along child indices (hardened ones need a private key). */
export function deriveIndices(node: HDKey, indices: readonly number[]): HDKey {
  let current = node;
  for (const index of indices) current = current.deriveChild(index);
  return current;
}
