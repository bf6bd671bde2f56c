import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, registerUser, type TestApp } from "./helpers/test-app.ts";

const ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
// BIP-84 account 0 of the mnemonic above, and its first receive addresses (published BIP-84 vectors).
const ZPUB =
  "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
const FIRST_RECEIVE = ["bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g"];

describe("wallets", () => {
  let app: TestApp;
  let owner: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    // The chain watchers are not started here: the Electrum server is named only to make the configuration valid.
    app = await createTestApp({
      TILL_CRYPTOS: "btc,ltc",
      LTC_NETWORK: "regtest",
      LTC_ELECTRUM_SERVERS: "tcp://127.0.0.1:50001",
    });
    owner = await registerUser(app);
  });
  afterAll(() => app.close());

  const create = (body: Record<string, unknown>, token = owner.token) => app.call("POST", "/wallets", { token, body });

  it("imports a zpub and hands out its BIP-84 receive addresses in order", async () => {
    const created = await create({ name: "Shop", currency: "btc", xpub: ZPUB });
    expect(created.statusCode).toBe(200);
    const wallet = created.json();
    expect(wallet).toMatchObject({
      currency: "btc",
      xpub: ZPUB,
      script_type: "p2wpkh",
      key_kind: "xpub",
      next_index: 0,
      balance: "0",
    });
    const first = await app.call("POST", `/wallets/${wallet.id}/address`, { token: owner.token });
    const second = await app.call("POST", `/wallets/${wallet.id}/address`, { token: owner.token });
    expect([first.json().address, second.json().address]).toEqual(FIRST_RECEIVE);
    expect((await app.call("GET", `/wallets/${wallet.id}`, { token: owner.token })).json().next_index).toBe(2);
  });

  it("derives the same addresses from the BIP-39 mnemonic and never stores the seed of a cold wallet", async () => {
    const created = await create({ name: "From seed", currency: "btc", xpub: ABANDON });
    expect(created.statusCode).toBe(200);
    const wallet = created.json();
    expect(wallet).toMatchObject({ key_kind: "bip39", derivation: "m/84'/0'/0'", hot_wallet: false });
    expect(JSON.stringify(wallet)).not.toContain("abandon");
    const row = await app.till.db.kysely
      .selectFrom("wallets")
      .selectAll()
      .where("id", "=", wallet.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain("abandon");
    expect(row.private_material).toBe("");
    const address = await app.call("POST", `/wallets/${wallet.id}/address`, { token: owner.token });
    expect(address.json().address).toBe(FIRST_RECEIVE[0]);
  });

  it("keeps a hot wallet's seed sealed and never answers it", async () => {
    const created = await create({ name: "Hot", currency: "btc", xpub: ABANDON, hot_wallet: true });
    expect(created.statusCode).toBe(200);
    expect(JSON.stringify(created.json())).not.toContain("abandon");
    const row = await app.till.db.kysely
      .selectFrom("wallets")
      .selectAll()
      .where("id", "=", created.json().id)
      .executeTakeFirstOrThrow();
    expect(row.private_material.startsWith("enc:v1:")).toBe(true);
    expect(row.private_material).not.toContain("abandon");
    const coldHot = await create({ name: "Hot xpub", currency: "btc", xpub: ZPUB, hot_wallet: true });
    expect(coldHot.statusCode).toBe(422);
    expect(coldHot.json().detail[0].loc).toEqual(["body", "hot_wallet"]);
  });

  it("says in a 422 on `xpub` why a key is refused", async () => {
    const garbage = await create({ name: "Bad", currency: "btc", xpub: "not a key" });
    expect(garbage.statusCode).toBe(422);
    expect(garbage.json().detail[0].loc).toEqual(["body", "xpub"]);
    expect(garbage.json().detail[0].msg).toContain("Wallet key invalid");
    const wrongNetwork = await create({ name: "Bad", currency: "ltc", xpub: ZPUB });
    expect(wrongNetwork.statusCode).toBe(422);
    expect(wrongNetwork.json().detail[0].msg).toMatch(/network|coin/i);
    const disabled = await app.call("POST", "/wallets", {
      token: owner.token,
      body: { name: "x", currency: "doge", xpub: ZPUB },
    });
    expect(disabled.statusCode).toBe(422);
    expect(disabled.json().detail[0].loc).toEqual(["body", "currency"]);
  });

  it("accepts descriptors with and without origin and checksum for litecoin regtest", async () => {
    const generated = await app.call("POST", "/wallets/create", { token: owner.token, body: { currency: "ltc" } });
    expect(generated.statusCode).toBe(200);
    const { key, seed, additional_data } = generated.json();
    expect(seed.split(" ")).toHaveLength(12);
    const fromKey = (await create({ name: "vpub", currency: "ltc", xpub: key })).json();
    const fromDescriptor = await create({ name: "descriptor", currency: "ltc", xpub: additional_data.descriptor });
    expect(fromDescriptor.statusCode).toBe(200);
    const a = await app.call("POST", `/wallets/${fromKey.id}/address`, { token: owner.token });
    const b = await app.call("POST", `/wallets/${fromDescriptor.json().id}/address`, { token: owner.token });
    expect(a.json().address).toMatch(/^rltc1/);
    expect(b.json().address).toBe(a.json().address);
  });

  it("never hands out one address twice, even to concurrent requests", async () => {
    const wallet = (await create({ name: "Busy", currency: "btc", xpub: ZPUB })).json();
    const responses = await Promise.all(
      Array.from({ length: 120 }, () => app.call("POST", `/wallets/${wallet.id}/address`, { token: owner.token })),
    );
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    const indexes = responses.map((r) => r.json().index).sort((x, y) => x - y);
    expect(indexes).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(new Set(responses.map((r) => r.json().address)).size).toBe(120);
    const fresh = await app.call("GET", `/wallets/${wallet.id}`, { token: owner.token });
    expect(fresh.json().gap_limit_warning).toBe(true);
    const listed = await app.call("GET", `/wallets/${wallet.id}/addresses?limit=5`, { token: owner.token });
    expect(listed.json().count).toBe(120);
    expect(listed.json().result.map((a: { index: number }) => a.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it("keeps key, coin and hotness fixed on edit, and keeps users apart", async () => {
    const wallet = (await create({ name: "Edit me", currency: "btc", xpub: ZPUB })).json();
    const edited = await app.call("PATCH", `/wallets/${wallet.id}`, {
      token: owner.token,
      body: { name: "Edited", transaction_speed: "2", xpub: "ignored", currency: "ltc" },
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ name: "Edited", transaction_speed: 2, xpub: ZPUB, currency: "btc" });
    const other = await registerUser(app);
    expect((await app.call("GET", `/wallets/${wallet.id}`, { token: other.token })).statusCode).toBe(404);
    expect((await app.call("POST", `/wallets/${wallet.id}/address`, { token: other.token })).statusCode).toBe(404);
    const balance = await app.call("GET", `/wallets/${wallet.id}/balance`, { token: owner.token });
    expect(balance.json()).toEqual({ confirmed: "0", unconfirmed: "0", unmatured: "0", lightning: "0" });
  });

  it("answers Bitcart's coin endpoints", async () => {
    expect((await app.call("GET", "/cryptos")).json()).toEqual({
      count: 2,
      next: null,
      previous: null,
      result: ["btc", "ltc"],
    });
    expect((await app.call("GET", "/cryptos/supported")).json()).toMatchObject({ btc: "Bitcoin", ltc: "Litecoin" });
    const schema = (await app.call("GET", "/wallets/schema")).json();
    expect(schema.btc).toMatchObject({ xpub_name: "Xpub", required: [] });
    const sync = await app.call("GET", "/manage/syncinfo", { token: owner.token });
    expect(sync.statusCode).toBe(200);
  });
});
