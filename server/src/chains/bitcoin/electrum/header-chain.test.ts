import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { chainParams } from "./chain-params.ts";
import {
  type BlockHeader,
  blockWork,
  checkProofOfWork,
  compactToTarget,
  HeaderChain,
  HeaderValidationError,
  parseHeader,
  parseHeaders,
  powHashValue,
  retargetBits,
  retargetFirstHeight,
  targetToCompact,
} from "./header-chain.ts";

/** Serialises header fields (hashes in display hex) into the 80-byte wire format. */
function serialize(f: {
  version: number;
  prevHash: string;
  merkleRoot: string;
  time: number;
  bits: number;
  nonce: number;
}): string {
  const buf = Buffer.alloc(80);
  buf.writeInt32LE(f.version, 0);
  Buffer.from(f.prevHash, "hex").reverse().copy(buf, 4);
  Buffer.from(f.merkleRoot, "hex").reverse().copy(buf, 36);
  buf.writeUInt32LE(f.time, 68);
  buf.writeUInt32LE(f.bits, 72);
  buf.writeUInt32LE(f.nonce, 76);
  return buf.toString("hex");
}

const ZERO = "0".repeat(64);

// Public facts: Bitcoin's genesis block and block 1, Litecoin's genesis block.
const BTC_GENESIS = {
  hash: "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
  fields: {
    version: 1,
    prevHash: ZERO,
    merkleRoot: "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
    time: 1231006505,
    bits: 0x1d00ffff,
    nonce: 2083236893,
  },
};
const BTC_BLOCK_1 = {
  hash: "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048",
  fields: {
    version: 1,
    prevHash: BTC_GENESIS.hash,
    merkleRoot: "0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098",
    time: 1231469665,
    bits: 0x1d00ffff,
    nonce: 2573394689,
  },
};
const LTC_GENESIS = {
  hash: "12a765e31ffd4059bada1e25190f6e98c99d9714d334efa41a195a7e7e04bfe2",
  fields: {
    version: 1,
    prevHash: ZERO,
    merkleRoot: "97ddfbbae6be97fd6cdf3e7ca13232a3afff2353e29badfab7f73011edd4ced9",
    time: 1317972665,
    bits: 0x1e0ffff0,
    nonce: 2084524493,
  },
};

describe("header parsing and proof of work (real mainnet headers)", () => {
  const btc = chainParams("BTC", "mainnet");
  const ltc = chainParams("LTC", "mainnet");

  it("parses Bitcoin's genesis block and block 1 and checks their PoW and linkage", () => {
    const genesis = parseHeader(serialize(BTC_GENESIS.fields), 0);
    expect(genesis.hex).toBe(
      "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c",
    );
    expect(genesis).toMatchObject({
      hash: BTC_GENESIS.hash,
      prevHash: ZERO,
      time: 1231006505,
      bits: 0x1d00ffff,
      nonce: 2083236893,
      version: 1,
    });
    expect(genesis.merkleRoot).toBe(BTC_GENESIS.fields.merkleRoot);
    const block1 = parseHeader(serialize(BTC_BLOCK_1.fields), 1);
    expect(block1.hash).toBe(BTC_BLOCK_1.hash);
    expect(block1.prevHash).toBe(genesis.hash);
    expect(() => checkProofOfWork(genesis, btc)).not.toThrow();
    expect(() => checkProofOfWork(block1, btc)).not.toThrow();

    const chain = new HeaderChain(btc);
    chain.reset([genesis, block1]);
    expect(chain.tip?.hash).toBe(BTC_BLOCK_1.hash);
    expect(chain.hashAt(0)).toBe(BTC_GENESIS.hash);
    // Concatenated headers, as blockchain.block.headers returns them.
    expect(parseHeaders(genesis.hex + block1.hex, 0, 2).map((h) => h.hash)).toEqual([
      BTC_GENESIS.hash,
      BTC_BLOCK_1.hash,
    ]);
  });

  it("rejects a Bitcoin header whose nonce was changed, or whose bits were lowered", () => {
    const tampered = parseHeader(serialize({ ...BTC_BLOCK_1.fields, nonce: BTC_BLOCK_1.fields.nonce + 1 }), 1);
    expect(() => checkProofOfWork(tampered, btc)).toThrow(HeaderValidationError);
    // Bits above powLimit (an easier target than allowed).
    const easy = parseHeader(serialize({ ...BTC_BLOCK_1.fields, bits: 0x1e00ffff }), 1);
    expect(() => checkProofOfWork(easy, btc)).toThrow(/invalid bits/);
    // Broken linkage: block 1 does not follow itself.
    const chain = new HeaderChain(btc);
    chain.reset([parseHeader(serialize(BTC_GENESIS.fields), 0)]);
    const wrongParent = parseHeader(serialize({ ...BTC_BLOCK_1.fields, prevHash: BTC_BLOCK_1.hash }), 1);
    expect(() => chain.connect([wrongParent])).toThrow(expect.objectContaining({ reason: "linkage" }));
    // Starting from a header taken on trust: block 1's difficulty (1) is far below mainnet's floor.
    expect(() => new HeaderChain(btc).reset([parseHeader(serialize(BTC_BLOCK_1.fields), 1)])).toThrow(
      expect.objectContaining({ reason: "difficulty" }),
    );
    expect(() =>
      new HeaderChain({ ...btc, anchorMaxTarget: null }).reset([parseHeader(serialize(BTC_BLOCK_1.fields), 1)]),
    ).not.toThrow();
    // A checkpoint mismatch.
    const notGenesis = parseHeader(serialize({ ...BTC_GENESIS.fields, time: BTC_GENESIS.fields.time + 1 }), 0);
    expect(() => new HeaderChain(btc).reset([notGenesis])).toThrow(expect.objectContaining({ reason: "checkpoint" }));
  });

  it("checks Litecoin's genesis block with scrypt proof of work", () => {
    const genesis = parseHeader(serialize(LTC_GENESIS.fields), 0);
    expect(genesis.hash).toBe(LTC_GENESIS.hash);
    // The block hash (double SHA-256) does not meet the target; the scrypt hash does.
    const target = compactToTarget(0x1e0ffff0)!;
    expect(BigInt(`0x${genesis.hash}`) > target).toBe(true);
    expect(powHashValue(genesis, "scrypt") <= target).toBe(true);
    expect(() => checkProofOfWork(genesis, ltc)).not.toThrow();
    expect(() => checkProofOfWork(genesis, { ...ltc, powAlgorithm: "sha256d" })).toThrow(HeaderValidationError);
    const tampered = parseHeader(serialize({ ...LTC_GENESIS.fields, nonce: LTC_GENESIS.fields.nonce + 1 }), 0);
    expect(() => checkProofOfWork(tampered, ltc)).toThrow(/proof-of-work/);
    new HeaderChain(ltc).reset([genesis]);
  });

  it("rejects malformed headers", () => {
    expect(() => parseHeader("00", 5)).toThrow(expect.objectContaining({ reason: "format", height: 5 }));
    expect(() => parseHeaders("00".repeat(81), 0, 1)).toThrow(HeaderValidationError);
  });
});

