/**
 * Coin definitions: everything Till needs to know about a UTXO coin on one network to parse wallet keys,
 * derive and validate addresses, build payment URIs and pick default servers. Pure data, no I/O.
 *
 * Sources of the constants: BIP-173/SLIP-173 (bech32 prefixes), SLIP-132 (extended key version bytes),
 * SLIP-44 (coin types), Bitcoin Core and Litecoin Core chain parameters (base58 version bytes, WIF prefixes)
 * and Electrum / Electrum-LTC (extended key families they produce, default servers).
 */

export type CoinSymbol = "BTC" | "LTC";
export type NetworkName = "mainnet" | "testnet" | "signet" | "regtest";

/** Output script kinds a single-key wallet can use. */
export type ScriptType = "p2pkh" | "p2sh-p2wpkh" | "p2wpkh" | "p2tr";

/**
 * One family of serialised extended keys (SLIP-132), e.g. `zpub`/`zprv`. `scriptType` is the address kind
 * the version bytes announce; `null` marks the multisig families (Ypub, Zpub, …) that a single-key wallet
 * cannot use but that are still recognised so the error can say what they are.
 */
export interface ExtendedKeyFamily {
  /** Four-letter prefix of the public serialisation (`xpub`, `zpub`, `Ltub`, …). */
  publicPrefix: string;
  /** Four-letter prefix of the private serialisation (`xprv`, `zprv`, `Ltpv`, …). */
  privatePrefix: string;
  public: number;
  private: number;
  scriptType: ScriptType | null;
  /** What the family stands for, in words, for messages. */
  description: string;
}

export interface CoinDefinition {
  symbol: CoinSymbol;
  /** Human name of the coin ("Bitcoin"). */
  name: string;
  network: NetworkName;
  /** Human name of coin and network together ("Litecoin regtest"), for messages. */
  label: string;
  /** Human-readable part of bech32/bech32m (segwit) addresses. */
  bech32Hrp: string;
  /** Base58 version byte used when encoding a P2PKH address. */
  p2pkhVersion: number;
  /** Base58 version byte used when encoding a P2SH address. */
  p2shVersion: number;
  /** Version bytes accepted for P2PKH addresses on input. */
  p2pkhVersions: readonly number[];
  /** Version bytes accepted for P2SH addresses on input (Litecoin has a legacy one besides its own). */
  p2shVersions: readonly number[];
  /** Version byte of WIF-encoded private keys. */
  wifPrefix: number;
  /** Version bytes of the neutral (BIP-32) serialisation: `xpub`/`xprv` on mainnet, `tpub`/`tprv` elsewhere. */
  extendedKeyVersions: { public: number; private: number };
  /** Every extended key family accepted for this coin and network, neutral one first. */
  extendedKeyFamilies: readonly ExtendedKeyFamily[];
  /** SLIP-44 coin type used in BIP-44/49/84/86 paths (1 for every test network). */
  bip44CoinType: number;
  /** Decimal places of one coin in base units (satoshi, litoshi). */
  divisibility: number;
  /** URI scheme of BIP-21 payment links. */
  bip21Scheme: string;
  /** Default public Electrum servers as `ssl://host:port`; empty where there are none (regtest). */
  electrumServers: readonly string[];
  /** Block explorer URL templates with `{txid}` / `{address}` placeholders, or null (regtest). */
  explorer: { tx: string; address: string } | null;
}

const family = (
  publicPrefix: string,
  publicVersion: number,
  privatePrefix: string,
  privateVersion: number,
  scriptType: ScriptType | null,
  description: string,
): ExtendedKeyFamily => ({
  publicPrefix,
  privatePrefix,
  public: publicVersion,
  private: privateVersion,
  scriptType,
  description,
});

