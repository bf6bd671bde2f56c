/**
 * Merkle proofs (as `blockchain.transaction.get_merkle` returns them) and Electrum script hashes.
 * Hashes are given and returned in display (reversed) hex, as Electrum servers and block explorers print them.
 */
import { createHash } from "node:crypto";
import { decodeTransaction } from "../bitcoind/tx-decoder.ts";

export class MerkleProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MerkleProofError";
  }
}

const HASH_HEX = /^[0-9a-fA-F]{64}$/;

function internal(displayHex: string): Buffer {
  if (!HASH_HEX.test(displayHex))
    throw new MerkleProofError(`not a 32-byte hash: ${JSON.stringify(displayHex).slice(0, 80)}`);
  return Buffer.from(displayHex, "hex").reverse();
}

function display(buf: Buffer): string {
  return Buffer.from(buf).reverse().toString("hex");
}

function sha256d(...parts: Buffer[]): Buffer {
  const inner = createHash("sha256");
  for (const part of parts) inner.update(part);
  return createHash("sha256").update(inner.digest()).digest();
}

function parsesAsTransaction(bytes: Buffer): boolean {
  try {
    decodeTransaction(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Merkle root implied by a transaction id, its branch (sibling hashes from the leaves up) and its position in the
 * block. Rejects branches longer than any block can need, positions that do not fit the branch, and proofs in which
 * an inner node's 64-byte preimage is itself a valid transaction: with a 64-byte transaction in a block, an inner
 * node can pass for a transaction id (CVE-2017-12842); Electrum refuses such proofs too.
 */
export function merkleRootFromBranch(txid: string, branch: readonly string[], pos: number): string {
  if (!Array.isArray(branch) || branch.length > 32) throw new MerkleProofError("merkle branch has an invalid length");
  if (!Number.isSafeInteger(pos) || pos < 0 || pos >= 2 ** branch.length) {
    throw new MerkleProofError(`position ${pos} does not fit a branch of ${branch.length}`);
  }
  let hash = internal(txid);
  let index = pos;
  for (const sibling of branch) {
    const other = internal(sibling);
    const preimage = index & 1 ? Buffer.concat([other, hash]) : Buffer.concat([hash, other]);
    if (parsesAsTransaction(preimage))
      throw new MerkleProofError("an inner node of the merkle proof is also a valid transaction");
    hash = sha256d(preimage);
    index = Math.floor(index / 2);
  }
  return display(hash);
}

/** Merkle root of a block's transaction ids, in block order (Bitcoin's rule: an odd level repeats its last hash). */
export function computeMerkleRoot(txids: readonly string[]): string {
  if (txids.length === 0) throw new MerkleProofError("a block has at least one transaction");
  let level = txids.map(internal);
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha256d(level[i]!, level[i + 1] ?? level[i]!));
    level = next;
  }
  return display(level[0]!);
}

/** Electrum's script hash: SHA-256 of the scriptPubKey, byte-reversed, hex. */
export function scriptHash(scriptHex: string): string {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(scriptHex)) throw new TypeError("script must be hex");
  return display(createHash("sha256").update(Buffer.from(scriptHex, "hex")).digest());
}

/** Electrum's status of a script's history: SHA-256 of "txid:height:" for every entry, hex; null when empty. */
export function historyStatus(history: readonly { tx_hash: string; height: number }[]): string | null {
  if (history.length === 0) return null;
  const hash = createHash("sha256");
  for (const item of history) hash.update(`${item.tx_hash}:${item.height}:`);
  return hash.digest("hex");
}
