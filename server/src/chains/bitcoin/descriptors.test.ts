import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { getCoin } from "../coins.ts";
import { publicKeyToScript } from "./addresses.ts";
import {
  addDescriptorChecksum,
  descriptorChecksum,
  formatDescriptor,
  parseDescriptor,
  splitDescriptorChecksum,
} from "./descriptors.ts";
import { WalletKeyError } from "./errors.ts";
import { HARDENED_OFFSET, neuter, parseExtendedKey } from "./extended-keys.ts";

const BTC = getCoin("BTC", "mainnet");
const H = HARDENED_OFFSET;

// Bitcoin Core's deriveaddresses help example.
const CORE_EXAMPLE =
  "wpkh([d34db33f/84h/0h/0h]xpub6DJ2dNUysrn5Vt36jH2KLBT2i1auw1tTSSomg8PhqNiUtx8QX2SvC9nrHu81fT41fvDUnhMjEzQgXnQjKEu3oaqMSzhSrHMxyyoEAmUHQbY/0/*)#cjjspncu";
// BIP-84 account xpub of "abandon … about" in neutral form.
const ABANDON_84 =
  "xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V";
// BIP-32 test vector 2, chain m/0.
const V2_M0 =
  "xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof WalletKeyError) return error.code;
    throw error;
  }
  return "no error";
};

describe("descriptor checksum (BIP-380)", () => {
  it("computes the checksum of the BIP-380 test vector and of published descriptors", () => {
    expect(descriptorChecksum("raw(deadbeef)")).toBe("89f8spxm");
    expect(descriptorChecksum(CORE_EXAMPLE.slice(0, -9))).toBe("cjjspncu");
    // The same descriptor written with ' instead of h has its own checksum.
    expect(descriptorChecksum(`wpkh([73c5da0a/84'/0'/0']${ABANDON_84}/0/*)`)).toBe("wc3n3van");
    expect(descriptorChecksum(`wpkh([73c5da0a/84'/0'/0']${ABANDON_84}/1/*)`)).toBe("lv5jvedt");
    expect(addDescriptorChecksum("raw(deadbeef)")).toBe("raw(deadbeef)#89f8spxm");
  });

  it("accepts the BIP-380 valid cases and rejects the invalid ones", () => {
    expect(splitDescriptorChecksum("raw(deadbeef)#89f8spxm")).toEqual({ body: "raw(deadbeef)", checksum: "89f8spxm" });
    expect(splitDescriptorChecksum("raw(deadbeef)")).toEqual({ body: "raw(deadbeef)", checksum: null });
    expect(codeOf(() => splitDescriptorChecksum("raw(deadbeef)#"))).toBe("checksum");
    expect(codeOf(() => splitDescriptorChecksum("raw(deadbeef)#89f8spxmx"))).toBe("checksum");
    expect(codeOf(() => splitDescriptorChecksum("raw(deadbeef)#89f8spx"))).toBe("checksum");
    expect(codeOf(() => splitDescriptorChecksum("raw(deedbeef)#89f8spxm"))).toBe("checksum");
    expect(codeOf(() => splitDescriptorChecksum("raw(deedbeef)##9f8spxm"))).toBe("unparseable");
    expect(codeOf(() => splitDescriptorChecksum("raw(Ü)#00000000"))).toBe("unparseable");
    expect(descriptorChecksum("raw(Ü)")).toBeNull();
  });
});