// SLIP-132 registered version bytes.
const XPUB = family("xpub", 0x0488b21e, "xprv", 0x0488ade4, "p2pkh", "legacy P2PKH (BIP-44)");
const YPUB = family("ypub", 0x049d7cb2, "yprv", 0x049d7878, "p2sh-p2wpkh", "nested segwit P2SH-P2WPKH (BIP-49)");
const ZPUB = family("zpub", 0x04b24746, "zprv", 0x04b2430c, "p2wpkh", "native segwit P2WPKH (BIP-84)");
const YPUB_MULTI = family("Ypub", 0x0295b43f, "Yprv", 0x0295b005, null, "multisig P2SH-P2WSH");
const ZPUB_MULTI = family("Zpub", 0x02aa7ed3, "Zprv", 0x02aa7a99, null, "multisig P2WSH");
const TPUB = family("tpub", 0x043587cf, "tprv", 0x04358394, "p2pkh", "legacy P2PKH (BIP-44)");
const UPUB = family("upub", 0x044a5262, "uprv", 0x044a4e28, "p2sh-p2wpkh", "nested segwit P2SH-P2WPKH (BIP-49)");
const VPUB = family("vpub", 0x045f1cf6, "vprv", 0x045f18bc, "p2wpkh", "native segwit P2WPKH (BIP-84)");
const UPUB_MULTI = family("Upub", 0x024289ef, "Uprv", 0x024285b5, null, "multisig P2SH-P2WSH");
const VPUB_MULTI = family("Vpub", 0x02575483, "Vprv", 0x02575048, null, "multisig P2WSH");
const LTUB = family("Ltub", 0x019da462, "Ltpv", 0x019d9cfe, "p2pkh", "Litecoin legacy P2PKH (BIP-44)");
const MTUB = family("Mtub", 0x01b26ef6, "Mtpv", 0x01b26792, "p2sh-p2wpkh", "Litecoin nested segwit P2SH-P2WPKH");
const TTUB = family("ttub", 0x0436f6e1, "ttpv", 0x0436ef7d, "p2pkh", "Litecoin testnet legacy P2PKH");

const BTC_MAIN_FAMILIES = [XPUB, YPUB, ZPUB, YPUB_MULTI, ZPUB_MULTI] as const;
const BTC_TEST_FAMILIES = [TPUB, UPUB, VPUB, UPUB_MULTI, VPUB_MULTI] as const;
// Litecoin Core and Electrum-LTC serialise with Bitcoin's bytes (xpub/ypub/zpub on mainnet, tpub/upub/vpub on
// test networks); older wallets use SLIP-132's Litecoin-specific Ltub/Mtub and ttub, accepted too.
const LTC_MAIN_FAMILIES = [XPUB, YPUB, ZPUB, YPUB_MULTI, ZPUB_MULTI, LTUB, MTUB] as const;
const LTC_TEST_FAMILIES = [TPUB, UPUB, VPUB, UPUB_MULTI, VPUB_MULTI, TTUB] as const;

const MAIN_EXT = { public: XPUB.public, private: XPUB.private };
const TEST_EXT = { public: TPUB.public, private: TPUB.private };

const BTC_BASE = { symbol: "BTC", name: "Bitcoin", divisibility: 8, bip21Scheme: "bitcoin" } as const;
const LTC_BASE = { symbol: "LTC", name: "Litecoin", divisibility: 8, bip21Scheme: "litecoin" } as const;

const BTC_TEST_BASE58 = {
  p2pkhVersion: 0x6f,
  p2shVersion: 0xc4,
  p2pkhVersions: [0x6f],
  p2shVersions: [0xc4],
  wifPrefix: 0xef,
  extendedKeyVersions: TEST_EXT,
  extendedKeyFamilies: BTC_TEST_FAMILIES,
  bip44CoinType: 1,
} as const;

// Litecoin testnet and regtest encode P2SH with 0x3a ("Q…") and still accept Bitcoin's 0xc4 ("2…").
const LTC_TEST_BASE58 = {
  p2pkhVersion: 0x6f,
  p2shVersion: 0x3a,
  p2pkhVersions: [0x6f],
  p2shVersions: [0x3a, 0xc4],
  wifPrefix: 0xef,
  extendedKeyVersions: TEST_EXT,
  extendedKeyFamilies: LTC_TEST_FAMILIES,
  bip44CoinType: 1,
} as const;

