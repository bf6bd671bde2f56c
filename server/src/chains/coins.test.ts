import { HDKey } from "@scure/bip32";
import { describe, expect, it } from "vitest";
import { coinId, explorerAddressUrl, explorerTxUrl, findCoin, getCoin, listCoins } from "./coins.ts";

// BIP-32 test vector 1 master key, used only to see which prefixes the version bytes produce.
const MASTER =
  "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi";

describe("coin definitions", () => {
  it.each([
    // symbol, network, hrp, P2PKH, P2SH (encode), P2SH (accepted), WIF, coin type, scheme
    ["BTC", "mainnet", "bc", 0x00, 0x05, [0x05], 0x80, 0, "bitcoin"],
    ["BTC", "testnet", "tb", 0x6f, 0xc4, [0xc4], 0xef, 1, "bitcoin"],
    ["BTC", "signet", "tb", 0x6f, 0xc4, [0xc4], 0xef, 1, "bitcoin"],
    ["BTC", "regtest", "bcrt", 0x6f, 0xc4, [0xc4], 0xef, 1, "bitcoin"],
    ["LTC", "mainnet", "ltc", 0x30, 0x32, [0x32, 0x05], 0xb0, 2, "litecoin"],
    ["LTC", "testnet", "tltc", 0x6f, 0x3a, [0x3a, 0xc4], 0xef, 1, "litecoin"],
    ["LTC", "regtest", "rltc", 0x6f, 0x3a, [0x3a, 0xc4], 0xef, 1, "litecoin"],
  ] as const)(
    "%s %s has the chain parameters of its reference client",
    (symbol, network, hrp, pkh, sh, shAll, wif, type, scheme) => {
      const coin = getCoin(symbol, network);
      expect(coin.bech32Hrp).toBe(hrp);
      expect(coin.p2pkhVersion).toBe(pkh);
      expect(coin.p2pkhVersions).toEqual([pkh]);
      expect(coin.p2shVersion).toBe(sh);
      expect(coin.p2shVersions).toEqual(shAll);
      expect(coin.wifPrefix).toBe(wif);
      expect(coin.bip44CoinType).toBe(type);
      expect(coin.bip21Scheme).toBe(scheme);
      expect(coin.divisibility).toBe(8);
    },
  );

  it("finds coins case-insensitively (Bitcart sends lowercase currencies) and knows there is no Litecoin signet", () => {
    expect(findCoin("btc", "Mainnet")).toBe(getCoin("BTC", "mainnet"));
    expect(findCoin("LTC", "signet")).toBeUndefined();
    expect(() => getCoin("LTC", "signet")).toThrow(/Unknown coin or network/);
    expect(() => getCoin("DOGE", "mainnet")).toThrow(/Unknown coin or network/);
    expect(listCoins().map(coinId)).toEqual([
      "BTC:mainnet",
      "BTC:testnet",
      "BTC:signet",
      "BTC:regtest",
      "LTC:mainnet",
      "LTC:testnet",
      "LTC:regtest",
    ]);
  });

  it("serialises with the SLIP-132 version bytes under the registered four-letter prefixes", () => {
    const master = HDKey.fromExtendedKey(MASTER);
    const seen = new Set<string>();
    for (const coin of listCoins()) {
      for (const family of coin.extendedKeyFamilies) {
        const node = new HDKey({
          versions: { public: family.public, private: family.private },
          chainCode: master.chainCode!,
          privateKey: master.privateKey!,
        });
        expect(node.publicExtendedKey.slice(0, 4)).toBe(family.publicPrefix);
        expect(node.privateExtendedKey.slice(0, 4)).toBe(family.privatePrefix);
        seen.add(family.publicPrefix);
      }
    }
    expect([...seen].sort()).toEqual(
      ["Ltub", "Mtub", "Upub", "Vpub", "Ypub", "Zpub", "tpub", "ttub", "upub", "vpub", "xpub", "ypub", "zpub"].sort(),
    );
  });

  it("registers the SLIP-132 values for each family", () => {
    const byPrefix = new Map(
      listCoins().flatMap((c) => c.extendedKeyFamilies.map((f) => [f.publicPrefix, f] as const)),
    );
    const expected: [string, number, number][] = [
      ["xpub", 0x0488b21e, 0x0488ade4],
      ["ypub", 0x049d7cb2, 0x049d7878],
      ["zpub", 0x04b24746, 0x04b2430c],
      ["Ypub", 0x0295b43f, 0x0295b005],
      ["Zpub", 0x02aa7ed3, 0x02aa7a99],
      ["tpub", 0x043587cf, 0x04358394],
      ["upub", 0x044a5262, 0x044a4e28],
      ["Upub", 0x024289ef, 0x024285b5],
      ["vpub", 0x045f1cf6, 0x045f18bc],
      ["Vpub", 0x02575483, 0x02575048],
      ["Ltub", 0x019da462, 0x019d9cfe],
      ["Mtub", 0x01b26ef6, 0x01b26792],
      ["ttub", 0x0436f6e1, 0x0436ef7d],
    ];
    for (const [prefix, pub, prv] of expected) {
      expect(byPrefix.get(prefix)).toMatchObject({ public: pub, private: prv });
    }
  });

  it("accepts Litecoin's own and Bitcoin's serialisations on Litecoin, and only Bitcoin's on Bitcoin", () => {
    const prefixes = (symbol: string, network: string) =>
      getCoin(symbol, network).extendedKeyFamilies.map((f) => f.publicPrefix);
    expect(prefixes("LTC", "mainnet")).toEqual(["xpub", "ypub", "zpub", "Ypub", "Zpub", "Ltub", "Mtub"]);
    expect(prefixes("LTC", "regtest")).toEqual(["tpub", "upub", "vpub", "Upub", "Vpub", "ttub"]);
    expect(prefixes("BTC", "mainnet")).toEqual(["xpub", "ypub", "zpub", "Ypub", "Zpub"]);
    expect(prefixes("BTC", "signet")).toEqual(["tpub", "upub", "vpub", "Upub", "Vpub"]);
    expect(getCoin("LTC", "mainnet").extendedKeyVersions).toEqual({ public: 0x0488b21e, private: 0x0488ade4 });
    expect(getCoin("LTC", "testnet").extendedKeyVersions).toEqual({ public: 0x043587cf, private: 0x04358394 });
  });

  it("lists public Electrum servers as ssl://host:port for mainnet and test networks, none for regtest", () => {
    for (const coin of listCoins()) {
      for (const server of coin.electrumServers) expect(server).toMatch(/^ssl:\/\/[a-z0-9.-]+:\d{2,5}$/);
      if (coin.network === "regtest") expect(coin.electrumServers).toEqual([]);
      else expect(coin.electrumServers.length).toBeGreaterThanOrEqual(2);
    }
  });

  it("builds explorer links, and none on regtest", () => {
    const txid = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";
    expect(explorerTxUrl(getCoin("BTC", "mainnet"), txid)).toBe(`https://mempool.space/tx/${txid}`);
    expect(explorerTxUrl(getCoin("BTC", "testnet"), txid)).toBe(`https://mempool.space/testnet/tx/${txid}`);
    expect(explorerAddressUrl(getCoin("LTC", "mainnet"), "ltc1qjmxnz78nmc8nq77wuxh25n2es7rzm5c2rkk4wh")).toBe(
      "https://litecoinspace.org/address/ltc1qjmxnz78nmc8nq77wuxh25n2es7rzm5c2rkk4wh",
    );
    expect(explorerTxUrl(getCoin("LTC", "testnet"), txid)).toBe(`https://litecoinspace.org/testnet/tx/${txid}`);
    expect(explorerTxUrl(getCoin("LTC", "regtest"), txid)).toBeNull();
    expect(explorerAddressUrl(getCoin("BTC", "regtest"), "bcrt1q")).toBeNull();
  });
});
