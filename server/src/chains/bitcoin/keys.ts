/**
 * One entry point for every kind of wallet key a merchant may connect: extended keys of any SLIP-132 family
 * (public or private), Electrum seeds, BIP-39 mnemonics and single-key output descriptors. Each becomes the
 * same thing: an account-level public key, a script type and a canonical descriptor, from which addresses are
 * derived as account/chain/index.
 */
import type { CoinDefinition, CoinSymbol, NetworkName } from "../coins.ts";
import { bip39AccountPath, bip39ToSeed, checkBip39Mnemonic } from "./bip39-wallet.ts";
import { formatDescriptor, type KeyOrigin, parseDescriptor } from "./descriptors.ts";
import { electrumSeedToBip32Seed, electrumSeedType, looksLikeOldElectrumHexSeed } from "./electrum-seed.ts";
import { WalletKeyError } from "./errors.ts";
import {
  deriveIndices,
  fingerprintHex,
  formatPath,
  HARDENED_OFFSET,
  HDKey,
  looksLikeExtendedKey,
  neuter,
  parseExtendedKey,
} from "./extended-keys.ts";
import { type Bip43Purpose, type ScriptType, scriptTypeOfPurpose } from "./script-types.ts";

export type { KeyOrigin } from "./descriptors.ts";
export { WalletKeyError } from "./errors.ts";

export type WalletKeyKind = "xpub" | "xprv" | "electrum_seed" | "bip39" | "descriptor";

export interface WalletKey {
  kind: WalletKeyKind;
  /** Coin and network the key was parsed for (addresses are derived only for them). */
  symbol: CoinSymbol;
  network: NetworkName;
  scriptType: ScriptType;
  /** The account-level node, public only: receive addresses are accountKey/0/i, change accountKey/1/i. */
  accountKey: HDKey;
  /** accountKey serialised with the coin's neutral version bytes (`xpub` on mainnet, `tpub` elsewhere). */
  accountXpub: string;
  /** Where accountKey comes from, when known: fingerprint of the starting key (the master for seeds) and path. */
  origin: KeyOrigin | null;
  /** origin.fingerprint, or null. */
  fingerprint: string | null;
  /** origin as a path such as `m/84'/1'/0'`, or null. */
  path: string | null;
  /** The input held private key material (xprv, seed, descriptor over an xprv). */
  hasPrivate: boolean;
  /** Present only when hasPrivate: the callers decide whether to keep any of it. */
  privateMaterial?: {
    /** accountKey's private counterpart, neutral serialisation (`xprv`/`tprv`). */
    accountXprv: string;
    /** The input as given (trimmed): the seed phrase, xprv or descriptor. */
    secret: string;
    /** The seed passphrase, when one was used. */
    passphrase?: string;
  };
  /** Electrum seed version, for electrum_seed keys. */
  electrumSeedType?: "standard" | "segwit";
  /** Canonical checksummed descriptor of the receive chain, e.g. `wpkh([fp/84h/1h/0h]tpub…/0/*)#checksum`. */
  descriptor: string;
  /** The same for the change chain (`/1/*`). */
  changeDescriptor: string;
  // JSON.stringify() of a WalletKey leaves out accountKey and privateMaterial.
}

export interface ParseWalletKeyOptions {
  /** Seed passphrase (BIP-39 passphrase or Electrum seed extension). */
  passphrase?: string;
  /** BIP-43 purpose for BIP-39 mnemonics: 44 (p2pkh), 49 (p2sh-p2wpkh), 84 (p2wpkh, default) or 86 (p2tr). */
  bip39Purpose?: Bip43Purpose;
  /** BIP-39 account number (default 0). */
  account?: number;
  /**
   * How to read a phrase that is valid both as an Electrum seed and as a BIP-39 mnemonic (which happens by
   * chance): "auto" (default) refuses such a phrase and asks, the others force one reading.
   */
  seedFormat?: "auto" | "electrum" | "bip39";
}

const ACCEPTED =
  "an extended key (xpub, ypub, zpub, tpub, upub, vpub, Ltub, Mtub or their private forms), an Electrum seed, " +
  "a BIP-39 mnemonic or an output descriptor";

interface Account {
  kind: WalletKeyKind;
  scriptType: ScriptType;
  /** The account node, possibly holding its private key. */
  node: HDKey;
  origin: KeyOrigin | null;
  hasPrivate: boolean;
  secret: string;
  passphrase?: string;
  electrumSeedType?: "standard" | "segwit";
}