const COINS: readonly CoinDefinition[] = [
  {
    ...BTC_BASE,
    network: "mainnet",
    label: "Bitcoin mainnet",
    bech32Hrp: "bc",
    p2pkhVersion: 0x00,
    p2shVersion: 0x05,
    p2pkhVersions: [0x00],
    p2shVersions: [0x05],
    wifPrefix: 0x80,
    extendedKeyVersions: MAIN_EXT,
    extendedKeyFamilies: BTC_MAIN_FAMILIES,
    bip44CoinType: 0,
    electrumServers: [
      "ssl://electrum.blockstream.info:50002",
      "ssl://electrum.emzy.de:50002",
      "ssl://fortress.qtornado.com:443",
      "ssl://electrum.bitaroo.net:50002",
      "ssl://bitcoin.lu.ke:50002",
    ],
    explorer: { tx: "https://mempool.space/tx/{txid}", address: "https://mempool.space/address/{address}" },
  },
  {
    ...BTC_BASE,
    ...BTC_TEST_BASE58,
    network: "testnet",
    label: "Bitcoin testnet",
    bech32Hrp: "tb",
    electrumServers: [
      "ssl://electrum.blockstream.info:60002",
      "ssl://testnet.qtornado.com:51002",
      "ssl://testnet.aranguren.org:51002",
      "ssl://blackie.c3-soft.com:57006",
    ],
    explorer: {
      tx: "https://mempool.space/testnet/tx/{txid}",
      address: "https://mempool.space/testnet/address/{address}",
    },
  },
  {
    ...BTC_BASE,
    ...BTC_TEST_BASE58,
    network: "signet",
    label: "Bitcoin signet",
    bech32Hrp: "tb",
    electrumServers: ["ssl://mempool.space:60602", "ssl://electrum.emzy.de:53002"],
    explorer: {
      tx: "https://mempool.space/signet/tx/{txid}",
      address: "https://mempool.space/signet/address/{address}",
    },
  },
  {
    ...BTC_BASE,
    ...BTC_TEST_BASE58,
    network: "regtest",
    label: "Bitcoin regtest",
    bech32Hrp: "bcrt",
    electrumServers: [],
    explorer: null,
  },
  {
    ...LTC_BASE,
    network: "mainnet",
    label: "Litecoin mainnet",
    bech32Hrp: "ltc",
    p2pkhVersion: 0x30,
    p2shVersion: 0x32,
    p2pkhVersions: [0x30],
    // 0x05 ("3…") is Litecoin's legacy P2SH version, still accepted by Litecoin Core.
    p2shVersions: [0x32, 0x05],
    wifPrefix: 0xb0,
    extendedKeyVersions: MAIN_EXT,
    extendedKeyFamilies: LTC_MAIN_FAMILIES,
    bip44CoinType: 2,
    electrumServers: [
      "ssl://electrum-ltc.bysh.me:50002",
      "ssl://electrum.ltc.xurious.com:50002",
      "ssl://backup.electrum-ltc.org:443",
      "ssl://electrum1.cipig.net:20063",
    ],
    explorer: { tx: "https://litecoinspace.org/tx/{txid}", address: "https://litecoinspace.org/address/{address}" },
  },
  {
    ...LTC_BASE,
    ...LTC_TEST_BASE58,
    network: "testnet",
    label: "Litecoin testnet",
    bech32Hrp: "tltc",
    electrumServers: ["ssl://electrum-ltc.bysh.me:51002", "ssl://electrum.ltc.xurious.com:51002"],
    explorer: {
      tx: "https://litecoinspace.org/testnet/tx/{txid}",
      address: "https://litecoinspace.org/testnet/address/{address}",
    },
  },
  {
    ...LTC_BASE,
    ...LTC_TEST_BASE58,
    network: "regtest",
    label: "Litecoin regtest",
    bech32Hrp: "rltc",
    electrumServers: [],
    explorer: null,
  },
];

/** All coin definitions, in a stable order. */
export function listCoins(): readonly CoinDefinition[] {
  return COINS;
}

/** The coin definition for a symbol (case-insensitive, so Bitcart's lowercase "btc" works) and network, if any. */
export function findCoin(symbol: string, network: string): CoinDefinition | undefined {
  const upper = symbol.trim().toUpperCase();
  const net = network.trim().toLowerCase();
  return COINS.find((coin) => coin.symbol === upper && coin.network === net);
}

/** Like `findCoin`, but throws when the coin or network is unknown (e.g. Litecoin has no signet). */
export function getCoin(symbol: string, network: string): CoinDefinition {
  const coin = findCoin(symbol, network);
  if (!coin) throw new RangeError(`Unknown coin or network: ${symbol} ${network}`);
  return coin;
}

/** `coin.symbol:coin.network`, a stable identifier for maps and comparisons. */
export const coinId = (coin: Pick<CoinDefinition, "symbol" | "network">) => `${coin.symbol}:${coin.network}`;

/** Block explorer page of a transaction, or null when the network has no public explorer. */
export function explorerTxUrl(coin: CoinDefinition, txid: string): string | null {
  return coin.explorer ? coin.explorer.tx.replace("{txid}", encodeURIComponent(txid)) : null;
}

/** Block explorer page of an address, or null when the network has no public explorer. */
export function explorerAddressUrl(coin: CoinDefinition, address: string): string | null {
  return coin.explorer ? coin.explorer.address.replace("{address}", encodeURIComponent(address)) : null;
}
