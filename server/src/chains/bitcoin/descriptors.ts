/**
 * Output script descriptors (BIP-380 family) for single-key wallets: `pkh()`, `sh(wpkh())`, `wpkh()` and `tr()`
 * over one extended key, plus the descriptor checksum of BIP-380, implemented from its specification.
 */
import type { CoinDefinition } from "../coins.ts";
import { WalletKeyError } from "./errors.ts";
import { HARDENED_OFFSET, looksLikeExtendedKey, type ParsedExtendedKey, parseExtendedKey } from "./extended-keys.ts";
import { type ScriptType, wrapDescriptor } from "./script-types.ts";

// BIP-380: three groups of 32 characters; a character's symbol is its position in its group, and the group
// numbers of every three characters form one more symbol.
const INPUT_CHARSET =
  "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
const CHECKSUM_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATOR = [0xf5dee51989n, 0xa9fdca3312n, 0x1bab10e32dn, 0x3706b1677an, 0x644d626ffdn];

function polymod(checksum: bigint, value: number): bigint {
  const top = checksum >> 35n;
  let next = ((checksum & 0x7ffffffffn) << 5n) ^ BigInt(value);
  for (let i = 0; i < 5; i++) if ((top >> BigInt(i)) & 1n) next ^= GENERATOR[i]!;
  return next;
}

/** The 8-character checksum of a descriptor (without `#…`), or null if it has characters outside the set. */
export function descriptorChecksum(body: string): string | null {
  let checksum = 1n;
  let groups = 0;
  let groupCount = 0;
  for (const char of body) {
    const position = INPUT_CHARSET.indexOf(char);
    if (position === -1) return null;
    checksum = polymod(checksum, position & 31);
    groups = groups * 3 + (position >> 5);
    if (++groupCount === 3) {
      checksum = polymod(checksum, groups);
      groups = 0;
      groupCount = 0;
    }
  }
  if (groupCount > 0) checksum = polymod(checksum, groups);
  for (let i = 0; i < 8; i++) checksum = polymod(checksum, 0);
  checksum ^= 1n;
  let out = "";
  for (let i = 0; i < 8; i++) out += CHECKSUM_CHARSET[Number((checksum >> BigInt(5 * (7 - i))) & 31n)];
  return out;
}

/** Appends `#checksum` to a descriptor body. */
export function addDescriptorChecksum(body: string): string {
  const checksum = descriptorChecksum(body);
  if (checksum === null) throw new Error("The descriptor has characters outside the descriptor character set");
  return `${body}#${checksum}`;
}

/** Splits `SCRIPT#CHECKSUM`, verifying the checksum when there is one; throws a WalletKeyError otherwise. */
export function splitDescriptorChecksum(text: string): { body: string; checksum: string | null } {
  const parts = text.split("#");
  if (parts.length > 2) throw new WalletKeyError("unparseable", "The descriptor has more than one '#'.");
  const body = parts[0]!;
  const computed = descriptorChecksum(body);
  if (computed === null) {
    throw new WalletKeyError("unparseable", "The descriptor has characters outside the descriptor character set.");
  }
  if (parts.length === 1) return { body, checksum: null };
  const given = parts[1]!;
  if (given.length !== 8) {
    throw new WalletKeyError(
      "checksum",
      `The descriptor checksum must be 8 characters long, got ${given.length === 0 ? "none" : given.length}.`,
    );
  }
  if (given !== computed) {
    throw new WalletKeyError("checksum", "The descriptor checksum does not match: check the descriptor for typos.");
  }
  return { body, checksum: given };
}

export interface KeyOrigin {
  /** Fingerprint (8 hex digits) of the key the path starts from, usually the master key. */
  fingerprint: string;
  /** Child indices from that key. */
  path: number[];
}

export interface ParsedDescriptor {
  scriptType: ScriptType;
  /** Origin as written in `[…]`, or null. */
  origin: KeyOrigin | null;
  /** The extended key as written. */
  key: ParsedExtendedKey;
  /** Steps written between the key and the chain step (`…/5/6/0/*` gives [5, 6]). */
  derivation: number[];
  /** Chain steps: [0] for `/0/*`, [0, 1] for `/<0;1>/*`. */
  chains: number[];
}

const SUPPORTED = "only pkh(), sh(wpkh()), wpkh() and tr() over one extended key are supported";

