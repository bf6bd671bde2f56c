import { FpInvertBatch } from "@noble/curves/abstract/modular.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { HARDENED_OFFSET, type HDKey } from "./extended-keys.ts";

const Point = secp256k1.Point;
const Fp = Point.Fp;
const CURVE_ORDER = Point.CURVE().n;

const bytesToBigInt = (bytes: Uint8Array) => {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
};

/**
 * The compressed public keys of a node's non-hardened children `start … start + count - 1` (BIP-32 CKDpub),
 * the same keys `parent.deriveChild(i).publicKey` gives, computed in bulk: the parent point is decompressed
 * once (a square root per child otherwise) and the children are made affine with one batched inversion
 * instead of one inversion each. This is most of the cost of handing out invoice addresses.
 */
export function childPublicKeys(parent: HDKey, start: number, count: number): Uint8Array[] {
  if (!parent.publicKey || !parent.chainCode) throw new Error("The parent key has no public key or chain code");
  if (start < 0 || start + count > HARDENED_OFFSET) throw new RangeError("Only non-hardened children derive publicly");
  const parentPoint = Point.fromBytes(parent.publicKey);
  const data = new Uint8Array(37);
  data.set(parent.publicKey, 0);
  const view = new DataView(data.buffer);
  const points: InstanceType<typeof Point>[] = [];
  for (let index = start; index < start + count; index++) {
    view.setUint32(33, index, false);
    const tweak = bytesToBigInt(hmac(sha512, parent.chainCode, data).subarray(0, 32));
    // BIP-32: such an index has no key (probability below 2^-127); fail as a per-child derivation would.
    if (tweak === 0n || tweak >= CURVE_ORDER) throw new Error(`Child ${index} is invalid: derive the next index`);
    const child = Point.BASE.multiply(tweak).add(parentPoint);
    if (child.equals(Point.ZERO)) throw new Error(`Child ${index} is invalid: derive the next index`);
    points.push(child);
  }
  // Projective (X, Y, Z) → affine (X/Z, Y/Z), all Z inverted at once.
  const inverses = FpInvertBatch(
    Fp,
    points.map((p) => p.Z),
  );
  return points.map((p, i) => {
    const x = Fp.mul(p.X, inverses[i]!);
    const y = Fp.mul(p.Y, inverses[i]!);
    const key = new Uint8Array(33);
    key[0] = y & 1n ? 3 : 2;
    key.set(Fp.toBytes(x), 1);
    return key;
  });
}