function build(account: Account, coin: CoinDefinition): WalletKey {
  const accountKey = neuter(account.node);
  const accountXpub = accountKey.publicExtendedKey;
  const origin = account.origin;
  const key: WalletKey = {
    kind: account.kind,
    symbol: coin.symbol,
    network: coin.network,
    scriptType: account.scriptType,
    accountKey,
    accountXpub,
    origin,
    fingerprint: origin?.fingerprint ?? null,
    path: origin ? formatPath(origin.path) : null,
    hasPrivate: account.hasPrivate,
    descriptor: formatDescriptor(account.scriptType, origin, accountXpub, 0),
    changeDescriptor: formatDescriptor(account.scriptType, origin, accountXpub, 1),
  };
  if (account.electrumSeedType) key.electrumSeedType = account.electrumSeedType;
  if (account.hasPrivate) {
    key.privateMaterial = { accountXprv: account.node.privateExtendedKey, secret: account.secret };
    if (account.passphrase) key.privateMaterial.passphrase = account.passphrase;
  }
  // Logged or serialised keys show neither secrets nor the HDKey object (whose own toJSON needs a private key).
  Object.defineProperty(key, "toJSON", {
    enumerable: false,
    value: () => {
      const { accountKey: _node, privateMaterial: _secret, ...rest } = key;
      return rest;
    },
  });
  return key;
}

/** Extended keys are account-level keys (Electrum's convention): addresses are key/chain/index. */
function fromExtendedKey(text: string, coin: CoinDefinition): Account {
  const { node, family, isPrivate } = parseExtendedKey(text, coin);
  if (family.scriptType === null) {
    throw new WalletKeyError(
      "unsupported",
      `${isPrivate ? family.privatePrefix : family.publicPrefix} keys describe ${family.description} wallets; ` +
        "Till supports single-key wallets only.",
    );
  }
  return {
    kind: isPrivate ? "xprv" : "xpub",
    scriptType: family.scriptType,
    node,
    // A depth-0 key is its own origin; deeper keys carry no record of their master.
    origin: node.depth === 0 ? { fingerprint: fingerprintHex(node.fingerprint), path: [] } : null,
    hasPrivate: isPrivate,
    secret: text,
  };
}

function fromDescriptor(text: string, coin: CoinDefinition): Account {
  const parsed = parseDescriptor(text, coin);
  const start = parsed.key.node;
  let node: HDKey;
  try {
    node = deriveIndices(start, parsed.derivation);
  } catch {
    throw new WalletKeyError("invalid", "The descriptor's derivation steps cannot be derived from its key.");
  }
  let origin: KeyOrigin | null = null;
  if (parsed.origin) {
    origin = { fingerprint: parsed.origin.fingerprint, path: [...parsed.origin.path, ...parsed.derivation] };
  } else if (start.depth === 0 || parsed.derivation.length > 0) {
    // BIP-380 normalisation: steps taken below a key are recorded as an origin starting at that key.
    origin = { fingerprint: fingerprintHex(start.fingerprint), path: parsed.derivation };
  }
  return {
    kind: "descriptor",
    scriptType: parsed.scriptType,
    node,
    origin,
    hasPrivate: parsed.key.isPrivate,
    secret: text,
  };
}

function fromElectrumSeed(
  text: string,
  type: "standard" | "segwit",
  passphrase: string,
  coin: CoinDefinition,
): Account {
  const root = HDKey.fromMasterSeed(electrumSeedToBip32Seed(text, passphrase), coin.extendedKeyVersions);
  // Electrum: standard seeds use the master key itself (p2pkh), segwit seeds m/0' (p2wpkh).
  const path = type === "standard" ? [] : [HARDENED_OFFSET];
  return {
    kind: "electrum_seed",
    scriptType: type === "standard" ? "p2pkh" : "p2wpkh",
    node: deriveIndices(root, path),
    origin: { fingerprint: fingerprintHex(root.fingerprint), path },
    hasPrivate: true,
    secret: text,
    passphrase,
    electrumSeedType: type,
  };
}

function fromBip39(normalized: string, text: string, options: ParseWalletKeyOptions, coin: CoinDefinition): Account {
  const purpose = options.bip39Purpose ?? 84;
  const scriptType = scriptTypeOfPurpose(purpose);
  if (!scriptType) throw new WalletKeyError("invalid", "The BIP-39 purpose must be 44, 49, 84 or 86.");
  const accountNumber = options.account ?? 0;
  if (!Number.isSafeInteger(accountNumber) || accountNumber < 0 || accountNumber >= HARDENED_OFFSET) {
    throw new WalletKeyError("invalid", "The account number must be an integer from 0 to 2147483647.");
  }
  const passphrase = options.passphrase ?? "";
  const root = HDKey.fromMasterSeed(bip39ToSeed(normalized, passphrase), coin.extendedKeyVersions);
  const path = bip39AccountPath(purpose, coin.bip44CoinType, accountNumber);
  return {
    kind: "bip39",
    scriptType,
    node: deriveIndices(root, path),
    origin: { fingerprint: fingerprintHex(root.fingerprint), path },
    hasPrivate: true,
    secret: text,
    passphrase,
  };
}

const OLD_AND_2FA = "Electrum seeds from before Electrum 2.0 ('old' seeds) and Electrum 2FA seeds are not supported";

