import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { computeMerkleRoot, historyStatus, MerkleProofError, merkleRootFromBranch, scriptHash } from "./merkle.ts";

// Bitcoin mainnet block 100000: its four transactions and merkle root.
const BLOCK_100000 = {
  merkleRoot: "f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766",
  txids: [
    "8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87",
    "fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
    "6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4",
    "e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d",
  ],
};

// Bitcoin mainnet block 1: a single (coinbase) transaction, whose id is the merkle root.
const BLOCK_1_COINBASE = "0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098";

const rev = (hex: string) => Buffer.from(hex, "hex").reverse();
const dsha = (data: Buffer) => createHash("sha256").update(createHash("sha256").update(data).digest()).digest();

/** Branch for one position, built level by level (independent of the code under test). */
function branchFor(txids: string[], index: number): string[] {
  let level: Buffer[] = txids.map(rev);
  const branch: string[] = [];
  let i = index;
  while (level.length > 1) {
    if (level.length % 2 === 1) level.push(level.at(-1)!);
    branch.push(
      Buffer.from(level[i ^ 1]!)
        .reverse()
        .toString("hex"),
    );
    const next: Buffer[] = [];
    for (let j = 0; j < level.length; j += 2) next.push(dsha(Buffer.concat([level[j]!, level[j + 1]!])));
    level = next;
    i >>= 1;
  }
  return branch;
}

describe("merkle", () => {
  it("computes the merkle root of Bitcoin block 100000 from its txids", () => {
    expect(computeMerkleRoot(BLOCK_100000.txids)).toBe(BLOCK_100000.merkleRoot);
  });

  it("verifies a branch for every position of block 100000, and rejects altered proofs", () => {
    BLOCK_100000.txids.forEach((txid, pos) => {
      const branch = branchFor(BLOCK_100000.txids, pos);
      expect(branch).toHaveLength(2);
      expect(merkleRootFromBranch(txid, branch, pos)).toBe(BLOCK_100000.merkleRoot);
      // Wrong position, altered sibling, other txid: another root.
      expect(merkleRootFromBranch(txid, branch, pos ^ 1)).not.toBe(BLOCK_100000.merkleRoot);
      const altered = [...branch];
      altered[0] = `${altered[0]!.slice(0, 63)}${altered[0]!.endsWith("0") ? "1" : "0"}`;
      expect(merkleRootFromBranch(txid, altered, pos)).not.toBe(BLOCK_100000.merkleRoot);
      expect(merkleRootFromBranch(BLOCK_100000.txids[(pos + 1) % 4]!, branch, pos)).not.toBe(BLOCK_100000.merkleRoot);
    });
  });

  it("handles a single-transaction block and odd levels", () => {
    expect(computeMerkleRoot([BLOCK_1_COINBASE])).toBe(BLOCK_1_COINBASE);
    expect(merkleRootFromBranch(BLOCK_1_COINBASE, [], 0)).toBe(BLOCK_1_COINBASE);
    const three = BLOCK_100000.txids.slice(0, 3);
    const root = computeMerkleRoot(three);
    for (let pos = 0; pos < 3; pos++) expect(merkleRootFromBranch(three[pos]!, branchFor(three, pos), pos)).toBe(root);
  });

  it("rejects malformed proofs", () => {
    expect(() => merkleRootFromBranch(BLOCK_1_COINBASE, [], 1)).toThrow(MerkleProofError);
    expect(() => merkleRootFromBranch(BLOCK_1_COINBASE, ["zz"], 0)).toThrow(MerkleProofError);
    expect(() => merkleRootFromBranch("abc", [], 0)).toThrow(MerkleProofError);
    expect(() => merkleRootFromBranch(BLOCK_1_COINBASE, new Array(33).fill(BLOCK_1_COINBASE), 0)).toThrow(
      MerkleProofError,
    );
    expect(() => merkleRootFromBranch(BLOCK_1_COINBASE, [BLOCK_1_COINBASE], -1)).toThrow(MerkleProofError);
  });

  it("refuses a proof whose inner node is a 64-byte transaction", () => {
    // A 64-byte transaction: version, 1 input (empty scriptSig), 1 output with a 4-byte script, lock time.
    const tx = Buffer.concat([
      Buffer.from("02000000", "hex"),
      Buffer.from([1]),
      Buffer.alloc(32, 7),
      Buffer.from("00000000", "hex"),
      Buffer.from([0]),
      Buffer.from("ffffffff", "hex"),
      Buffer.from([1]),
      Buffer.from("1027000000000000", "hex"),
      Buffer.from([4]),
      Buffer.from("6a020102", "hex"),
      Buffer.from("00000000", "hex"),
    ]);
    expect(tx).toHaveLength(64);
    // Its two halves, read as a txid and its sibling, hash up to the same node as the transaction's own id.
    const left = Buffer.from(tx.subarray(0, 32)).reverse().toString("hex");
    const right = Buffer.from(tx.subarray(32)).reverse().toString("hex");
    expect(() => merkleRootFromBranch(left, [right], 0)).toThrow(/also a valid transaction/);
    expect(computeMerkleRoot([left, right])).toBe(Buffer.from(dsha(tx)).reverse().toString("hex"));
  });

  it("computes Electrum script hashes and statuses", () => {
    // The P2PKH script of the genesis block's well-known address 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa.
    const script = "76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac";
    expect(scriptHash(script)).toBe(
      Buffer.from(createHash("sha256").update(Buffer.from(script, "hex")).digest())
        .reverse()
        .toString("hex"),
    );
    expect(scriptHash(script)).toBe("8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161");
    expect(historyStatus([])).toBeNull();
    const status = historyStatus([{ tx_hash: BLOCK_1_COINBASE, height: 1 }]);
    expect(status).toBe(createHash("sha256").update(`${BLOCK_1_COINBASE}:1:`).digest("hex"));
  });
});