describe("parsing single-key descriptors", () => {
  it("reads Bitcoin Core's example: origin, key, receive chain", () => {
    const parsed = parseDescriptor(CORE_EXAMPLE, BTC);
    expect(parsed.scriptType).toBe("p2wpkh");
    expect(parsed.origin).toEqual({ fingerprint: "d34db33f", path: [84 + H, H, H] });
    expect(parsed.derivation).toEqual([]);
    expect(parsed.chains).toEqual([0]);
    expect(formatDescriptor("p2wpkh", parsed.origin, neuter(parsed.key.node).publicExtendedKey, 0)).toBe(CORE_EXAMPLE);
  });

  it.each([
    [`pkh(${ABANDON_84}/0/*)`, "p2pkh"],
    [`sh(wpkh(${ABANDON_84}/0/*))`, "p2sh-p2wpkh"],
    [`wpkh(${ABANDON_84}/0/*)`, "p2wpkh"],
    [`tr(${ABANDON_84}/0/*)`, "p2tr"],
  ] as const)("reads %s without origin or checksum", (text, scriptType) => {
    const parsed = parseDescriptor(text, BTC);
    expect(parsed.scriptType).toBe(scriptType);
    expect(parsed.origin).toBeNull();
  });

  it("reads multipath receive/change steps and every hardened marker", () => {
    const parsed = parseDescriptor(`wpkh([73c5da0a/84'/0H/0h]${ABANDON_84}/<0;1>/*)`, BTC);
    expect(parsed.chains).toEqual([0, 1]);
    expect(parsed.origin?.path).toEqual([84 + H, H, H]);
  });

  it("keeps steps between the key and the chain", () => {
    const parsed = parseDescriptor(`wpkh([ffffffff/13']${V2_M0}/1/0/*)`, BTC);
    expect(parsed.derivation).toEqual([1]);
    expect(parsed.chains).toEqual([0]);
  });

  it.each([
    ["change chain only", `wpkh(${ABANDON_84}/1/*)`, "unsupported"],
    ["another chain", `wpkh([ffffffff/13']${V2_M0}/1/2/*)`, "unsupported"],
    ["no chain step", `wpkh(${ABANDON_84}/*)`, "unsupported"],
    ["not ranged", `wpkh(${ABANDON_84}/0/0)`, "unsupported"],
    ["hardened wildcard", `wpkh(${ABANDON_84}/0/*h)`, "unsupported"],
    ["hardened step after a public key", `wpkh(${ABANDON_84}/1h/0/*)`, "invalid"],
    ["other multipath values (BIP-389)", `wpkh([ffffffff/13h]${V2_M0}/<1;3>/2/*)`, "unsupported"],
    ["multipath with three values", `wpkh(${ABANDON_84}/<0;1;2>/*)`, "unsupported"],
    ["two multipath steps (BIP-389)", `wpkh(${ABANDON_84}/<0;1>/<2;3>/*)`, "unparseable"],
    ["empty multipath (BIP-389)", `wpkh(${ABANDON_84}/<>/*)`, "unparseable"],
    ["missing multipath start (BIP-389)", `wpkh(${ABANDON_84}/0>/*)`, "unparseable"],
    ["missing multipath end (BIP-389)", `wpkh(${ABANDON_84}/<0/*)`, "unparseable"],
    ["missing multipath index (BIP-389)", `wpkh(${ABANDON_84}/<0;>/*)`, "unparseable"],
    ["multipath in origin (BIP-389)", `wpkh([deadbeef/<0;1>]${ABANDON_84}/0/*)`, "unparseable"],
    ["wildcard in origin (BIP-380)", `wpkh([deadbeef/0h/0h/0h/*]${ABANDON_84}/0/*)`, "unparseable"],
    ["trailing slash in origin (BIP-380)", `wpkh([deadbeef/0h/0h/0h/]${ABANDON_84}/0/*)`, "unparseable"],
    ["short fingerprint (BIP-380)", `wpkh([deadbef/0h/0h/0h]${ABANDON_84}/0/*)`, "unparseable"],
    ["index out of range", `wpkh([deadbeef/2147483648]${ABANDON_84}/0/*)`, "invalid"],
    ["a raw public key", "wpkh(02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9)", "unsupported"],
    ["multisig", `wsh(multi(1,${ABANDON_84}/0/*,${V2_M0}/0/*))`, "unsupported"],
    ["taproot script path", `tr(${ABANDON_84}/0/*,pk(${V2_M0}/0/*))`, "unsupported"],
    ["combo", `combo(${ABANDON_84}/0/*)`, "unsupported"],
    ["address", "addr(bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu)", "unsupported"],
    [
      "testnet key on mainnet",
      "sh(wpkh(upub5EFU65HtV5TeiSHmZZm7FUffBGy8UKeqp7vw43jYbvZPpoVsgU93oac7Wk3u6moKegAEWtGNF8DehrnHtv21XXEMYRUocHqguyjknFHYfgY/0/*))",
      "wrong_network",
    ],
    ["wrong checksum", `${CORE_EXAMPLE.slice(0, -1)}x`, "checksum"],
    ["not a descriptor", "hello(", "unparseable"],
  ])("refuses %s", (_name, text, code) => {
    expect(codeOf(() => parseDescriptor(text, BTC))).toBe(code);
  });

  it("explains why", () => {
    expect(() => parseDescriptor(`tr(${ABANDON_84}/0/*,pk(${V2_M0}/0/*))`, BTC)).toThrow(/script paths/);
    expect(() => parseDescriptor(`wsh(multi(1,${ABANDON_84}/0/*))`, BTC)).toThrow(/Unsupported descriptor wsh/);
    expect(() => parseDescriptor(`wpkh(${ABANDON_84}/1/*)`, BTC)).toThrow(/change chain/);
    expect(() => parseDescriptor(`wpkh(${ABANDON_84}/0/*h)`, BTC)).toThrow(/Hardened wildcards/);
  });
});

