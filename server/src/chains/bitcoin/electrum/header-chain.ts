/**
 * Block header parsing and validation for an SPV client, and the chain of recent headers it keeps.
 *
 * What is checked for every header that enters the chain:
 * - format: exactly 80 bytes;
 * - linkage: `prevHash` is the hash of the header below it, and heights are consecutive;
 * - proof of work: the target decoded from `bits` is valid (not negative, zero or overflowing) and at most the
 *   network's powLimit, and the PoW hash (double SHA-256 for Bitcoin, scrypt for Litecoin) is at most that target;
 * - difficulty (Bitcoin Core's GetNextWorkRequired): inside an adjustment period `bits` must equal the previous
 *   header's; on testnets/regtest the minimum-difficulty exception is applied (a block more than two spacings after
 *   its parent has powLimit bits; otherwise the bits of the last block that did not use the exception, found by
 *   walking back through the kept headers — when that walk leaves the kept headers the header is accepted). At a
 *   retarget boundary the new bits are recomputed exactly from the period's first and last timestamps when the
 *   first one is known (headers validated since before the period started); otherwise only the band the rule allows
 *   is checked (new target within ÷4 … ×4 of the previous one, and at most powLimit). Regtest never retargets:
 *   every header must carry its parent's bits;
 * - median time past: `time` is greater than the median of the previous 11 timestamps, when those are kept;
 * - checkpoints: a header at a checkpoint height must have the checkpoint's hash.
 * Not checked: the two-hours-in-the-future limit (needs a trusted clock), BIP94 (testnet4) rules and signet's block
 * signature (a signet server could serve headers with valid PoW at signet's low difficulty but no signature).
 *
 * The chain keeps a window of the most recent headers (enough to resolve reorganisations), plus the hashes of
 * validated headers at every retarget boundary and checkpoint (anchors, to verify older headers later) and the
 * timestamps a future retarget check needs. The first header of the chain (where it was started, see `reset`) is
 * trusted unless it is a checkpoint — on mainnets only if its difficulty is above a conservative floor — and
 * everything after it is validated against it.
 */
import { createHash, scryptSync } from "node:crypto";
import type { ChainParams } from "./chain-params.ts";

export type HeaderFailure = "format" | "linkage" | "pow" | "difficulty" | "time" | "checkpoint" | "fork";

export class HeaderValidationError extends Error {
  constructor(
    message: string,
    readonly height: number,
    readonly reason: HeaderFailure,
  ) {
    super(message);
    this.name = "HeaderValidationError";
  }
}

export interface BlockHeader {
  height: number;
  /** Block hash, display (reversed) hex. */
  hash: string;
  prevHash: string;
  merkleRoot: string;
  version: number;
  time: number;
  bits: number;
  nonce: number;
  /** The 80 serialised bytes, hex. */
  hex: string;
}

const HEADER_HEX = /^[0-9a-fA-F]{160}$/;

function reversedHex(buf: Buffer, start: number, length: number): string {
  const copy = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) copy[i] = buf[start + length - 1 - i]!;
  return copy.toString("hex");
}

export function sha256d(data: Uint8Array): Buffer {
  return createHash("sha256").update(createHash("sha256").update(data).digest()).digest();
}

/** Parses one 80-byte header (hex) found at `height`. */
export function parseHeader(hex: string, height: number): BlockHeader {
  if (typeof hex !== "string" || !HEADER_HEX.test(hex))
    throw new HeaderValidationError(`header at height ${height} is not 80 bytes of hex`, height, "format");
  const buf = Buffer.from(hex, "hex");
  return {
    height,
    hash: reversedHex(sha256d(buf), 0, 32),
    prevHash: reversedHex(buf, 4, 32),
    merkleRoot: reversedHex(buf, 36, 32),
    version: buf.readInt32LE(0),
    time: buf.readUInt32LE(68),
    bits: buf.readUInt32LE(72),
    nonce: buf.readUInt32LE(76),
    hex: hex.toLowerCase(),
  };
}

