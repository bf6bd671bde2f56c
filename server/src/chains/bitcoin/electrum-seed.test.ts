import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import {
  electrumSeedToBip32Seed,
  electrumSeedType,
  looksLikeOldElectrumHexSeed,
  normalizeElectrumText,
} from "./electrum-seed.ts";

// The passphrase Electrum's tests use to exercise its text normalisation (emoji, kana, combining marks).
const UNICODE_HORROR = new TextDecoder().decode(
  hexToBytes(
    "e282bf20f09f988020f09f98882020202020e3818620e38191e3819fe381be20e3828fe3828b2077cda2cda2cd9d68cda16fcda2cda120ccb8cda26bccb5cd9f6eccb4cd98c7ab77ccb8cc9b73cd9820cc80cc8177cd98cda2e1b8a9ccb561d289cca1cda27420cca7cc9568cc816fccb572cd8fccb5726f7273cca120ccb6cda1cda06cc4afccb665cd9fcd9f20ccb6cd9d696ecda220cd8f74cc9568ccb7cca1cd9f6520cd9fcd9f64cc9b61cd9c72cc95cda16bcca2cca820cda168ccb465cd8f61ccb7cca2cca17274cc81cd8f20ccb4ccb7cda0c3b2ccb5ccb666ccb82075cca7cd986ec3adcc9bcd9c63cda2cd8f6fccb7cd8f64ccb8cda265cca1cd9d3fcd9e",
  ),
);

describe("Electrum seed to BIP-32 seed (Electrum's mnemonic test cases)", () => {
  it.each([
    [
      "english",
      "wild father tree among universe such mobile favorite target dynamic credit identify",
      "",
      "segwit",
      "aac2a6302e48577ab4b46f23dbae0774e2e62c796f797d0a1b5faeb528301e3064342dafb79069e7c4c6b8c38ae11d7a973bec0d4f70626f8cc5184a8d0b0756",
    ],
    [
      "english with passphrase",
      "wild father tree among universe such mobile favorite target dynamic credit identify",
      "Did you ever hear the tragedy of Darth Plagueis the Wise?",
      "segwit",
      "4aa29f2aeb0127efb55138ab9e7be83b36750358751906f86c662b21a1ea1370f949e6d1a12fa56d3d93cadda93038c76ac8118597364e46f5156fde6183c82f",
    ],
    [
      "japanese",
      "なのか ひろい しなん まなぶ つぶす さがす おしゃれ かわく おいかける けさき かいとう さたん",
      "",
      "standard",
      "d3eaf0e44ddae3a5769cb08a26918e8b308258bcb057bb704c6f69713245c0b35cb92c03df9c9ece5eff826091b4e74041e010b701d44d610976ce8bfb66a8ad",
    ],
    [
      "japanese with passphrase",
      "なのか ひろい しなん まなぶ つぶす さがす おしゃれ かわく おいかける けさき かいとう さたん",
      UNICODE_HORROR,
      "standard",
      "251ee6b45b38ba0849e8f40794540f7e2c6d9d604c31d68d3ac50c034f8b64e4bc037c5e1e985a2fed8aad23560e690b03b120daf2e84dceb1d7857dda042457",
    ],
    [
      "chinese",
      "眼 悲 叛 改 节 跃 衡 响 疆 股 遂 冬",
      "",
      "segwit",
      "0b9077db7b5a50dbb6f61821e2d35e255068a5847e221138048a20e12d80b673ce306b6fe7ac174ebc6751e11b7037be6ee9f17db8040bb44f8466d519ce2abf",
    ],
    [
      "chinese with passphrase",
      "眼 悲 叛 改 节 跃 衡 响 疆 股 遂 冬",
      "给我一些测试向量谷歌",
      "segwit",
      "6c03dd0615cf59963620c0af6840b52e867468cc64f20a1f4c8155705738e87b8edb0fc8a6cee4085776cb3a629ff88bb1a38f37085efdbf11ce9ec5a7fa5f71",
    ],
    [
      "spanish",
      "almíbar tibio superar vencer hacha peatón príncipe matar consejo polen vehículo odisea",
      "",
      "standard",
      "18bffd573a960cc775bbd80ed60b7dc00bc8796a186edebe7fc7cf1f316da0fe937852a969c5c79ded8255cdf54409537a16339fbe33fb9161af793ea47faa7a",
    ],
    [
      "spanish with passphrase",
      "almíbar tibio superar vencer hacha peatón príncipe matar consejo polen vehículo odisea",
      "araña difícil solución término cárcel",
      "standard",
      "363dec0e575b887cfccebee4c84fca5a3a6bed9d0e099c061fa6b85020b031f8fe3636d9af187bf432d451273c625e20f24f651ada41aae2c4ea62d87e9fa44c",
    ],
    [
      "spanish 2",
      "equipo fiar auge langosta hacha calor trance cubrir carro pulmón oro áspero",
      "",
      "segwit",
      "001ebce6bfde5851f28a0d44aae5ae0c762b600daf3b33fc8fc630aee0d207646b6f98b18e17dfe3be0a5efe2753c7cdad95860adbbb62cecad4dedb88e02a64",
    ],
    [
      "spanish 3",
      "vidrio jabón muestra pájaro capucha eludir feliz rotar fogata pez rezar oír",
      "¡Viva España! repiten veinte pueblos y al hablar dan fe del ánimo español... ¡Marquen arado martillo y clarín",
      "segwit",
      "c274665e5453c72f82b8444e293e048d700c59bf000cacfba597629d202dcf3aab1cf9c00ba8d3456b7943428541fed714d01d8a0a4028fc3a9bb33d981cb49f",
    ],
  ])("%s", (_name, words, passphrase, type, seed) => {
    // Decomposed accents in the test data must survive as they were written.
    expect(electrumSeedType(words.normalize("NFD"))).toBe(type);
    expect(electrumSeedType(words)).toBe(type);
    expect(bytesToHex(electrumSeedToBip32Seed(words, passphrase))).toBe(seed);
  });

  it("stretches any text, even a non-seed (Electrum's basic case)", () => {
    expect(bytesToHex(electrumSeedToBip32Seed("foobar", "none"))).toBe(
      "741b72fd15effece6bfe5a26a52184f66811bd2be363190e07a42cca442b1a5bb22b3ad0eb338197287e6d314866c7fba863ac65d3f156087a5052ebc7157fce",
    );
  });
});

