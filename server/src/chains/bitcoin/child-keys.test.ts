import { bytesToHex } from "@noble/hashes/utils.js";
import { HDKey } from "@scure/bip32";
import { describe, expect, it } from "vitest";
import { childPublicKeys } from "./child-keys.ts";

// BIP-32 test vector 1's master public key, and an account xpub from the BIP-84 test mnemonic's network.
const XPUBS = [
  "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8",
  "xpub6CUGRUonZSQ4TWtTMmzXdrXDtypWKiKrhko4egpiMZbpiaQL2jkwSB1icqYh2cfDfVxdx4df189oLKnC5fSwqPfgyP3hooxujYzAu3fDVmz",
];

describe("childPublicKeys", () => {
  it.each(XPUBS)("gives the same keys as deriving each child one by one (%s)", (xpub) => {
    const parent = HDKey.fromExtendedKey(xpub);
    const bulk = childPublicKeys(parent, 3, 40).map(bytesToHex);
    const single = Array.from({ length: 40 }, (_, i) => bytesToHex(parent.deriveChild(3 + i).publicKey!));
    expect(bulk).toEqual(single);
  });

  it("derives nothing for a count of zero, and refuses hardened indexes", () => {
    const parent = HDKey.fromExtendedKey(XPUBS[0]!);
    expect(childPublicKeys(parent, 0, 0)).toEqual([]);
    expect(() => childPublicKeys(parent, 2 ** 31 - 1, 2)).toThrow(RangeError);
  });
});