describe("scripts of descriptor test vectors", () => {
  it("derives BIP-382's wpkh(xpub/1/2/*) scripts", () => {
    const node = neuter(parseExtendedKey(V2_M0, BTC).node).deriveChild(1).deriveChild(2);
    const scripts = [0, 1, 2].map((i) => bytesToHex(publicKeyToScript(node.deriveChild(i).publicKey!, "p2wpkh")));
    expect(scripts).toEqual([
      "0014326b2249e3a25d5dc60935f044ee835d090ba859",
      "0014af0bd98abc2f2cae66e36896a39ffe2d32984fb7",
      "00141fa798efd1cbf95cebf912c031b8a4a6e9fb9f27",
    ]);
  });

  it("derives BIP-382's sh(wpkh(xprv/10/20/30/40/*h)) scripts through private derivation", () => {
    const master = parseExtendedKey(
      "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi",
      BTC,
    ).node;
    const chain = master.derive("m/10/20/30/40");
    const scripts = [0, 1, 2].map((i) =>
      bytesToHex(publicKeyToScript(chain.deriveChild(i + H).publicKey!, "p2sh-p2wpkh")),
    );
    expect(scripts).toEqual([
      "a9149a4d9901d6af519b2a23d4a2f51650fcba87ce7b87",
      "a914bed59fc0024fae941d6e20a3b44a109ae740129287",
      "a9148483aa1116eb9c05c482a72bada4b1db24af654387",
    ]);
  });

  it("derives BIP-386's tr(KEY) script (the x-only key, either parity)", () => {
    const xonly = "a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd";
    for (const prefix of ["02", "03"]) {
      const key = Uint8Array.from(Buffer.from(prefix + xonly, "hex"));
      expect(bytesToHex(publicKeyToScript(key, "p2tr"))).toBe(
        "512077aab6e066f8a7419c5ab714c12c67d25007ed55a43cadcacb4d7a970a093f11",
      );
    }
  });

  it("derives BIP-382's wpkh(pubkey) and pkh scripts of the same key", () => {
    const key = Uint8Array.from(
      Buffer.from("03a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd", "hex"),
    );
    expect(bytesToHex(publicKeyToScript(key, "p2wpkh"))).toBe("00149a1c78a507689f6f54b847ad1cef1e614ee23f1e");
    expect(bytesToHex(publicKeyToScript(key, "p2pkh"))).toBe("76a9149a1c78a507689f6f54b847ad1cef1e614ee23f1e88ac");
  });
});
