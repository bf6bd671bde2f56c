/**
 * Consensus parameters the electrum backend needs to validate block headers on its own: proof-of-work algorithm and
 * limit, difficulty adjustment rules and checkpoints. Values come from Bitcoin Core's and Litecoin Core's
 * chainparams.cpp (consensus.powLimit, nPowTargetTimespan, nPowTargetSpacing, fPowAllowMinDifficultyBlocks,
 * fPowNoRetargeting and the genesis block hashes).
 */
import type { CoinSymbol, NetworkName } from "../../coins.ts";

export type PowAlgorithm =
  /** Bitcoin: the block hash itself, double SHA-256 of the 80-byte header. */
  | "sha256d"
  /** Litecoin: scrypt(N=1024, r=1, p=1, 32 bytes) of the header, with the header as password and salt. */
  | "scrypt";

export interface ChainParams {
  /** Human name, for messages ("Litecoin regtest"). */
  name: string;
  powAlgorithm: PowAlgorithm;
  /** Highest target a header may claim. */
  powLimit: bigint;
  /** Blocks between difficulty adjustments (2016 on both coins). */
  retargetInterval: number;
  /** Seconds one adjustment period should last (BTC two weeks, LTC 3.5 days). */
  targetTimespan: number;
  /** Seconds between blocks the network aims at (BTC 600, LTC 150). */
  targetSpacing: number;
  /** Testnets and regtest: a block more than two spacings after its parent may use the minimum difficulty. */
  allowMinDifficultyBlocks: boolean;
  /** Regtest: the difficulty never adjusts. */
  noRetargeting: boolean;
  /**
   * Litecoin's retarget: the period's first block is one further back than Bitcoin's (except at the first
   * retarget), and the intermediate target is shifted right by one bit while multiplied, to avoid overflow.
   */
  litecoinRetarget: boolean;
  /** Known block hashes by height (display hex). Headers at these heights must match. */
  checkpoints: ReadonlyMap<number, string>;
  /**
   * Highest target accepted for a starting header taken on trust (one not covered by a checkpoint), or null. This is
   * a floor on mainnet difficulty far below today's: a server inventing a chain must then mine it at that difficulty
   * (headers after the starting one follow the retarget rules, so they cannot drop much below it within the window).
   */
  anchorMaxTarget: bigint | null;
}

/** Target of difficulty 1 (compact 0x1d00ffff): difficulties on both coins are expressed relative to it. */
const DIFFICULTY_1_TARGET = 0xffffn << 208n;

const BTC_MAIN_LIMIT = BigInt(`0x00000000${"f".repeat(56)}`);
const LTC_MAIN_LIMIT = BigInt(`0x00000${"f".repeat(59)}`);
const SIGNET_LIMIT = BigInt(`0x00000377ae${"0".repeat(54)}`);
const REGTEST_LIMIT = BigInt(`0x7${"f".repeat(63)}`);

const BTC_TIMING = { retargetInterval: 2016, targetTimespan: 14 * 24 * 60 * 60, targetSpacing: 10 * 60 } as const;
const LTC_TIMING = { retargetInterval: 2016, targetTimespan: (7 * 24 * 60 * 60) / 2, targetSpacing: 150 } as const;

const genesis = (hash: string) => new Map([[0, hash]]);

const PARAMS: Record<string, ChainParams> = {
  "BTC:mainnet": {
    name: "Bitcoin mainnet",
    powAlgorithm: "sha256d",
    powLimit: BTC_MAIN_LIMIT,
    ...BTC_TIMING,
    allowMinDifficultyBlocks: false,
    noRetargeting: false,
    litecoinRetarget: false,
    checkpoints: genesis("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"),
    // Difficulty 10^12: passed in 2018, about 1/100 of the difficulty in 2025.
    anchorMaxTarget: DIFFICULTY_1_TARGET / 1_000_000_000_000n,
  },
  "BTC:testnet": {
    name: "Bitcoin testnet3",
    powAlgorithm: "sha256d",
    powLimit: BTC_MAIN_LIMIT,
    ...BTC_TIMING,
    allowMinDifficultyBlocks: true,
    noRetargeting: false,
    litecoinRetarget: false,
    checkpoints: genesis("000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943"),
    anchorMaxTarget: null,
  },
  "BTC:signet": {
    name: "Bitcoin signet",
    powAlgorithm: "sha256d",
    powLimit: SIGNET_LIMIT,
    ...BTC_TIMING,
    allowMinDifficultyBlocks: false,
    noRetargeting: false,
    litecoinRetarget: false,
    checkpoints: genesis("00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6"),
    anchorMaxTarget: null,
  },
  "BTC:regtest": {
    name: "Bitcoin regtest",
    powAlgorithm: "sha256d",
    powLimit: REGTEST_LIMIT,
    ...BTC_TIMING,
    allowMinDifficultyBlocks: true,
    noRetargeting: true,
    litecoinRetarget: false,
    checkpoints: genesis("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"),
    anchorMaxTarget: null,
  },
  "LTC:mainnet": {
    name: "Litecoin mainnet",
    powAlgorithm: "scrypt",
    powLimit: LTC_MAIN_LIMIT,
    ...LTC_TIMING,
    allowMinDifficultyBlocks: false,
    noRetargeting: false,
    litecoinRetarget: true,
    checkpoints: genesis("12a765e31ffd4059bada1e25190f6e98c99d9714d334efa41a195a7e7e04bfe2"),
    // Difficulty 10^6: about 1/30 of the difficulty in 2024.
    anchorMaxTarget: DIFFICULTY_1_TARGET / 1_000_000n,
  },
  "LTC:testnet": {
    name: "Litecoin testnet4",
    powAlgorithm: "scrypt",
    powLimit: LTC_MAIN_LIMIT,
    ...LTC_TIMING,
    allowMinDifficultyBlocks: true,
    noRetargeting: false,
    litecoinRetarget: true,
    checkpoints: genesis("4966625a4b2851d9fdee139e56211a0d88575f59ed816ff5e6a63deb4e3e29a0"),
    anchorMaxTarget: null,
  },
  "LTC:regtest": {
    name: "Litecoin regtest",
    powAlgorithm: "scrypt",
    powLimit: REGTEST_LIMIT,
    ...LTC_TIMING,
    allowMinDifficultyBlocks: true,
    noRetargeting: true,
    litecoinRetarget: true,
    checkpoints: genesis("530827f38f93b43ed12af0b3ad25a288dc02ed74d6d7857862df51fc56c416f9"),
    anchorMaxTarget: null,
  },
};

/**
 * Header validation parameters of a coin and network. `extraCheckpoints` (height → block hash) are added to the
 * built-in ones (only genesis blocks are built in).
 */
export function chainParams(
  symbol: CoinSymbol,
  network: NetworkName,
  extraCheckpoints?: Readonly<Record<number, string>>,
): ChainParams {
  const params = PARAMS[`${symbol}:${network}`];
  if (!params) throw new RangeError(`No header validation parameters for ${symbol} ${network}`);
  if (!extraCheckpoints || Object.keys(extraCheckpoints).length === 0) return params;
  const checkpoints = new Map(params.checkpoints);
  for (const [height, hash] of Object.entries(extraCheckpoints)) {
    const h = Number(height);
    if (!Number.isSafeInteger(h) || h < 0 || !/^[0-9a-f]{64}$/i.test(hash))
      throw new RangeError(`invalid checkpoint ${height}: ${hash}`);
    checkpoints.set(h, hash.toLowerCase());
  }
  return { ...params, checkpoints };
}
