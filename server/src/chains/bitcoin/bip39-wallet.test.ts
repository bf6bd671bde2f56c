import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { bip39AccountPath, bip39ToSeed, checkBip39Mnemonic } from "./bip39-wallet.ts";
import { formatPath, HDKey } from "./extended-keys.ts";

describe("BIP-39 test vectors (English, passphrase TREZOR)", () => {
  it.each([
    [
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
      "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
      "xprv9s21ZrQH143K3h3fDYiay8mocZ3afhfULfb5GX8kCBdno77K4HiA15Tg23wpbeF1pLfs1c5SPmYHrEpTuuRhxMwvKDwqdKiGJS9XFKzUsAF",
    ],
    [
      "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
      "d71de856f81a8acc65e6fc851a38d4d7ec216fd0796d0a6827a3ad6ed5511a30fa280f12eb2e47ed2ac03b5c462a0358d18d69fe4f985ec81778c1b370b652a8",
      "xprv9s21ZrQH143K2shfP28KM3nr5Ap1SXjz8gc2rAqqMEynmjt6o1qboCDpxckqXavCwdnYds6yBHZGKHv7ef2eTXy461PXUjBFQg6PrwY4Gzq",
    ],
    [
      "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal will",
      "f2b94508732bcbacbcc020faefecfc89feafa6649a5491b8c952cede496c214a0c7b3c392d168748f2d4a612bada0753b52a1c7ac53c1e93abd5c6320b9e95dd",
      "xprv9s21ZrQH143K3Lv9MZLj16np5GzLe7tDKQfVusBni7toqJGcnKRtHSxUwbKUyUWiwpK55g1DUSsw76TF1T93VT4gz4wt5RM23pkaQLnvBh7",
    ],
    [
      "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth title",
      "bc09fca1804f7e69da93c2f2028eb238c227f2e9dda30cd63699232578480a4021b146ad717fbb7e451ce9eb835f43620bf5c514db0f8add49f5d121449d3e87",
      "xprv9s21ZrQH143K3Y1sd2XVu9wtqxJRvybCfAetjUrMMco6r3v9qZTBeXiBZkS8JxWbcGJZyio8TrZtm6pkbzG8SYt1sxwNLh3Wx7to5pgiVFU",
    ],
    [
      "gravity machine north sort system female filter attitude volume fold club stay feature office ecology stable narrow fog",
      "628c3827a8823298ee685db84f55caa34b5cc195a778e52d45f59bcf75aba68e4d7590e101dc414bc1bbd5737666fbbef35d1f1903953b66624f910feef245ac",
      "xprv9s21ZrQH143K3uT8eQowUjsxrmsA9YUuQQK1RLqFufzybxD6DH6gPY7NjJ5G3EPHjsWDrs9iivSbmvjc9DQJbJGatfa9pv4MZ3wjr8qWPAK",
    ],
    [
      "cat swing flag economy stadium alone churn speed unique patch report train",
      "deb5f45449e615feff5640f2e49f933ff51895de3b4381832b3139941c57b59205a42480c52175b6efcffaa58a2503887c1e8b363a707256bdd2b587b46541f5",
      "xprv9s21ZrQH143K4G28omGMogEoYgDQuigBo8AFHAGDaJdqQ99QKMQ5J6fYTMfANTJy6xBmhvsNZ1CJzRZ64PWbnTFUn6CDV2FxoMDLXdk95DQ",
    ],
  ])("%s", (mnemonic, seed, root) => {
    const check = checkBip39Mnemonic(mnemonic);
    expect(check.valid).toBe(true);
    const bytes = bip39ToSeed(check.normalized, "TREZOR");
    expect(bytesToHex(bytes)).toBe(seed);
    expect(HDKey.fromMasterSeed(bytes).privateExtendedKey).toBe(root);
  });
});

describe("reading a phrase as BIP-39", () => {
  it("tolerates case and extra whitespace, giving the standard form", () => {
    const check = checkBip39Mnemonic(
      "  Abandon ABANDON abandon abandon\tabandon abandon abandon abandon abandon abandon abandon\nabout ",
    );
    expect(check.valid).toBe(true);
    expect(check.normalized).toBe(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    );
  });

  it("tells unknown words, wrong lengths and wrong checksums apart", () => {
    const unknown = checkBip39Mnemonic(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon aboot",
    );
    expect(unknown).toMatchObject({ valid: false, unknownWords: ["aboot"], lengthOk: true });
    const short = checkBip39Mnemonic(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    );
    expect(short).toMatchObject({ valid: false, unknownWords: [], lengthOk: false });
    const checksum = checkBip39Mnemonic(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon",
    );
    expect(checksum).toMatchObject({ valid: false, unknownWords: [], lengthOk: true });
  });

  it("builds BIP-44/49/84/86 account paths with the coin type", () => {
    expect(formatPath(bip39AccountPath(84, 0, 0))).toBe("m/84'/0'/0'");
    expect(formatPath(bip39AccountPath(49, 2, 3))).toBe("m/49'/2'/3'");
    expect(formatPath(bip39AccountPath(86, 1, 0))).toBe("m/86'/1'/0'");
  });
});
