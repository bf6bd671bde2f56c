import { hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { type CoinDefinition, getCoin } from "../coins.ts";
import { addressToScript, deriveAddresses } from "./addresses.ts";
import { descriptorChecksum } from "./descriptors.ts";
import { WalletKeyError } from "./errors.ts";
import { parseExtendedKey, serializeExtendedKey } from "./extended-keys.ts";
import { type ParseWalletKeyOptions, parseWalletKey, type WalletKey } from "./keys.ts";

const BTC = getCoin("BTC", "mainnet");
const BTC_TEST = getCoin("BTC", "testnet");
const BTC_SIGNET = getCoin("BTC", "signet");
const LTC = getCoin("LTC", "mainnet");
const LTC_TEST = getCoin("LTC", "testnet");
const LTC_REGTEST = getCoin("LTC", "regtest");

const ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const TREAT = "treat dwarf wealth gasp brass outside high rent blood crowd make initial";
// The passphrase Electrum's tests use to exercise text normalisation.
const UNICODE_HORROR = new TextDecoder().decode(
  hexToBytes(
    "e282bf20f09f988020f09f98882020202020e3818620e38191e3819fe381be20e3828fe3828b2077cda2cda2cd9d68cda16fcda2cda120ccb8cda26bccb5cd9f6eccb4cd98c7ab77ccb8cc9b73cd9820cc80cc8177cd98cda2e1b8a9ccb561d289cca1cda27420cca7cc9568cc816fccb572cd8fccb5726f7273cca120ccb6cda1cda06cc4afccb665cd9fcd9f20ccb6cd9d696ecda220cd8f74cc9568ccb7cca1cd9f6520cd9fcd9f64cc9b61cd9c72cc95cda16bcca2cca820cda168ccb465cd8f61ccb7cca2cca17274cc81cd8f20ccb4ccb7cda0c3b2ccb5ccb666ccb82075cca7cd986ec3adcc9bcd9c63cda2cd8f6fccb7cd8f64ccb8cda265cca1cd9d3fcd9e",
  ),
);

const first = (key: WalletKey, coin: CoinDefinition, chain: 0 | 1 = 0) =>
  deriveAddresses(key, coin, chain, 0, 1)[0]!.address;

const failure = (input: string, coin: CoinDefinition, options?: ParseWalletKeyOptions) => {
  try {
    parseWalletKey(input, coin, options);
  } catch (error) {
    expect(error).toBeInstanceOf(WalletKeyError);
    return { code: (error as WalletKeyError).code, message: (error as Error).message };
  }
  return expect.fail(`expected ${input.slice(0, 20)}… to be refused`);
};

describe("BIP-39 mnemonics (BIP-44/49/84/86 and SLIP-132 vectors)", () => {
  it("defaults to BIP-84 account 0 (BIP-84 vector)", () => {
    const key = parseWalletKey(ABANDON, BTC);
    expect(key).toMatchObject({
      kind: "bip39",
      scriptType: "p2wpkh",
      fingerprint: "73c5da0a",
      path: "m/84'/0'/0'",
      hasPrivate: true,
      accountXpub:
        "xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V",
    });
    expect(serializeExtendedKey(key.accountKey, BTC, "p2wpkh")).toBe(
      "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs",
    );
    expect(
      serializeExtendedKey(parseExtendedKey(key.privateMaterial!.accountXprv, BTC).node, BTC, "p2wpkh", "private"),
    ).toBe(
      "zprvAdG4iTXWBoARxkkzNpNh8r6Qag3irQB8PzEMkAFeTRXxHpbF9z4QgEvBRmfvqWvGp42t42nvgGpNgYSJA9iefm1yYNZKEm7z6qUWCroSQnE",
    );
    expect(first(key, BTC)).toBe("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu");
    expect(first(key, BTC, 1)).toBe("bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el");
    const body = `wpkh([73c5da0a/84h/0h/0h]${key.accountXpub}/0/*)`;
    expect(key.descriptor).toBe(`${body}#${descriptorChecksum(body)}`);
    expect(key.changeDescriptor).toBe(
      `${body.replace("/0/*", "/1/*")}#${descriptorChecksum(body.replace("/0/*", "/1/*"))}`,
    );
  });

  it("derives BIP-49 nested segwit (BIP-49 / SLIP-132 vector)", () => {
    const key = parseWalletKey(ABANDON, BTC, { bip39Purpose: 49 });
    expect(key.scriptType).toBe("p2sh-p2wpkh");
    expect(key.path).toBe("m/49'/0'/0'");
    expect(serializeExtendedKey(key.accountKey, BTC, "p2sh-p2wpkh")).toBe(
      "ypub6Ww3ibxVfGzLrAH1PNcjyAWenMTbbAosGNB6VvmSEgytSER9azLDWCxoJwW7Ke7icmizBMXrzBx9979FfaHxHcrArf3zbeJJJUZPf663zsP",
    );
    expect(first(key, BTC)).toBe("37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf");
    expect(key.descriptor.startsWith("sh(wpkh([73c5da0a/49h/0h/0h]xpub")).toBe(true);
  });

  it("derives BIP-49 on testnet (BIP-49 vector)", () => {
    const key = parseWalletKey(ABANDON, BTC_TEST, { bip39Purpose: 49 });
    expect(key.path).toBe("m/49'/1'/0'");
    expect(serializeExtendedKey(key.accountKey, BTC_TEST, "p2sh-p2wpkh")).toBe(
      "upub5EFU65HtV5TeiSHmZZm7FUffBGy8UKeqp7vw43jYbvZPpoVsgU93oac7Wk3u6moKegAEWtGNF8DehrnHtv21XXEMYRUocHqguyjknFHYfgY",
    );
    expect(first(key, BTC_TEST)).toBe("2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2");
  });

  it("derives BIP-44 legacy (SLIP-132 vector)", () => {
    const key = parseWalletKey(ABANDON, BTC, { bip39Purpose: 44 });
    expect(key.accountXpub).toBe(
      "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoekkudhUd9yLb6qx39T9nMdj",
    );
    expect(first(key, BTC)).toBe("1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA");
  });

  it("derives BIP-86 taproot (BIP-86 vector)", () => {
    const key = parseWalletKey(ABANDON, BTC, { bip39Purpose: 86 });
    expect(key.accountXpub).toBe(
      "xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ",
    );
    expect(deriveAddresses(key, BTC, 0, 0, 2).map((a) => a.script)).toEqual([
      "5120a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c",
      "5120a82f29944d65b86ae6b5e5cc75e294ead6c59391a1edc5e016e3498c67fc7bbb",
    ]);
    expect(first(key, BTC)).toBe("bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr");
    expect(first(key, BTC, 1)).toBe("bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7");
    expect(key.descriptor.startsWith("tr([73c5da0a/86h/0h/0h]xpub6BgBgsespWvERF3L")).toBe(true);
  });

  it("applies a passphrase with NFKD only (Electrum's BIP-39 vectors)", () => {
    const plain = parseWalletKey(TREAT, BTC, { bip39Purpose: 44 });
    expect(plain.accountXpub).toBe(
      "xpub6DFh1smUsyqmYD4obDX6ngaxhd53Zx7aeFjoobebm7vbkT6f9awJWFuGzBT9FQJEWFBL7UyhMXtYzRcwDuVbcxtv9Ce2W9eMm4KXLdvdbjv",
    );
    expect(first(plain, BTC)).toBe("16j7Dqk3Z9DdTdBtHcCVLaNQy9MTgywUUo");
    expect(first(plain, BTC, 1)).toBe("1GG5bVeWgAp5XW7JLCphse14QaC4qiHyWn");

    const withPassphrase = parseWalletKey(TREAT, BTC, { bip39Purpose: 44, passphrase: UNICODE_HORROR });
    expect(withPassphrase.accountXpub).toBe(
      "xpub6D85QDBajeLe2JXJrZeGyQCaw47PWKi3J9DPuHakjTkVBWCxVQQkmMVMSSfnw39tj9FntbozpRtb1AJ8ubjeVSBhyK4M5mzdvsXZzKPwodT",
    );
    expect(first(withPassphrase, BTC)).toBe("1F88g2naBMhDB7pYFttPWGQgryba3hPevM");
    expect(withPassphrase.privateMaterial?.passphrase).toBe(UNICODE_HORROR);

    const nested = parseWalletKey(TREAT, BTC, { bip39Purpose: 49 });
    expect(serializeExtendedKey(nested.accountKey, BTC, "p2sh-p2wpkh")).toBe(
      "ypub6XDth9u8DzXV1tcpDtoDKMf6kVMaVMn1juVWEesTshcX4zUVvfNgjPJLXrD9N7AdTLnbHFL64KmBn3SNaTe69iZYbYCqLCCNPZKbLz9niQ4",
    );
    expect(first(nested, BTC)).toBe("35ohQTdNykjkF1Mn9nAVEFjupyAtsPAK1W");
  });

  it("uses Litecoin's coin type and addresses", () => {
    const legacy = parseWalletKey(ABANDON, LTC, { bip39Purpose: 44 });
    expect(legacy.path).toBe("m/44'/2'/0'");
    expect(first(legacy, LTC)).toBe("LUWPbpM43E2p7ZSh8cyTBEkvpHmr3cB8Ez");
    const nested = parseWalletKey(ABANDON, LTC, { bip39Purpose: 49 });
    expect(first(nested, LTC)).toBe("M7wtsL7wSHDBJVMWWhtQfTMSYYkyooAAXM");
    const native = parseWalletKey(ABANDON, LTC);
    expect(serializeExtendedKey(native.accountKey, LTC, "p2wpkh")).toBe(
      "zpub6rPo5mF47z5coVm5rvWv7fv181awb7Vckn5Cf3xQXBVKu18kuBHDhNi1Jrb4br6vVD3ZbrnXemEsWJoR18mZwkUdzwD8TQnHDUCGxqZ6swA",
    );
    expect(first(native, LTC)).toBe("ltc1qjmxnz78nmc8nq77wuxh25n2es7rzm5c2rkk4wh");
    expect(native.accountXpub.startsWith("xpub")).toBe(true);
    expect(parseWalletKey(ABANDON, LTC_TEST).path).toBe("m/84'/1'/0'");
  });

  it("selects the account and checks the options", () => {
    expect(parseWalletKey(ABANDON, BTC, { account: 3 }).path).toBe("m/84'/0'/3'");
    expect(parseWalletKey(ABANDON, BTC, { account: 3 }).accountXpub).not.toBe(parseWalletKey(ABANDON, BTC).accountXpub);
    expect(failure(ABANDON, BTC, { account: -1 }).code).toBe("invalid");
    expect(failure(ABANDON, BTC, { account: 2 ** 31 }).code).toBe("invalid");
    expect(failure(ABANDON, BTC, { bip39Purpose: 50 as 84 }).code).toBe("invalid");
  });

  it("tolerates case and spacing but not typos", () => {
    const messy = `  ${ABANDON.toUpperCase().replaceAll(" ", "   ")}\n`;
    expect(parseWalletKey(messy, BTC).accountXpub).toBe(parseWalletKey(ABANDON, BTC).accountXpub);
    expect(failure(ABANDON.replace("about", "abandon"), BTC)).toMatchObject({ code: "checksum" });
    expect(failure(ABANDON.replace("about", "aboot"), BTC).message).toMatch(/"aboot"/);
  });
});

describe("Electrum seeds (Electrum's wallet tests)", () => {
  it("reads a standard seed as p2pkh on the master key", () => {
    const key = parseWalletKey("cycle rocket west magnet parrot shuffle foot correct salt library feed song", BTC);
    expect(key).toMatchObject({ kind: "electrum_seed", electrumSeedType: "standard", scriptType: "p2pkh", path: "m" });
    expect(key.accountXpub).toBe(
      "xpub661MyMwAqRbcFWohJWt7PHsFEJfZAvw9ZxwQoDa4SoMgsDDM1T7WK3u9E4edkC4ugRnZ8E4xDZRpk8Rnts3Nbt97dPwT52CwBdDWroaZf8U",
    );
    expect(key.privateMaterial!.accountXprv).toBe(
      "xprv9s21ZrQH143K32jECVM729vWgGq4mUDJCk1ozqAStTphzQtCTuoFmFafNoG1g55iCnBTXUzz3zWnDb5CVLGiFvmaZjuazHDL8a81cPQ8KL6",
    );
    expect(first(key, BTC)).toBe("1NNkttn1YvVGdqBW4PR6zvc3Zx3H5owKRf");
    expect(first(key, BTC, 1)).toBe("1KSezYMhAJMWqFbVFB2JshYg69UpmEXR4D");
  });

  it("reads a segwit seed as p2wpkh at m/0'", () => {
    const key = parseWalletKey("bitter grass shiver impose acquire brush forget axis eager alone wine silver", BTC);
    expect(key).toMatchObject({
      kind: "electrum_seed",
      electrumSeedType: "segwit",
      scriptType: "p2wpkh",
      path: "m/0'",
    });
    expect(serializeExtendedKey(key.accountKey, BTC, "p2wpkh")).toBe(
      "zpub6nsHdRuY92FsMKdbn9BfjBCG6X8pyhCibNP6uDvpnw2cyrVhecvHRMa3Ne8kdJZxjxgwnpbHLkcR4bfnhHy6auHPJyDTQ3kianeuVLdkCYQ",
    );
    expect(
      serializeExtendedKey(parseExtendedKey(key.privateMaterial!.accountXprv, BTC).node, BTC, "p2wpkh", "private"),
    ).toBe(
      "zprvAZswDvNeJeha8qZ8g7efN3FXYVJLaEUsE9TW6qXDEbVe74AZ75c2sZFZXPNFzxnhChDQ89oC8C5AjWwHmH1HeRKE1c4kKBQAmjUDdKDUZw2",
    );
    expect(first(key, BTC)).toBe("bc1q3g5tmkmlvxryhh843v4dz026avatc0zzr6h3af");
    expect(first(key, BTC, 1)).toBe("bc1qdy94n2q5qcp0kg7v9yzwe6wvfkhnvyzje7nx2p");
    expect(key.descriptor.startsWith(`wpkh([${key.fingerprint}/0h]xpub`)).toBe(true);
  });

  it("normalises the seed extension the Electrum way", () => {
    const key = parseWalletKey("bitter grass shiver impose acquire brush forget axis eager alone wine silver", BTC, {
      passphrase: UNICODE_HORROR,
    });
    expect(serializeExtendedKey(key.accountKey, BTC, "p2wpkh")).toBe(
      "zpub6nD7dvF6ArArjskKHZLmEL9ky8FqaSti1LN5maDWGwFrqwwGTp1b6ic4EHwciFNaYDmCXcQYxXSiF9BjcLCMPcaYkVN2nQD6QjYQ8vpSR3Z",
    );
    expect(first(key, BTC)).toBe("bc1qx94dutas7ysn2my645cyttujrms5d9p57f6aam");
    expect(first(key, BTC, 1)).toBe("bc1qcywwsy87sdp8vz5rfjh3sxdv6rt95kujdqq38g");
  });

  it("refuses old and 2FA seeds, saying so", () => {
    const old = failure("powerful random nobody notice nothing important anyway look away hidden message over", BTC);
    expect(old.code).toBe("seed_version");
    expect(old.message).toMatch(/before Electrum 2\.0/);
    expect(failure("8edad31a95e7d59f8837667510d75a4d", BTC)).toMatchObject({ code: "seed_version" });
    for (const seed of [
      "kiss live scene rude gate step hip quarter bunker oxygen motor glove",
      "universe topic remind silver february ranch shine worth innocent cattle enhance wise",
      "bind clever room kidney crucial sausage spy edit canvas soul liquid ribbon slam open alpha suffer gate relax voice carpet law hill woman tonight abstract",
    ]) {
      const refused = failure(seed, BTC);
      expect(refused.code).toBe("seed_version");
      expect(refused.message).toMatch(/2FA/);
    }
  });

  it("asks which reading to use when a phrase is both an Electrum seed and a BIP-39 mnemonic", () => {
    const both = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon mass";
    expect(failure(both, BTC)).toMatchObject({ code: "ambiguous" });
    const electrum = parseWalletKey(both, BTC, { seedFormat: "electrum" });
    expect(electrum).toMatchObject({ kind: "electrum_seed", scriptType: "p2pkh" });
    const bip39 = parseWalletKey(both, BTC, { seedFormat: "bip39" });
    expect(bip39).toMatchObject({ kind: "bip39", scriptType: "p2wpkh" });
    expect(electrum.accountXpub).not.toBe(bip39.accountXpub);
  });

  it("honours a forced seed format", () => {
    expect(failure(ABANDON, BTC, { seedFormat: "electrum" })).toMatchObject({ code: "seed_version" });
    expect(
      failure("bitter grass shiver impose acquire brush forget axis eager alone wine silver", BTC, {
        seedFormat: "bip39",
      }).code,
    ).toMatch(/checksum|unparseable|invalid/);
    expect(failure(ABANDON, BTC, { seedFormat: "other" as "auto" }).code).toBe("invalid");
  });
});

describe("extended keys with their SLIP-132 meaning (Electrum's version byte tests)", () => {
  // Electrum's "crouch dumb relax …" master keys: the same node in each family.
  const MAINNET = [
    [
      "xpub661MyMwAqRbcGH3yTb2kMQGnsLziRTJZ8vNthsVSCGbdBr8CGDWKxnGAFYgyKTzBtwvPPmfVAWJuFmxRXjSbUTg87wDkWQ5GmzpfUcN9t8Z",
      "p2pkh",
      "19fWEVaXqgJFFn7JYNr6ouxyjZy3uK7CdK",
      "1EEX7da31qndYyeKdbM665w1ze5gbkkAZZ",
    ],
    [
      "ypub6QqdH2c5z7967aF6HwpNZVNJ3K9AN5J442u7VGPKaGyWEwwRWsftaqvJGkeZKNe7Jb3C9FG3dAfT94ZzFRrcGhMizGvB6Jtm3itJsEFhxMC",
      "p2sh-p2wpkh",
      "34SAT5gGF5UaBhhSZ8qEuuxYvZ2cm7Zi23",
      "38unULZaetSGSKvDx7Krukh8zm8NQnxGiA",
    ],
    [
      "zpub6jftahH18ngZxsSD8JbzmaToDHHcJhHYy9RLGfHCxHMPJ3kemXqTCuaSHxc9KHJ2iE9ztirc5q212MBYy8Gd4w3KrccbgDiFKSwxFpYKEH6",
      "p2wpkh",
      "bc1qtuynwzd0d6wptvyqmc6ehkm70zcamxpshyzu5e",
      "bc1qjy5zunxh6hjysele86qqywfa437z4xwmleq8wk",
    ],
    [
      "xprv9s21ZrQH143K3nyWMZVjzGL4KKAE1zahmhTHuV5pdw4eK3o3igC5QywgQG7UTRe6TGBniPDpPFWzXMeMUFbBj8uYsfXGjyMmF54wdNt8QBm",
      "p2pkh",
      "19fWEVaXqgJFFn7JYNr6ouxyjZy3uK7CdK",
      "1EEX7da31qndYyeKdbM665w1ze5gbkkAZZ",
    ],
    [
      "yprvABrGsX5C9janu6AdBvHNCMRZVHJfxcaCgoyWgsyi1wSXN9cGyLMe33bpRU54TLJ1ruJbTrpNqusYQeFvBx1CXNb9k1DhKtBFWo8b1sLbXhN",
      "p2sh-p2wpkh",
      "34SAT5gGF5UaBhhSZ8qEuuxYvZ2cm7Zi23",
      "38unULZaetSGSKvDx7Krukh8zm8NQnxGiA",
    ],
    [
      "zprvAWgYBBk7JR8GkPMk2H4zQSX4fFT7uEZhbvVjUGsbPwpQRFRWDzXCf7FxSg2eTEwwGYRQDLQwJaE6HvsUueRDKcGkcLv7unzjnXCEQVWhrF9",
      "p2wpkh",
      "bc1qtuynwzd0d6wptvyqmc6ehkm70zcamxpshyzu5e",
      "bc1qjy5zunxh6hjysele86qqywfa437z4xwmleq8wk",
    ],
  ] as const;
  const TESTNET = [
    [
      "tpubD6NzVbkrYhZ4Y5Epun1qZKcACU6NQqocgYyC4RYaYBMWw8nuLSMR7DvzVamkqxwRgrTJ1MBMhc8wwxT2vbHqMu8RBXy4BvjWMxR5EdZroxE",
      "p2pkh",
      "mpBTXYfWehjW2tavFwpUdqBJbZZkup13k2",
      "mtkUQgf1psDtL67wMAKTv19LrdgPWy6GDQ",
    ],
    [
      "upub57Wa4MvRPNyAiPUcxWfsj8zHMSZNbbL4PapEMgon4FTz2YgWWF1e6bHkBvpDKk2Rg2Zy9LsonXFFbv7jNeCZ5kdKWv8UkfcoxpdjJrZuBX6",
      "p2sh-p2wpkh",
      "2MuzNWpcHrXyvPVKzEGT7Xrwp8uEnXXjWnK",
      "2MzTzY5VcGLwce7YmdEwjXhgQD7LYEKLJTm",
    ],
    [
      "vpub5SLqN2bLY4WeZgfjnsTVwE5nXQhpYDKZJhLT95hfSFqs5eVjkuBCiewtD8moKegM5fgmtpUNFBboVCjJ6LcZszJvPFpuLaSJEYhNhUAnrCS",
      "p2wpkh",
      "tb1qtuynwzd0d6wptvyqmc6ehkm70zcamxpsaze002",
      "tb1qjy5zunxh6hjysele86qqywfa437z4xwm4lm549",
    ],
    [
      "tprv8ZgxMBicQKsPecD328MF9ux3dSaSFWci7FNQmuWH7uZ86eY8i3XpvjK8KSH8To2QphiZiUqaYc6nzDC6bTw8YCB9QJjaQL5pAApN4z7vh2B",
      "p2pkh",
      "mpBTXYfWehjW2tavFwpUdqBJbZZkup13k2",
      "mtkUQgf1psDtL67wMAKTv19LrdgPWy6GDQ",
    ],
    [
      "uprv8tXDerPXZ1QsVuQ9rV8sN13YoQitC8cD2MtdZJQAVuw19kMMxhhPYnyGLeEiThgLELqNTxS91GTLsVofKAM9LRrkGeRzzEuJRtt1Tcostr7",
      "p2sh-p2wpkh",
      "2MuzNWpcHrXyvPVKzEGT7Xrwp8uEnXXjWnK",
      "2MzTzY5VcGLwce7YmdEwjXhgQD7LYEKLJTm",
    ],
    [
      "vprv9DMUxX4ShgxMMCbGgqvVa693yNsL8kbhwUQrLhJ3svJtCrAbDMrxArdQMrCJTcLFdyxBDS2hTvotknRE2rmA8fYM8z8Ra9inhcwerEsG6Ev",
      "p2wpkh",
      "tb1qtuynwzd0d6wptvyqmc6ehkm70zcamxpsaze002",
      "tb1qjy5zunxh6hjysele86qqywfa437z4xwm4lm549",
    ],
  ] as const;

  it.each(MAINNET)("mainnet %s", (input, scriptType, receive, change) => {
    const key = parseWalletKey(input, BTC);
    const isPrivate = input.slice(1, 4) === "prv";
    expect(key).toMatchObject({ kind: isPrivate ? "xprv" : "xpub", scriptType, hasPrivate: isPrivate, path: "m" });
    expect(key.accountXpub).toBe(MAINNET[0][0]);
    expect(first(key, BTC)).toBe(receive);
    expect(first(key, BTC, 1)).toBe(change);
    if (isPrivate) expect(key.privateMaterial).toMatchObject({ accountXprv: MAINNET[3][0], secret: input });
    else expect(key.privateMaterial).toBeUndefined();
  });

  it.each(TESTNET)("testnet %s", (input, scriptType, receive, change) => {
    const key = parseWalletKey(input, BTC_TEST);
    expect(key.scriptType).toBe(scriptType);
    expect(key.accountXpub).toBe(TESTNET[0][0]);
    expect(first(key, BTC_TEST)).toBe(receive);
    expect(first(key, BTC_TEST, 1)).toBe(change);
    // Signet shares testnet's version bytes and address forms.
    expect(first(parseWalletKey(input, BTC_SIGNET), BTC_SIGNET)).toBe(receive);
  });

  it("reads Litecoin's Ltub and Mtub, and xpub/zpub on Litecoin mainnet", () => {
    const ltub = parseWalletKey(
      "Ltub2YDQmP391UYeDYvLye9P1SuNJFkcRGN7SYHM8JMxaDnegcPTXHJ2BnYmvHnFnGPGKu2WMuCga6iZV3SDxDMGrRyMcrYEfSPhrpS1EPkC43E",
      LTC,
    );
    expect(ltub.scriptType).toBe("p2pkh");
    expect(first(ltub, LTC)).toBe("LUWPbpM43E2p7ZSh8cyTBEkvpHmr3cB8Ez");
    const mtub = parseWalletKey(
      "Mtub2rz9F1pkisRsSZX8sa4Ajon9GhPP6JymLgpuHqbYdU5JKFLBF7Qy8b1tZ3dccj2fefrAxfrPdVkpCxuWn3g72UctH2bvJRkp6iFmp8aLeRZ",
      LTC,
    );
    expect(mtub.scriptType).toBe("p2sh-p2wpkh");
    expect(first(mtub, LTC)).toBe("M7wtsL7wSHDBJVMWWhtQfTMSYYkyooAAXM");
    const zpub = parseWalletKey(
      "zpub6rPo5mF47z5coVm5rvWv7fv181awb7Vckn5Cf3xQXBVKu18kuBHDhNi1Jrb4br6vVD3ZbrnXemEsWJoR18mZwkUdzwD8TQnHDUCGxqZ6swA",
      LTC,
    );
    expect(first(zpub, LTC)).toBe("ltc1qjmxnz78nmc8nq77wuxh25n2es7rzm5c2rkk4wh");
    const xpub = parseWalletKey(MAINNET[0][0], LTC);
    expect(first(xpub, LTC).startsWith("L")).toBe(true);
  });

  it("records origin only for master-level keys", () => {
    const deep = parseWalletKey(
      "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs",
      BTC,
    );
    expect(deep.origin).toBeNull();
    expect(deep.fingerprint).toBeNull();
    expect(deep.descriptor).toMatch(/^wpkh\(xpub6CatWdiZiodmUeTDp8LT5or8[^[\]]*\/0\/\*\)#[a-z0-9]{8}$/);
    expect(first(deep, BTC)).toBe("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu");
  });

  it("refuses multisig families", () => {
    const zpub = failure(
      "Zpub6xwgqLvc42wXB1wEELTdALD9iXwStMUkGqBgxkJFYumaL2dWgNvUkjEDWyDFZD3fZuDWDzd1KQJ4NwVHS7hs6H6QkpNYSShfNiUZsgMdtNg",
      BTC,
    );
    expect(zpub.code).toBe("unsupported");
    expect(zpub.message).toMatch(/multisig/);
    expect(
      failure(
        "Vpub5dEvVGKn7251zFq7jXvUmJRbFCk5ka19cxz84LyCp2gGhq4eXJZUomop1qjGt5uFK8kkmQUV8PzJcNM4PZmX2URbDiwJjyuJ8GyFHRrEmmG",
        BTC_TEST,
      ).code,
    ).toBe("unsupported");
  });
});

describe("keys for another coin or network", () => {
  const ZPUB_BTC =
    "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
  const TPUB =
    "tpubD6NzVbkrYhZ4Y5Epun1qZKcACU6NQqocgYyC4RYaYBMWw8nuLSMR7DvzVamkqxwRgrTJ1MBMhc8wwxT2vbHqMu8RBXy4BvjWMxR5EdZroxE";

  it.each([
    ["a Bitcoin mainnet zpub for Litecoin regtest", ZPUB_BTC, LTC_REGTEST],
    ["a tpub for Bitcoin mainnet", TPUB, BTC],
    ["a tpub for Litecoin mainnet", TPUB, LTC],
    [
      "an xpub for Bitcoin testnet",
      "xpub661MyMwAqRbcGH3yTb2kMQGnsLziRTJZ8vNthsVSCGbdBr8CGDWKxnGAFYgyKTzBtwvPPmfVAWJuFmxRXjSbUTg87wDkWQ5GmzpfUcN9t8Z",
      BTC_TEST,
    ],
    [
      "an xpub for Litecoin regtest",
      "xpub661MyMwAqRbcGH3yTb2kMQGnsLziRTJZ8vNthsVSCGbdBr8CGDWKxnGAFYgyKTzBtwvPPmfVAWJuFmxRXjSbUTg87wDkWQ5GmzpfUcN9t8Z",
      LTC_REGTEST,
    ],
    [
      "a Litecoin Ltub for Bitcoin mainnet",
      "Ltub2YDQmP391UYeDYvLye9P1SuNJFkcRGN7SYHM8JMxaDnegcPTXHJ2BnYmvHnFnGPGKu2WMuCga6iZV3SDxDMGrRyMcrYEfSPhrpS1EPkC43E",
      BTC,
    ],
    [
      "an upub for Bitcoin mainnet",
      "upub57Wa4MvRPNyAiPUcxWfsj8zHMSZNbbL4PapEMgon4FTz2YgWWF1e6bHkBvpDKk2Rg2Zy9LsonXFFbv7jNeCZ5kdKWv8UkfcoxpdjJrZuBX6",
      BTC,
    ],
    [
      "a zprv for Bitcoin testnet",
      "zprvAWgYBBk7JR8GkPMk2H4zQSX4fFT7uEZhbvVjUGsbPwpQRFRWDzXCf7FxSg2eTEwwGYRQDLQwJaE6HvsUueRDKcGkcLv7unzjnXCEQVWhrF9",
      BTC_TEST,
    ],
    ["a descriptor over a tpub for Bitcoin mainnet", `wpkh(${TPUB}/0/*)`, BTC],
    [
      "a descriptor over an xpub for Litecoin testnet",
      "wpkh([d34db33f/84h/0h/0h]xpub6DJ2dNUysrn5Vt36jH2KLBT2i1auw1tTSSomg8PhqNiUtx8QX2SvC9nrHu81fT41fvDUnhMjEzQgXnQjKEu3oaqMSzhSrHMxyyoEAmUHQbY/0/*)#cjjspncu",
      LTC_TEST,
    ],
  ] as const)("refuses %s", (_name, input, coin) => {
    const refused = failure(input, coin);
    expect(refused.code).toBe("wrong_network");
    expect(refused.message).toMatch(/belongs to another coin or network/);
    expect(refused.message).toContain(`not ${coin.label}`);
  });
});

describe("Litecoin regtest address forms", () => {
  it("derives m…/n… P2PKH, Q… P2SH and rltc1… P2WPKH from tpub, upub and vpub", () => {
    const legacy = parseWalletKey(
      "tpubD6NzVbkrYhZ4Y5Epun1qZKcACU6NQqocgYyC4RYaYBMWw8nuLSMR7DvzVamkqxwRgrTJ1MBMhc8wwxT2vbHqMu8RBXy4BvjWMxR5EdZroxE",
      LTC_REGTEST,
    );
    const legacyAddresses = deriveAddresses(legacy, LTC_REGTEST, 0, 0, 6).map((a) => a.address);
    expect(legacyAddresses[0]).toBe("mpBTXYfWehjW2tavFwpUdqBJbZZkup13k2");
    expect(legacyAddresses.every((a) => /^[mn]/.test(a))).toBe(true);
    expect(legacyAddresses.some((a) => a.startsWith("n"))).toBe(true);

    const nested = parseWalletKey(
      "upub57Wa4MvRPNyAiPUcxWfsj8zHMSZNbbL4PapEMgon4FTz2YgWWF1e6bHkBvpDKk2Rg2Zy9LsonXFFbv7jNeCZ5kdKWv8UkfcoxpdjJrZuBX6",
      LTC_REGTEST,
    );
    const q = deriveAddresses(nested, LTC_REGTEST, 0, 0, 1)[0]!;
    expect(q.address.startsWith("Q")).toBe(true);
    // Same script as Electrum's Bitcoin testnet address of this key, whose 2… form Litecoin still accepts.
    expect(q.script).toBe(addressToScript("2MuzNWpcHrXyvPVKzEGT7Xrwp8uEnXXjWnK", LTC_REGTEST));
    expect(addressToScript(q.address, LTC_REGTEST)).toBe(q.script);

    const native = parseWalletKey(
      "vpub5SLqN2bLY4WeZgfjnsTVwE5nXQhpYDKZJhLT95hfSFqs5eVjkuBCiewtD8moKegM5fgmtpUNFBboVCjJ6LcZszJvPFpuLaSJEYhNhUAnrCS",
      LTC_REGTEST,
    );
    const r = deriveAddresses(native, LTC_REGTEST, 0, 0, 1)[0]!;
    expect(r.address.startsWith("rltc1q")).toBe(true);
    expect(r.script).toBe(addressToScript("tb1qtuynwzd0d6wptvyqmc6ehkm70zcamxpsaze002", BTC_TEST));
  });

  it("derives the same for seeds on Litecoin regtest (BIP-49 vector's script hash)", () => {
    const key = parseWalletKey(ABANDON, LTC_REGTEST, { bip39Purpose: 49 });
    const address = deriveAddresses(key, LTC_REGTEST, 0, 0, 1)[0]!;
    expect(address.script).toBe("a914336caa13e08b96080a32b5d818d59b4ab3b3674287");
    expect(address.address.startsWith("Q")).toBe(true);
    expect(key.descriptor).toMatch(/^sh\(wpkh\(\[73c5da0a\/49h\/1h\/0h\]tpub/);
  });
});

describe("output descriptors", () => {
  const CORE =
    "wpkh([d34db33f/84h/0h/0h]xpub6DJ2dNUysrn5Vt36jH2KLBT2i1auw1tTSSomg8PhqNiUtx8QX2SvC9nrHu81fT41fvDUnhMjEzQgXnQjKEu3oaqMSzhSrHMxyyoEAmUHQbY/0/*)#cjjspncu";

  it("keeps Bitcoin Core's canonical descriptor as it is", () => {
    const key = parseWalletKey(CORE, BTC);
    expect(key).toMatchObject({
      kind: "descriptor",
      scriptType: "p2wpkh",
      fingerprint: "d34db33f",
      path: "m/84'/0'/0'",
    });
    expect(key.descriptor).toBe(CORE);
    expect(key.hasPrivate).toBe(false);
  });

  it("reads a published descriptor written with ' and gives the same wallet as the mnemonic", () => {
    const apostrophe =
      "wpkh([73c5da0a/84'/0'/0']xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V/0/*)#wc3n3van";
    const fromDescriptor = parseWalletKey(apostrophe, BTC);
    const fromMnemonic = parseWalletKey(ABANDON, BTC);
    expect(fromDescriptor.descriptor).toBe(fromMnemonic.descriptor);
    expect(fromDescriptor.changeDescriptor).toBe(fromMnemonic.changeDescriptor);
    expect(first(fromDescriptor, BTC)).toBe("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu");
    const multipath = parseWalletKey(apostrophe.replace("/0/*)#wc3n3van", "/<0;1>/*)"), BTC);
    expect(multipath.descriptor).toBe(fromMnemonic.descriptor);
    expect(first(multipath, BTC, 1)).toBe("bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el");
  });

  it("derives hardened steps from an xprv and records them as origin", () => {
    const master =
      "xprv9s21ZrQH143K3GJpoapnV8SFfukcVBSfeCficPSGfubmSFDxo1kuHnLisriDvSnRRuL2Qrg5ggqHKNVpxR86QEC8w35uxmGoggxtQTPvfUu";
    const key = parseWalletKey(`tr(${master}/86h/0h/0h/0/*)`, BTC);
    expect(key).toMatchObject({ kind: "descriptor", scriptType: "p2tr", hasPrivate: true, path: "m/86'/0'/0'" });
    expect(key.fingerprint).toBe("73c5da0a");
    expect(key.accountXpub).toBe(
      "xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ",
    );
    expect(key.descriptor).not.toContain("xprv");
    expect(key.privateMaterial?.secret).toContain(master);
    expect(first(key, BTC)).toBe("bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr");
  });

  it("round-trips every kind through its canonical descriptor", () => {
    const inputs: [string, CoinDefinition, ParseWalletKeyOptions?][] = [
      [ABANDON, BTC, { bip39Purpose: 44 }],
      [ABANDON, BTC, { bip39Purpose: 49 }],
      [ABANDON, LTC_REGTEST, { bip39Purpose: 86 }],
      ["bitter grass shiver impose acquire brush forget axis eager alone wine silver", BTC],
      ["cycle rocket west magnet parrot shuffle foot correct salt library feed song", LTC],
      [
        "upub57Wa4MvRPNyAiPUcxWfsj8zHMSZNbbL4PapEMgon4FTz2YgWWF1e6bHkBvpDKk2Rg2Zy9LsonXFFbv7jNeCZ5kdKWv8UkfcoxpdjJrZuBX6",
        LTC_TEST,
      ],
    ];
    for (const [input, coin, options] of inputs) {
      const key = parseWalletKey(input, coin, options);
      const again = parseWalletKey(key.descriptor, coin);
      expect(again.descriptor).toBe(key.descriptor);
      expect(again.scriptType).toBe(key.scriptType);
      expect(deriveAddresses(again, coin, 0, 0, 3)).toEqual(deriveAddresses(key, coin, 0, 0, 3));
      expect(deriveAddresses(again, coin, 1, 5, 2)).toEqual(deriveAddresses(key, coin, 1, 5, 2));
    }
  });

  it("refuses unsupported descriptors with a reason", () => {
    expect(
      failure(
        "wsh(multi(1,xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V/0/*))",
        BTC,
      ),
    ).toMatchObject({
      code: "unsupported",
    });
    expect(failure(CORE.replace("#cjjspncu", "#cjjspncv"), BTC)).toMatchObject({ code: "checksum" });
    expect(failure(CORE.replace("/0/*", "/1/*").replace(/#.*/, ""), BTC).message).toMatch(/change chain/);
  });
});

describe("input that is not a wallet key", () => {
  it.each([
    ["", "unparseable"],
    ["   ", "unparseable"],
    ["bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", "unparseable"],
    ["KyZpNDKnfs94vbrwhJneDi77V6jF64PWPF8x5cdJb8ifgg2DUc9d", "unparseable"],
    ["hello world", "seed_version"],
    [
      "xpub661MyMwAqRbcGH3yTb2kMQGnsLziRTJZ8vNthsVSCGbdBr8CGDWKxnGAFYgyKTzBtwvPPmfVAWJuFmxRXjSbUTg87wDkWQ5GmzpfUcN9t8a",
      "checksum",
    ],
  ])("refuses %j", (input, code) => {
    expect(failure(input, BTC).code).toBe(code);
  });

  it("keeps secrets out of JSON", () => {
    const key = parseWalletKey(ABANDON, BTC, { passphrase: "hunter2" });
    const json = JSON.parse(JSON.stringify(key));
    expect(json.accountXpub).toBe(key.accountXpub);
    expect(json.descriptor).toBe(key.descriptor);
    expect(json).not.toHaveProperty("privateMaterial");
    expect(json).not.toHaveProperty("accountKey");
    expect(JSON.stringify(key)).not.toMatch(/xprv|hunter2|abandon/);
    expect(key.privateMaterial?.secret).toBe(ABANDON);
  });

  it("refuses a passphrase for keys that are not seeds", () => {
    expect(
      failure(
        "xpub661MyMwAqRbcGH3yTb2kMQGnsLziRTJZ8vNthsVSCGbdBr8CGDWKxnGAFYgyKTzBtwvPPmfVAWJuFmxRXjSbUTg87wDkWQ5GmzpfUcN9t8Z",
        BTC,
        { passphrase: "secret" },
      ),
    ).toMatchObject({ code: "invalid" });
  });
});