function fromPhrase(text: string, options: ParseWalletKeyOptions, coin: CoinDefinition): Account {
  const format = options.seedFormat ?? "auto";
  const electrumType = electrumSeedType(text);
  const bip39 = checkBip39Mnemonic(text);
  const usableElectrum = electrumType === "standard" || electrumType === "segwit" ? electrumType : null;
  const passphrase = options.passphrase ?? "";

  if (format === "electrum" || (format === "auto" && usableElectrum && !bip39.valid)) {
    if (usableElectrum) return fromElectrumSeed(text, usableElectrum, passphrase, coin);
    throw new WalletKeyError(
      "seed_version",
      electrumType
        ? `This is an Electrum 2FA seed (${electrumType}); only standard and segwit Electrum seeds are supported.`
        : `This is not an Electrum seed of a supported version (standard or segwit). ${OLD_AND_2FA}.`,
    );
  }
  if (format === "bip39" || (format === "auto" && bip39.valid && !usableElectrum)) {
    if (bip39.valid) return fromBip39(bip39.normalized, text, options, coin);
    if (bip39.unknownWords.length > 0) {
      throw new WalletKeyError(
        "unparseable",
        `Not a BIP-39 mnemonic: unknown word(s) ${bip39.unknownWords.map((w) => `"${w}"`).join(", ")}.`,
      );
    }
    if (!bip39.lengthOk) {
      throw new WalletKeyError(
        "invalid",
        `A BIP-39 mnemonic has 12, 15, 18, 21 or 24 words, not ${bip39.words.length}.`,
      );
    }
    throw new WalletKeyError("checksum", "The BIP-39 mnemonic's checksum does not match: check the words for typos.");
  }
  if (usableElectrum && bip39.valid) {
    throw new WalletKeyError(
      "ambiguous",
      `This phrase is valid both as an Electrum ${usableElectrum} seed and as a BIP-39 mnemonic, which give ` +
        "different addresses: say which it is (Electrum or BIP-39).",
    );
  }
  // Neither reading works: say why in the most likely terms.
  if (electrumType) {
    throw new WalletKeyError(
      "seed_version",
      `This is an Electrum 2FA seed (${electrumType}); only standard and segwit Electrum seeds are supported.`,
    );
  }
  if (bip39.unknownWords.length === 0 && bip39.lengthOk) {
    throw new WalletKeyError(
      "checksum",
      "The BIP-39 mnemonic's checksum does not match (check the words for typos), and the phrase is not an " +
        `Electrum seed either. ${OLD_AND_2FA}.`,
    );
  }
  if (bip39.lengthOk && bip39.unknownWords.length <= 2) {
    throw new WalletKeyError(
      "unparseable",
      `Not a valid BIP-39 mnemonic: unknown word(s) ${bip39.unknownWords.map((w) => `"${w}"`).join(", ")} ` +
        `(a typo?), and not an Electrum seed of a supported version either. ${OLD_AND_2FA}.`,
    );
  }
  throw new WalletKeyError(
    "seed_version",
    "This phrase is neither a BIP-39 mnemonic" +
      (bip39.unknownWords.length > 0
        ? ` (unknown word(s) ${bip39.unknownWords.map((w) => `"${w}"`).join(", ")})`
        : ` (${bip39.words.length} words)`) +
      ` nor an Electrum seed of a supported version (standard or segwit). ${OLD_AND_2FA}.`,
  );
}

/**
 * Parses any supported wallet key for a coin and network. Throws a WalletKeyError whose message says what is
 * wrong (unparseable, checksum, another coin or network, unsupported kind, Electrum seed version, …).
 *
 * Extended keys are read with their SLIP-132 meaning (xpub/tpub/Ltub p2pkh, ypub/upub/Mtub p2sh-p2wpkh,
 * zpub/vpub p2wpkh) as account-level keys. Bitcoin testnet, signet and regtest, and Litecoin testnet and
 * regtest, share version bytes, so keys cannot be told apart among them.
 */
export function parseWalletKey(input: string, coin: CoinDefinition, options: ParseWalletKeyOptions = {}): WalletKey {
  const text = input.trim();
  if (text.length === 0) throw new WalletKeyError("unparseable", `The wallet key is empty: give ${ACCEPTED}.`);
  if (options.seedFormat !== undefined && !["auto", "electrum", "bip39"].includes(options.seedFormat)) {
    throw new WalletKeyError("invalid", 'The seed format must be "auto", "electrum" or "bip39".');
  }
  const isPhrase = /\s/u.test(text) && !text.includes("(");
  if (options.passphrase && !isPhrase) {
    throw new WalletKeyError("invalid", "A passphrase applies only to seeds, not to extended keys or descriptors.");
  }
  let account: Account;
  if (text.includes("(")) {
    account = fromDescriptor(text, coin);
  } else if (isPhrase) {
    account = fromPhrase(text, options, coin);
  } else if (looksLikeExtendedKey(text)) {
    account = fromExtendedKey(text, coin);
  } else if (looksLikeOldElectrumHexSeed(text)) {
    throw new WalletKeyError("seed_version", `This looks like a hexadecimal Electrum seed. ${OLD_AND_2FA}.`);
  } else {
    throw new WalletKeyError("unparseable", `This is not a wallet key Till can read: give ${ACCEPTED}.`);
  }
  return build(account, coin);
}
