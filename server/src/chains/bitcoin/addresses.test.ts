import { describe, expect, it } from "vitest";
import { getCoin } from "../coins.ts";
import {
  addressToScript,
  bip21Uri,
  decodeAddress,
  deriveAddresses,
  formatBaseUnits,
  isValidAddress,
  scriptToAddress,
} from "./addresses.ts";
import { AddressError } from "./errors.ts";
import { encodeBase58Check } from "./extended-keys.ts";
import { parseWalletKey } from "./keys.ts";

const BTC = getCoin("BTC", "mainnet");
const BTC_TEST = getCoin("BTC", "testnet");
const BTC_SIGNET = getCoin("BTC", "signet");
const BTC_REGTEST = getCoin("BTC", "regtest");
const LTC = getCoin("LTC", "mainnet");
const LTC_TEST = getCoin("LTC", "testnet");
const LTC_REGTEST = getCoin("LTC", "regtest");

const ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AddressError) return error.code;
    throw error;
  }
  return "no error";
};

describe("segwit addresses (BIP-173 / BIP-350 test vectors)", () => {
  it.each([
    [BTC, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6", "p2wpkh"],
    [
      BTC_TEST,
      "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
      "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
      "p2wsh",
    ],
    [
      BTC,
      "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
      "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
      "witness_unknown",
    ],
    [BTC, "BC1SW50QGDZ25J", "6002751e", "witness_unknown"],
    [BTC, "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323", "witness_unknown"],
    [
      BTC_TEST,
      "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
      "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
      "p2wsh",
    ],
    [
      BTC_TEST,
      "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
      "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
      "p2tr",
    ],
    [
      BTC,
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
      "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
      "p2tr",
    ],
  ] as const)("%s: %s", (coin, address, script, type) => {
    expect(decodeAddress(address, coin)).toEqual({ type, script });
    expect(scriptToAddress(script, coin)).toBe(address.toLowerCase());
  });

  it.each([
    ["tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", "invalid human-readable part"],
    ["bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "bech32 instead of bech32m"],
    ["tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf", "bech32 instead of bech32m"],
    ["BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", "bech32 instead of bech32m"],
    ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "bech32m instead of bech32"],
    ["tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47", "bech32m instead of bech32"],
    ["bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", "invalid character in checksum"],
    ["BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "invalid witness version"],
    ["bc1pw5dgrnzv", "program of 1 byte"],
    ["bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav", "program of 41 bytes"],
    ["BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "version 0 program of 16 bytes"],
    ["tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", "mixed case"],
    ["bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", "zero padding of more than 4 bits"],
    ["tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", "non-zero padding"],
    ["bc1gmk9yu", "empty data section"],
  ])("rejects %s (%s)", (address) => {
    const coin = address.toLowerCase().startsWith("tb1") ? BTC_TEST : BTC;
    expect(() => decodeAddress(address, coin)).toThrow(AddressError);
    expect(isValidAddress(address, coin)).toBe(false);
  });
});

describe("base58 addresses", () => {
  it("reads Bitcoin P2PKH and P2SH (BIP-44 and BIP-49 vectors)", () => {
    expect(decodeAddress("1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA", BTC).type).toBe("p2pkh");
    expect(decodeAddress("37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf", BTC).type).toBe("p2sh");
    // BIP-49 testnet vector: the address commits to this script hash.
    expect(addressToScript("2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2", BTC_TEST)).toBe(
      "a914336caa13e08b96080a32b5d818d59b4ab3b3674287",
    );
  });

  it("accepts Litecoin's two P2SH versions and writes the new one", () => {
    const script = addressToScript("M7wtsL7wSHDBJVMWWhtQfTMSYYkyooAAXM", LTC);
    const legacy = scriptToAddress(script, BTC)!;
    expect(legacy.startsWith("3")).toBe(true);
    expect(addressToScript(legacy, LTC)).toBe(script);
    expect(scriptToAddress(script, LTC)).toBe("M7wtsL7wSHDBJVMWWhtQfTMSYYkyooAAXM");
    expect(decodeAddress("LUWPbpM43E2p7ZSh8cyTBEkvpHmr3cB8Ez", LTC).type).toBe("p2pkh");
  });

  it("accepts 2… and Q… P2SH and m…/n… P2PKH on Litecoin test networks", () => {
    const script = "a914336caa13e08b96080a32b5d818d59b4ab3b3674287";
    const q = scriptToAddress(script, LTC_REGTEST)!;
    expect(q.startsWith("Q")).toBe(true);
    for (const coin of [LTC_TEST, LTC_REGTEST]) {
      expect(addressToScript(q, coin)).toBe(script);
      expect(addressToScript("2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2", coin)).toBe(script);
      expect(decodeAddress("mpBTXYfWehjW2tavFwpUdqBJbZZkup13k2", coin).type).toBe("p2pkh");
    }
    // Bitcoin test networks do not know Litecoin's 0x3a.
    expect(codeOf(() => addressToScript(q, BTC_TEST))).toBe("wrong_network");
  });

  it("rejects a wrong checksum, garbage and unknown versions", () => {
    expect(codeOf(() => decodeAddress("1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabB", BTC))).toBe("checksum");
    expect(codeOf(() => decodeAddress("0OIl", BTC))).toBe("invalid");
    expect(codeOf(() => decodeAddress("", BTC))).toBe("invalid");
    // Valid base58check of the right length, but with a version byte no coin uses.
    const unknownVersion = encodeBase58Check(Uint8Array.of(0x99, ...new Uint8Array(20)));
    expect(codeOf(() => decodeAddress(unknownVersion, BTC))).toBe("invalid");
    expect(() => decodeAddress(unknownVersion, BTC)).toThrow(/unknown version byte/);
    // Right version, wrong length.
    expect(codeOf(() => decodeAddress(encodeBase58Check(Uint8Array.of(0x00, ...new Uint8Array(19))), BTC))).toBe(
      "invalid",
    );
  });
});

describe("wrong coin or network", () => {
  it.each([
    ["bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", LTC_REGTEST, /Bitcoin mainnet/],
    ["bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", BTC_TEST, /Bitcoin mainnet/],
    ["tb1qtuynwzd0d6wptvyqmc6ehkm70zcamxpsaze002", BTC, /Bitcoin testnet, Bitcoin signet/],
    ["tb1qtuynwzd0d6wptvyqmc6ehkm70zcamxpsaze002", BTC_REGTEST, /Bitcoin testnet/],
    ["ltc1qjmxnz78nmc8nq77wuxh25n2es7rzm5c2rkk4wh", BTC, /Litecoin mainnet/],
    ["1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA", LTC, /Bitcoin mainnet/],
    ["LUWPbpM43E2p7ZSh8cyTBEkvpHmr3cB8Ez", BTC, /Litecoin mainnet/],
    ["M7wtsL7wSHDBJVMWWhtQfTMSYYkyooAAXM", LTC_REGTEST, /Litecoin mainnet/],
    ["1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA", LTC_REGTEST, /Bitcoin mainnet/],
    ["mpBTXYfWehjW2tavFwpUdqBJbZZkup13k2", BTC, /testnet/],
    ["37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf", BTC_TEST, /Bitcoin mainnet, Litecoin mainnet/],
  ] as const)("%s is refused for %s", (address, coin, owner) => {
    expect(() => decodeAddress(address, coin)).toThrow(owner);
    expect(codeOf(() => decodeAddress(address, coin))).toBe("wrong_network");
  });

  it("accepts tb1 addresses on signet and bcrt1 on regtest", () => {
    expect(isValidAddress("tb1qtuynwzd0d6wptvyqmc6ehkm70zcamxpsaze002", BTC_SIGNET)).toBe(true);
    const regtest = scriptToAddress("0014751e76e8199196d454941c45d1b3a323f1433bd6", BTC_REGTEST)!;
    expect(regtest.startsWith("bcrt1q")).toBe(true);
    expect(addressToScript(regtest, BTC_REGTEST)).toBe("0014751e76e8199196d454941c45d1b3a323f1433bd6");
  });
});

describe("scripts without an address", () => {
  it("returns null for OP_RETURN and bare scripts, and refuses non-hex", () => {
    expect(scriptToAddress("6a0474657374", BTC)).toBeNull();
    expect(scriptToAddress("", BTC)).toBeNull();
    expect(scriptToAddress("0013751e76e8199196d454941c45d1b3a323f1433b", BTC)).toBeNull();
    expect(codeOf(() => scriptToAddress("zz", BTC))).toBe("invalid");
  });
});

describe("deriving addresses", () => {
  it("derives receive and change chains (BIP-84 vector)", () => {
    const key = parseWalletKey(ABANDON, BTC);
    expect(deriveAddresses(key, BTC, 0, 0, 2)).toEqual([
      {
        index: 0,
        address: "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
        script: addressToScript("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", BTC),
      },
      {
        index: 1,
        address: "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g",
        script: addressToScript("bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g", BTC),
      },
    ]);
    expect(deriveAddresses(key, BTC, 1, 0, 1)[0]!.address).toBe("bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el");
  });

  it("derives from any start index, the same addresses as a run from zero", () => {
    const key = parseWalletKey(ABANDON, BTC, { bip39Purpose: 86 });
    const all = deriveAddresses(key, BTC, 0, 0, 5);
    expect(deriveAddresses(key, BTC, 0, 3, 2)).toEqual(all.slice(3));
    expect(all[1]!.address).toBe("bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh");
    expect(deriveAddresses(key, BTC, 0, 7, 0)).toEqual([]);
  });

  it("refuses bad ranges and a coin other than the key's", () => {
    const key = parseWalletKey(ABANDON, BTC);
    expect(() => deriveAddresses(key, BTC, 2 as 0, 0, 1)).toThrow(RangeError);
    expect(() => deriveAddresses(key, BTC, 0, -1, 1)).toThrow(RangeError);
    expect(() => deriveAddresses(key, BTC, 0, 0, 1.5)).toThrow(RangeError);
    expect(() => deriveAddresses(key, BTC, 0, 0, 10_001)).toThrow(RangeError);
    expect(() => deriveAddresses(key, BTC, 0, 2 ** 31 - 1, 2)).toThrow(RangeError);
    expect(() => deriveAddresses(key, LTC, 0, 0, 1)).toThrow(/BTC mainnet/);
  });

  it("derives a pool of a thousand distinct addresses", () => {
    const key = parseWalletKey(ABANDON, BTC);
    const pool = deriveAddresses(key, BTC, 0, 0, 1000);
    expect(pool).toHaveLength(1000);
    expect(new Set(pool.map((a) => a.address)).size).toBe(1000);
  });
});

describe("BIP-21 payment URIs", () => {
  it("prints the amount as an exact decimal in coins", () => {
    expect(bip21Uri(BTC, "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", 100_000n)).toBe(
      "bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=0.001",
    );
    expect(bip21Uri(LTC, "ltc1qjmxnz78nmc8nq77wuxh25n2es7rzm5c2rkk4wh", 2_100_000_000_000_001n, "Order #7 & co")).toBe(
      "litecoin:ltc1qjmxnz78nmc8nq77wuxh25n2es7rzm5c2rkk4wh?amount=21000000.00000001&label=Order%20%237%20%26%20co",
    );
    expect(bip21Uri(BTC, "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA")).toBe("bitcoin:1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA");
    expect(bip21Uri(BTC, "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA", 0n, undefined, "Thanks")).toBe(
      "bitcoin:1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA?message=Thanks",
    );
  });

  it("validates the address for the coin and refuses negative amounts", () => {
    expect(() => bip21Uri(LTC, "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", 1n)).toThrow(AddressError);
    expect(() => bip21Uri(BTC, "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", -1n)).toThrow(RangeError);
  });

  it("formats base units exactly", () => {
    expect(formatBaseUnits(0n, 8)).toBe("0");
    expect(formatBaseUnits(1n, 8)).toBe("0.00000001");
    expect(formatBaseUnits(100_000_000n, 8)).toBe("1");
    expect(formatBaseUnits(123_456_789_012n, 8)).toBe("1234.56789012");
  });
});