describe("Electrum seed versions (Electrum's seed type cases)", () => {
  it.each([
    ["cram swing cover prefer miss modify ritual silly deliver chunk behind inform able", "standard"],
    ["cram swing cover prefer miss modify ritual silly deliver chunk behind inform", null],
    ["ostrich security deer aunt climb inner alpha arm mutual marble solid task", "standard"],
    ["OSTRICH SECURITY DEER AUNT CLIMB INNER ALPHA ARM MUTUAL MARBLE SOLID TASK", "standard"],
    ["   oStRiCh sEcUrItY DeEr aUnT ClImB       InNeR AlPhA ArM MuTuAl mArBlE   SoLiD TaSk  ", "standard"],
    ["x8", "standard"],
    ["science dawn member doll dutch real can brick knife deny drive list", "2fa"],
    ["science dawn member doll dutch real ca brick knife deny drive list", null],
    [" sCience dawn   member doll Dutch rEAl can brick knife deny drive  lisT", "2fa"],
    ["frost pig brisk excite novel report camera enlist axis nation novel desert", "segwit"],
    ["  fRoSt pig brisk excIte novel rePort CamEra enlist axis nation nOVeL dEsert ", "segwit"],
    ["9dk", "segwit"],
    ["universe topic remind silver february ranch shine worth innocent cattle enhance wise", "2fa_segwit"],
    ["", null],
  ])("%j is %s", (phrase, type) => {
    expect(electrumSeedType(phrase)).toBe(type);
  });
});

describe("Electrum text normalisation", () => {
  it("lowercases, strips combining marks and collapses whitespace like Electrum", () => {
    expect(normalizeElectrumText("  Peatón\t\tPRÍNCIPE \n ")).toBe("peaton principe");
    // Only marks with a non-zero combining class go; U+0489 and U+034F (class 0) stay.
    expect(normalizeElectrumText(UNICODE_HORROR)).toBe(
      "₿ 😀 😈 うけたまわる who knows wha\u0489t hor\u034frors lie in \u034fthe dark he\u034fart\u034f of unic\u034fo\u034fde?",
    );
  });

  it("drops spaces between CJK characters only", () => {
    expect(normalizeElectrumText("眼 悲 叛")).toBe("眼悲叛");
    expect(normalizeElectrumText("眼 a 悲")).toBe("眼 a 悲");
    expect(normalizeElectrumText("ｶﾀｶﾅ ｶﾀｶﾅ")).toBe("カタカナカタカナ");
  });

  it("recognises the hexadecimal form of pre-2.0 seeds", () => {
    expect(looksLikeOldElectrumHexSeed("8edad31a95e7d59f8837667510d75a4d")).toBe(true);
    expect(looksLikeOldElectrumHexSeed("0123456789ABCDEF".repeat(4))).toBe(true);
    expect(looksLikeOldElectrumHexSeed("0123456789ABCDEF".repeat(3))).toBe(false);
    expect(looksLikeOldElectrumHexSeed("not a seed")).toBe(false);
  });
});