function parseIndex(step: string, where: string): number {
  const match = /^(\d+)([hH']?)$/.exec(step);
  if (!match) throw new WalletKeyError("unparseable", `The descriptor has an invalid ${where} step "${step}".`);
  const value = Number(match[1]);
  if (!Number.isSafeInteger(value) || value >= HARDENED_OFFSET) {
    throw new WalletKeyError("invalid", `The ${where} step "${step}" is out of range.`);
  }
  return match[2] ? value + HARDENED_OFFSET : value;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === "(" || char === "{") depth++;
    else if (char === ")" || char === "}") depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}

function scriptOf(body: string): { scriptType: ScriptType; inner: string } {
  const forms: [RegExp, ScriptType][] = [
    [/^pkh\((.*)\)$/s, "p2pkh"],
    [/^sh\(wpkh\((.*)\)\)$/s, "p2sh-p2wpkh"],
    [/^wpkh\((.*)\)$/s, "p2wpkh"],
    [/^tr\((.*)\)$/s, "p2tr"],
  ];
  if (/^tr\([^,()]*,.*\)$/s.test(body) && balanced(body)) {
    throw new WalletKeyError("unsupported", `Taproot descriptors with script paths are not supported: ${SUPPORTED}.`);
  }
  for (const [pattern, scriptType] of forms) {
    const match = pattern.exec(body);
    if (match && !/[(){},]/.test(match[1]!)) return { scriptType, inner: match[1]! };
  }
  const name = /^([a-z_]+)\(.*\)$/s.exec(body)?.[1];
  if (!name || !balanced(body)) throw new WalletKeyError("unparseable", "This is not an output descriptor.");
  throw new WalletKeyError("unsupported", `Unsupported descriptor ${name}(…): ${SUPPORTED}.`);
}

/**
 * Parses a single-key receive descriptor for a coin: `wpkh([fp/84h/0h/0h]xpub…/0/*)`, also `/<0;1>/*`, with or
 * without key origin and checksum (verified when present). Hardened steps after the key need a private key.
 */
export function parseDescriptor(text: string, coin: CoinDefinition): ParsedDescriptor {
  const { body } = splitDescriptorChecksum(text.trim());
  const { scriptType, inner } = scriptOf(body);

  const keyMatch = /^(?:\[([^\]]*)\])?([^/[\]]+)((?:\/[^/]*)*)$/.exec(inner);
  if (!keyMatch) throw new WalletKeyError("unparseable", "The descriptor's key expression cannot be read.");
  const [, originText, keyText, stepsText] = keyMatch as unknown as [string, string | undefined, string, string];

  let origin: KeyOrigin | null = null;
  if (originText !== undefined) {
    const [fingerprint, ...originSteps] = originText.split("/");
    if (!/^[0-9a-fA-F]{8}$/.test(fingerprint!)) {
      throw new WalletKeyError("unparseable", "The key origin must start with exactly 8 hex digits of fingerprint.");
    }
    origin = {
      fingerprint: fingerprint!.toLowerCase(),
      path: originSteps.map((step) => parseIndex(step, "key origin")),
    };
  }

  if (!looksLikeExtendedKey(keyText)) {
    throw new WalletKeyError(
      "unsupported",
      `The descriptor's key is not an extended key: a wallet needs an xpub (or tpub) to derive addresses; ${SUPPORTED}.`,
    );
  }
  const key = parseExtendedKey(keyText, coin);

  const steps = stepsText === "" ? [] : stepsText.slice(1).split("/");
  if (steps.filter((step) => step.includes("<") || step.includes(">")).length > 1) {
    throw new WalletKeyError("unparseable", "A key may have only one multipath step (<…;…>).");
  }
  if (steps.slice(0, -1).some((step) => step.includes("*"))) {
    throw new WalletKeyError("unparseable", "A wildcard (*) may appear only as the last step.");
  }
  const last = steps.pop();
  if (last === undefined || !/^\*[hH']?$/.test(last)) {
    throw new WalletKeyError(
      "unsupported",
      "The descriptor must describe a range of addresses ending in /0/* (or /<0;1>/*).",
    );
  }
  if (last !== "*") {
    throw new WalletKeyError("unsupported", "Hardened wildcards (/*h) cannot be watched without private keys.");
  }
  const chainStep = steps.pop();
  let chains: number[];
  if (chainStep === undefined) {
    throw new WalletKeyError(
      "unsupported",
      "The descriptor must name the receive chain before the wildcard: /0/* (or /<0;1>/* for receive and change).",
    );
  } else if (chainStep.startsWith("<")) {
    const multi = /^<([^<>]*)>$/.exec(chainStep);
    if (!multi) throw new WalletKeyError("unparseable", `The descriptor has an invalid multipath step "${chainStep}".`);
    chains = multi[1]!.split(";").map((step) => parseIndex(step, "multipath"));
    if (chains.length !== 2 || chains[0] !== 0 || chains[1] !== 1) {
      throw new WalletKeyError("unsupported", "Only the multipath step /<0;1>/* (receive and change) is supported.");
    }
  } else {
    const chain = parseIndex(chainStep, "chain");
    if (chain === 1) {
      throw new WalletKeyError(
        "unsupported",
        "This descriptor describes the change chain (/1/*): give the receive descriptor (/0/*) or /<0;1>/*.",
      );
    }
    if (chain !== 0) {
      throw new WalletKeyError("unsupported", "The descriptor's chain step must be 0 (receive): …/0/* or …/<0;1>/*.");
    }
    chains = [0];
  }
  if (steps.some((step) => step.includes("<") || step.includes(">"))) {
    throw new WalletKeyError("unsupported", "The multipath step must come right before the wildcard: …/<0;1>/*.");
  }
  const derivation = steps.map((step) => parseIndex(step, "derivation"));
  if (!key.isPrivate && derivation.some((index) => index >= HARDENED_OFFSET)) {
    throw new WalletKeyError("invalid", "Hardened derivation steps after a public key cannot be derived.");
  }
  return { scriptType, origin, key, derivation, chains };
}

/** The key expression `[fp/84h/0h/0h]xpub…` (origin omitted when unknown or empty). */
export function formatKeyExpression(origin: KeyOrigin | null, extendedKey: string): string {
  if (!origin || origin.path.length === 0) return extendedKey;
  const path = origin.path.map((i) => (i >= HARDENED_OFFSET ? `${i - HARDENED_OFFSET}h` : `${i}`)).join("/");
  return `[${origin.fingerprint}/${path}]${extendedKey}`;
}

/** A checksummed descriptor for one chain (0 receive, 1 change) or both (`/<0;1>/*`) of an account key. */
export function formatDescriptor(
  scriptType: ScriptType,
  origin: KeyOrigin | null,
  accountXpub: string,
  chain: 0 | 1 | "both",
): string {
  const chainStep = chain === "both" ? "<0;1>" : `${chain}`;
  return addDescriptorChecksum(
    wrapDescriptor(scriptType, `${formatKeyExpression(origin, accountXpub)}/${chainStep}/*`),
  );
}