/** Splits concatenated headers (as `blockchain.block.headers` returns them) starting at `startHeight`. */
export function parseHeaders(hex: string, startHeight: number, count: number): BlockHeader[] {
  if (typeof hex !== "string" || hex.length !== count * 160) {
    throw new HeaderValidationError(`expected ${count} headers from height ${startHeight}`, startHeight, "format");
  }
  const out: BlockHeader[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = parseHeader(hex.slice(i * 160, (i + 1) * 160), startHeight + i);
  return out;
}

/** Decodes compact `bits` into a target, or null when Bitcoin Core would reject it (negative, zero, overflow). */
export function compactToTarget(bits: number): bigint | null {
  const size = bits >>> 24;
  const word = bits & 0x007fffff;
  if (word === 0) return null;
  if ((bits & 0x00800000) !== 0) return null; // negative
  if (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32)) return null; // overflow
  const target = size <= 3 ? BigInt(word >>> (8 * (3 - size))) : BigInt(word) << BigInt(8 * (size - 3));
  return target === 0n ? null : target;
}

function byteLength(value: bigint): number {
  return value === 0n ? 0 : Math.ceil(value.toString(16).length / 2);
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/** Encodes a target as compact bits (Bitcoin Core's arith_uint256::GetCompact). */
export function targetToCompact(target: bigint): number {
  let size = byteLength(target);
  let compact = size <= 3 ? Number(target) << (8 * (3 - size)) : Number(target >> BigInt(8 * (size - 3)));
  if (compact & 0x00800000) {
    compact >>>= 8;
    size++;
  }
  return (compact | (size << 24)) >>> 0;
}

const TWO_256 = 1n << 256n;

/** Expected number of hashes to find a block at `bits` (Bitcoin Core's GetBlockProof). */
export function blockWork(bits: number): bigint {
  const target = compactToTarget(bits);
  return target === null ? 0n : TWO_256 / (target + 1n);
}

/** The header's proof-of-work hash as a number (little-endian uint256). */
export function powHashValue(header: BlockHeader, algorithm: ChainParams["powAlgorithm"]): bigint {
  if (algorithm === "sha256d") return BigInt(`0x${header.hash}`);
  const raw = Buffer.from(header.hex, "hex");
  const digest = scryptSync(raw, raw, 32, { N: 1024, r: 1, p: 1 });
  return BigInt(`0x${reversedHex(digest, 0, 32)}`);
}

/** Checks that `bits` is a valid target within powLimit and that the header's PoW hash meets it. */
export function checkProofOfWork(header: BlockHeader, params: ChainParams): void {
  const target = compactToTarget(header.bits);
  if (target === null || target > params.powLimit) {
    throw new HeaderValidationError(
      `header ${header.hash} at height ${header.height} has invalid bits 0x${header.bits.toString(16)}`,
      header.height,
      "pow",
    );
  }
  if (powHashValue(header, params.powAlgorithm) > target) {
    throw new HeaderValidationError(
      `header ${header.hash} at height ${header.height} does not meet its proof-of-work target`,
      header.height,
      "pow",
    );
  }
}

/** Height of the first block of the period that the retarget at `boundary` measures. */
export function retargetFirstHeight(params: ChainParams, boundary: number): number {
  const interval = params.retargetInterval;
  if (!params.litecoinRetarget || boundary === interval) return boundary - interval;
  return boundary - interval - 1;
}

/**
 * The bits a retarget boundary must carry (Bitcoin Core's CalculateNextWorkRequired, with Litecoin's variant):
 * previous target × clamped actual timespan ÷ target timespan, capped at powLimit.
 */
export function retargetBits(params: ChainParams, prevBits: number, firstTime: number, lastTime: number): number {
  if (params.noRetargeting) return prevBits;
  const timespan = params.targetTimespan;
  let span = lastTime - firstTime;
  span = Math.max(Math.trunc(timespan / 4), Math.min(timespan * 4, span));
  let target = compactToTarget(prevBits);
  if (target === null) throw new RangeError(`invalid previous bits 0x${prevBits.toString(16)}`);
  const shift = params.litecoinRetarget && bitLength(target) > bitLength(params.powLimit) - 1;
  if (shift) target >>= 1n;
  target = (target * BigInt(span)) / BigInt(timespan);
  if (shift) target <<= 1n;
  if (target > params.powLimit) target = params.powLimit;
  return targetToCompact(target);
}

export interface HeaderChainOptions {
  /** Number of recent headers kept. Default 200. */
  window?: number;
}

export interface ConnectResult {
  /** Whether the branch became the chain (an extension, or a reorganisation to a branch with more work). */
  switched: boolean;
  /** Height of the last header shared by the old chain and the branch. */
  forkHeight: number;
  /** Headers removed from the chain (lowest first); empty unless a reorganisation happened. */
  disconnected: BlockHeader[];
  connected: BlockHeader[];
}

type Lookup = (height: number) => BlockHeader | undefined;

export class HeaderChain {
  readonly window: number;
  private headers: BlockHeader[] = [];
  /** Hashes of validated headers at retarget boundaries and checkpoints, kept beyond the window. */
  private readonly anchors = new Map<number, string>();
  /** Timestamps of validated headers that retarget checks need (first and last blocks of periods). */
  private readonly periodTimes = new Map<number, number>();
  private readonly powLimitBits: number;

  constructor(
    readonly params: ChainParams,
    options: HeaderChainOptions = {},
  ) {
    this.window = Math.max(16, options.window ?? 200);
    this.powLimitBits = targetToCompact(params.powLimit);
  }

  get tip(): BlockHeader | null {
    return this.headers.at(-1) ?? null;
  }

  /** Height of the oldest header kept in the window (null when empty). */
  get lowest(): number | null {
    return this.headers[0]?.height ?? null;
  }

  /** A header of the window. */
  header(height: number): BlockHeader | undefined {
    const first = this.headers[0];
    if (!first) return undefined;
    return this.headers[height - first.height];
  }

  /**
   * Hash of a validated block of the chain: from the window, an anchor (retarget boundary passed through) or a
   * checkpoint at or below the tip.
   */
  hashAt(height: number): string | undefined {
    const tip = this.tip;
    if (!tip || height > tip.height || height < 0) return undefined;
    return this.header(height)?.hash ?? this.anchors.get(height) ?? this.params.checkpoints.get(height);
  }

  /** The lowest height at or above `height` whose hash is known (see hashAt), to verify older headers against. */
  knownHashFrom(height: number): number | undefined {
    const tip = this.tip;
    const lowest = this.lowest;
    if (!tip || lowest === null || height > tip.height) return undefined;
    if (height >= lowest) return height;
    let best = lowest;
    for (const h of this.anchors.keys()) if (h >= height && h < best) best = h;
    for (const h of this.params.checkpoints.keys()) if (h >= height && h < best) best = h;
    return best;
  }

  /**
   * (Re)starts the chain with consecutive headers. The first one is trusted as the starting point unless a
   * checkpoint covers its height (its PoW is checked, and on mainnets its difficulty against the network's floor,
   * `anchorMaxTarget`); every following one is fully validated.
   */
  reset(headers: readonly BlockHeader[]): void {
    if (headers.length === 0) throw new RangeError("reset needs at least one header");
    const first = headers[0]!;
    this.headers = [];
    this.anchors.clear();
    this.periodTimes.clear();
    this.checkCheckpoint(first);
    checkProofOfWork(first, this.params);
    const floor = this.params.anchorMaxTarget;
    if (floor !== null && !this.params.checkpoints.has(first.height) && compactToTarget(first.bits)! > floor) {
      throw new HeaderValidationError(
        `starting header at height ${first.height} has a difficulty below this network's floor`,
        first.height,
        "difficulty",
      );
    }
    const accepted: BlockHeader[] = [first];
    const lookup: Lookup = (h) => accepted[h - first.height];
    for (let i = 1; i < headers.length; i++) {
      const header = headers[i]!;
      this.validate(header, accepted[i - 1]!, lookup);
      accepted.push(header);
    }
    this.headers = accepted;
    for (const h of accepted) this.remember(h);
    this.trim();
  }

  /**
   * Validates a branch of consecutive headers whose first one links to a header of the window, and makes it the
   * chain if it has more work than the headers it would replace. Throws HeaderValidationError when a header is
   * invalid or the branch does not link to a kept header.
   */
  connect(branch: readonly BlockHeader[]): ConnectResult {
    const first = branch[0];
    const tip = this.tip;
    if (!first || !tip) throw new RangeError("connect needs a started chain and a non-empty branch");
    const parent = this.header(first.height - 1);
    if (!parent) {
      const reason = first.height - 1 > tip.height ? "linkage" : "fork";
      throw new HeaderValidationError(
        `header at height ${first.height} does not attach to the kept headers`,
        first.height,
        reason,
      );
    }
    if (parent.hash !== first.prevHash) {
      throw new HeaderValidationError(
        `header ${first.hash} at height ${first.height} does not link to ${parent.hash}`,
        first.height,
        "linkage",
      );
    }
    const fork = parent.height;
    const lookup: Lookup = (h) => (h > fork ? branch[h - first.height] : this.header(h));
    let prev = parent;
    for (const header of branch) {
      this.validate(header, prev, lookup);
      prev = header;
    }
    const replaced = this.headers.slice(fork - this.headers[0]!.height + 1);
    const newWork = branch.reduce((sum, h) => sum + blockWork(h.bits), 0n);
    const oldWork = replaced.reduce((sum, h) => sum + blockWork(h.bits), 0n);
    if (newWork <= oldWork) return { switched: false, forkHeight: fork, disconnected: [], connected: [] };
    this.headers = [...this.headers.slice(0, fork - this.headers[0]!.height + 1), ...branch];
    for (const h of replaced) {
      if (this.anchors.get(h.height) === h.hash && !this.params.checkpoints.has(h.height))
        this.anchors.delete(h.height);
      this.periodTimes.delete(h.height);
    }
    for (const h of branch) this.remember(h);
    this.trim();
    return { switched: true, forkHeight: fork, disconnected: replaced, connected: [...branch] };
  }

  /**
   * Verifies consecutive headers below the window (to prove an old block): they must link to each other and to a
   * known hash at `headers.at(-1).height` (window, anchor or checkpoint; or `expectedLastHash`, the prevHash of an
   * already verified header above them), meet their PoW and stay within powLimit
   * (and, on networks without the minimum-difficulty exception, keep the same bits inside a period). Anchors are
   * recorded for retarget boundaries among them.
   */
  verifyAncestors(headers: readonly BlockHeader[], expectedLastHash?: string): void {
    const last = headers.at(-1);
    if (!last) return;
    const known = expectedLastHash ?? this.hashAt(last.height);
    if (known === undefined) throw new RangeError(`no known hash at height ${last.height} to verify headers against`);
    if (known !== last.hash)
      throw new HeaderValidationError(
        `header at height ${last.height} is not the one of the validated chain`,
        last.height,
        "linkage",
      );
    for (let i = headers.length - 1; i >= 0; i--) {
      const header = headers[i]!;
      this.checkCheckpoint(header);
      checkProofOfWork(header, this.params);
      const below = headers[i - 1];
      if (!below) continue;
      if (below.height !== header.height - 1 || below.hash !== header.prevHash) {
        throw new HeaderValidationError(
          `header at height ${below.height} does not link to the one above it`,
          below.height,
          "linkage",
        );
      }
      if (
        !this.params.allowMinDifficultyBlocks &&
        header.height % this.params.retargetInterval !== 0 &&
        header.bits !== below.bits
      ) {
        throw new HeaderValidationError(
          `header at height ${header.height} changes difficulty inside a period`,
          header.height,
          "difficulty",
        );
      }
    }
    for (const h of headers) if (h.height % this.params.retargetInterval === 0) this.anchors.set(h.height, h.hash);
  }

  // ---------------------------------------------------------------------------------------------------------------

  private checkCheckpoint(header: BlockHeader): void {
    const expected = this.params.checkpoints.get(header.height);
    if (expected !== undefined && expected !== header.hash) {
      throw new HeaderValidationError(
        `header at height ${header.height} is ${header.hash}, checkpoint says ${expected}`,
        header.height,
        "checkpoint",
      );
    }
  }

  private validate(header: BlockHeader, prev: BlockHeader, lookup: Lookup): void {
    if (header.height !== prev.height + 1 || header.prevHash !== prev.hash) {
      throw new HeaderValidationError(
        `header ${header.hash} at height ${header.height} does not link to ${prev.hash}`,
        header.height,
        "linkage",
      );
    }
    this.checkCheckpoint(header);
    checkProofOfWork(header, this.params);
    this.checkDifficulty(header, prev, lookup);
    this.checkMedianTime(header, lookup);
  }

  private timeAt(height: number, lookup: Lookup): number | undefined {
    return lookup(height)?.time ?? this.periodTimes.get(height);
  }

  private checkDifficulty(header: BlockHeader, prev: BlockHeader, lookup: Lookup): void {
    const p = this.params;
    const fail = (detail: string) => {
      throw new HeaderValidationError(
        `header at height ${header.height} has bits 0x${header.bits.toString(16)}: ${detail}`,
        header.height,
        "difficulty",
      );
    };
    if (p.noRetargeting) {
      // Regtest: every block carries the genesis bits (the minimum-difficulty exception yields the same powLimit).
      if (header.bits !== prev.bits) fail(`expected 0x${prev.bits.toString(16)} (no retargeting)`);
      return;
    }
    if (header.height % p.retargetInterval !== 0) {
      if (!p.allowMinDifficultyBlocks) {
        if (header.bits !== prev.bits) fail(`expected 0x${prev.bits.toString(16)} inside an adjustment period`);
        return;
      }
      if (header.time > prev.time + 2 * p.targetSpacing) {
        if (header.bits !== this.powLimitBits) fail("a late block on this network must use the minimum difficulty");
        return;
      }
      // The bits of the last block that did not use the minimum-difficulty exception.
      let cursor: BlockHeader | undefined = prev;
      while (
        cursor &&
        cursor.height % p.retargetInterval !== 0 &&
        cursor.bits === this.powLimitBits &&
        cursor.height > 0
      ) {
        cursor = lookup(cursor.height - 1);
      }
      if (!cursor) return; // walked out of the kept headers: not checkable
      if (header.bits !== cursor.bits) fail(`expected 0x${cursor.bits.toString(16)}`);
      return;
    }
    const firstTime = this.timeAt(retargetFirstHeight(p, header.height), lookup);
    if (firstTime !== undefined) {
      const expected = retargetBits(p, prev.bits, firstTime, prev.time);
      if (header.bits !== expected) fail(`retarget expected 0x${expected.toString(16)}`);
      return;
    }
    // The period's first timestamp is unknown: check the band the rule allows.
    const prevTarget = compactToTarget(prev.bits)!;
    const target = compactToTarget(header.bits)!;
    const upper = prevTarget * 4n < p.powLimit ? prevTarget * 4n : p.powLimit;
    const lower = prevTarget / 4n - (prevTarget >> 16n);
    if (target > upper || target < lower) fail("retarget outside the ×4 band");
  }

  private checkMedianTime(header: BlockHeader, lookup: Lookup): void {
    const count = Math.min(11, header.height);
    if (count === 0) return;
    const times: number[] = [];
    for (let h = header.height - count; h < header.height; h++) {
      const t = lookup(h)?.time;
      if (t === undefined) return; // not enough kept headers
      times.push(t);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    if (header.time <= median) {
      throw new HeaderValidationError(
        `header at height ${header.height} has time ${header.time}, not after the median ${median}`,
        header.height,
        "time",
      );
    }
  }

  private remember(header: BlockHeader): void {
    const interval = this.params.retargetInterval;
    const phase = header.height % interval;
    if (phase === 0) this.anchors.set(header.height, header.hash);
    if (phase === 0 || phase === interval - 1) this.periodTimes.set(header.height, header.time);
  }

  private trim(): void {
    if (this.headers.length > this.window) this.headers = this.headers.slice(this.headers.length - this.window);
    const tip = this.tip;
    if (!tip) return;
    const keepFrom = tip.height - 2 * this.params.retargetInterval - 2;
    for (const h of this.periodTimes.keys()) if (h < keepFrom) this.periodTimes.delete(h);
  }
}