describe("compact targets and retargeting", () => {
  const btc = chainParams("BTC", "mainnet");
  const ltc = chainParams("LTC", "mainnet");

  it("encodes and decodes compact bits like Bitcoin Core", () => {
    expect(compactToTarget(0x1d00ffff)).toBe(0xffffn << 208n);
    expect(targetToCompact(0xffffn << 208n)).toBe(0x1d00ffff);
    expect(targetToCompact(btc.powLimit)).toBe(0x1d00ffff);
    expect(targetToCompact(ltc.powLimit)).toBe(0x1e0fffff);
    expect(targetToCompact(chainParams("LTC", "regtest").powLimit)).toBe(0x207fffff);
    expect(compactToTarget(0x01003456)).toBeNull(); // zero
    expect(compactToTarget(0x04923456)).toBeNull(); // negative
    expect(compactToTarget(0xff123456)).toBeNull(); // overflow
    expect(compactToTarget(0x05009234)).toBe(0x92340000n);
    expect(targetToCompact(0x80n)).toBe(0x02008000);
    expect(blockWork(0x1d00ffff)).toBe(0x100010001n);
  });

  it("computes retargets with the ×4 clamps and the powLimit cap", () => {
    const T = btc.targetTimespan;
    expect(retargetBits(btc, 0x1d00ffff, 0, T)).toBe(0x1d00ffff);
    expect(retargetBits(btc, 0x1d00ffff, 0, T / 4)).toBe(0x1c3fffc0);
    expect(retargetBits(btc, 0x1d00ffff, 0, 1)).toBe(0x1c3fffc0); // clamped to ÷4
    expect(retargetBits(btc, 0x1d00ffff, 0, 10 * T)).toBe(0x1d00ffff); // capped at powLimit
    expect(retargetBits(btc, 0x1c3fffc0, 0, 4 * T)).toBe(0x1d00ffff);
    expect(retargetBits(btc, 0x1b0404cb, 0, T / 2)).toBe(0x1b020265);
    // Litecoin: one more block back except at the first retarget, and the overflow-avoiding shift.
    expect(retargetFirstHeight(btc, 4032)).toBe(2016);
    expect(retargetFirstHeight(ltc, 2016)).toBe(0);
    expect(retargetFirstHeight(ltc, 4032)).toBe(2015);
    expect(retargetBits(ltc, 0x1e0ffff0, 0, ltc.targetTimespan)).toBe(0x1e0ffff0);
    expect(retargetBits(ltc, 0x1e0ffff0, 0, 4 * ltc.targetTimespan)).toBe(0x1e0fffff);
  });
});

describe("header chain (regtest-difficulty headers mined here)", () => {
  const params = { ...chainParams("BTC", "regtest"), checkpoints: new Map<number, string>() };

  let clock = 1_700_000_000;
  function mine(
    prev: { hash: string; height: number } | null,
    options: { bits?: number; salt?: number } = {},
  ): BlockHeader {
    const bits = options.bits ?? 0x207fffff;
    const merkleRoot = createHash("sha256")
      .update(`${prev?.hash}:${options.salt ?? 0}`)
      .digest("hex");
    clock += 60;
    for (let nonce = 0; ; nonce++) {
      const header = parseHeader(
        serialize({ version: 0x20000000, prevHash: prev?.hash ?? ZERO, merkleRoot, time: clock, bits, nonce }),
        (prev?.height ?? -1) + 1,
      );
      if (powHashValue(header, "sha256d") <= compactToTarget(bits)!) return header;
    }
  }
  function mineChain(from: BlockHeader | null, count: number, salt = 0): BlockHeader[] {
    const out: BlockHeader[] = [];
    let prev = from;
    for (let i = 0; i < count; i++) {
      prev = mine(prev, { salt });
      out.push(prev);
    }
    return out;
  }

  it("extends, keeps a window, reorganises to more work only, and refuses invalid branches", () => {
    const base = mineChain(null, 30);
    const chain = new HeaderChain(params, { window: 20 });
    chain.reset(base);
    expect(chain.tip?.height).toBe(29);
    expect(chain.lowest).toBe(10);
    expect(chain.header(9)).toBeUndefined();
    expect(chain.hashAt(0)).toBe(base[0]!.hash); // retarget-boundary anchor
    expect(chain.knownHashFrom(5)).toBe(10);

    const ext = mineChain(base[29]!, 2);
    expect(chain.connect(ext)).toMatchObject({ switched: true, forkHeight: 29, disconnected: [] });
    expect(chain.tip?.hash).toBe(ext[1]!.hash);

    // A competing branch from height 29 with the same work (2 blocks): ignored; with 3 blocks: taken.
    const rival = mineChain(base[29]!, 3, 7);
    expect(chain.connect(rival.slice(0, 2))).toMatchObject({ switched: false, forkHeight: 29 });
    expect(chain.tip?.hash).toBe(ext[1]!.hash);
    const result = chain.connect(rival);
    expect(result.switched).toBe(true);
    expect(result.disconnected.map((h) => h.hash)).toEqual(ext.map((h) => h.hash));
    expect(chain.tip?.hash).toBe(rival[2]!.hash);

    // Broken linkage inside a branch, bad PoW, wrong difficulty, time not after the median.
    const next = mine(rival[2]!);
    const orphan = mine(next);
    expect(() => chain.connect([orphan])).toThrow(expect.objectContaining({ reason: "linkage" }));
    const badPow = (() => {
      for (let nonce = 0; ; nonce++) {
        const h = parseHeader(serialize({ ...next, nonce }), next.height);
        if (powHashValue(h, "sha256d") > compactToTarget(next.bits)!) return h;
      }
    })();
    expect(() => chain.connect([badPow])).toThrow(expect.objectContaining({ reason: "pow" }));
    const harder = mine(rival[2]!, { bits: 0x2000ffff });
    expect(() => chain.connect([harder])).toThrow(expect.objectContaining({ reason: "difficulty" }));
    const early = (() => {
      for (let nonce = 0; ; nonce++) {
        const h = parseHeader(serialize({ ...next, time: rival[0]!.time - 600, nonce }), next.height);
        if (powHashValue(h, "sha256d") <= compactToTarget(h.bits)!) return h;
      }
    })();
    expect(() => chain.connect([early])).toThrow(expect.objectContaining({ reason: "time" }));
    // A fork below the window cannot be resolved.
    const deep = mineChain(base[3]!, 40, 9);
    expect(() => chain.connect(deep)).toThrow(expect.objectContaining({ reason: "fork" }));
    expect(chain.tip?.hash).toBe(rival[2]!.hash);
  });

  it("verifies old headers against the validated chain", () => {
    const base = mineChain(null, 60);
    const chain = new HeaderChain(params, { window: 20 });
    chain.reset(base);
    expect(chain.lowest).toBe(40);
    const old = base.slice(12, 41);
    expect(() => chain.verifyAncestors(old)).not.toThrow();
    const forged = [...old];
    forged[3] = mine(forged[2]!, { salt: 99 });
    expect(() => chain.verifyAncestors(forged)).toThrow(HeaderValidationError);
    const other = mineChain(null, 41, 5).slice(12);
    expect(() => chain.verifyAncestors(other)).toThrow(expect.objectContaining({ reason: "linkage" }));
  });
});
