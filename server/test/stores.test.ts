import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../src/kernel/ids.ts";
import { createTestApp, registerUser, type TestApp, tokenWith } from "./helpers/test-app.ts";

type User = Awaited<ReturnType<typeof registerUser>>;

/** Wallets belong to another module: rows are written directly so stores can link them. */
async function insertWallet(app: TestApp, userId: string, name = "wallet") {
  const now = new Date().toISOString();
  const id = newId();
  await app.till.db.kysely
    .insertInto("wallets")
    .values({
      id,
      user_id: userId,
      name,
      xpub: `vpub-${id}`,
      currency: "btc",
      lightning_enabled: 0,
      label: "",
      hint: "",
      contract: "",
      additional_xpub_data: "{}",
      transaction_speed: null,
      metadata: "{}",
      created: now,
      updated: now,
    })
    .execute();
  return id;
}

describe("stores", () => {
  let app: TestApp;
  let admin: User;
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    app = await createTestApp();
    admin = await registerUser(app);
    alice = await registerUser(app);
    bob = await registerUser(app);
  });
  afterAll(() => app.close());

  const createStore = async (user: User, body: Record<string, unknown> = {}) => {
    const response = await app.call("POST", "/stores", {
      token: user.token,
      body: { name: "Shop", wallets: [], ...body },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  it("makes the first store a superuser creates the POS store", async () => {
    expect(admin.isSuperuser).toBe(true);
    expect((await app.call("GET", "/manage/stores")).json()).toEqual({ pos_id: "" });
    await createStore(alice, { name: "Not a superuser's" });
    expect((await app.call("GET", "/manage/stores")).json()).toEqual({ pos_id: "" });
    const first = await createStore(admin, { name: "POS" });
    expect((await app.call("GET", "/manage/stores")).json()).toEqual({ pos_id: first.id });
    await createStore(admin, { name: "Second" });
    expect((await app.call("GET", "/manage/stores")).json()).toEqual({ pos_id: first.id });
  });

  it("clears the POS setting when the POS store is deleted, but not for a foreign id", async () => {
    const { pos_id } = (await app.call("GET", "/manage/stores")).json();
    const foreign = await app.call("POST", "/stores/batch", {
      token: alice.token,
      body: { ids: [pos_id], command: "delete" },
    });
    expect(foreign.json()).toBe(true);
    expect((await app.call("GET", "/manage/stores")).json()).toEqual({ pos_id });
    expect((await app.call("DELETE", `/stores/${pos_id}`, { token: admin.token })).statusCode).toBe(200);
    expect((await app.call("GET", "/manage/stores")).json()).toEqual({ pos_id: "" });
  });

  it("creates a store with Bitcart's defaults and answers 200", async () => {
    const store = await createStore(alice, { name: "Defaults" });
    expect(store).toMatchObject({
      name: "Defaults",
      user_id: alice.id,
      default_currency: "USD",
      currency_data: { code: "USD", symbol: "$", divisibility: 2 },
      wallets: [],
      notifications: [],
      templates: {},
      metadata: {},
      theme_settings: { store_theme_url: "", checkout_theme_url: "" },
      email_settings: {
        address: "",
        host: "",
        port: 25,
        user: "",
        password: "",
        auth_mode: "starttls",
        password_set: false,
      },
      plugin_settings: { shopify: { shop_name: "", api_key: "", api_secret: "", api_secret_set: false } },
    });
    expect(store.checkout_settings).toEqual({
      expiration: 15,
      transaction_speed: 0,
      underpaid_percentage: "0",
      custom_logo_link: "",
      recommended_fee_target_blocks: 1,
      show_recommended_fee: true,
      use_dark_mode: false,
      use_html_templates: false,
      email_required: true,
      ask_address: false,
      randomize_wallet_selection: false,
      allow_anonymous_invoice_creation: true,
      include_network_fee: false,
      rate_rules: "",
      pos_screen_enabled: true,
      support_email: "",
      support_url: "",
    });
    expect(typeof store.id).toBe("string");
    expect(typeof store.created).toBe("string");
  });

  it("requires wallets on create, as Bitcart's schema does", async () => {
    const response = await app.call("POST", "/stores", { token: alice.token, body: { name: "No wallets" } });
    expect(response.statusCode).toBe(422);
    expect(response.json().detail).toContainEqual(
      expect.objectContaining({ loc: ["body", "wallets"], type: "missing" }),
    );
  });

  it("uppercases the currency, answers its currency data and accepts numbers as strings", async () => {
    const store = await createStore(alice, {
      name: "Yen",
      default_currency: "jpy",
      checkout_settings: {
        expiration: "30",
        transaction_speed: "2",
        underpaid_percentage: "1.50",
        recommended_fee_target_blocks: "5",
        use_dark_mode: "true",
      },
    });
    expect(store.default_currency).toBe("JPY");
    expect(store.currency_data).toEqual({ code: "JPY", symbol: "¥", divisibility: 0 });
    expect(store.checkout_settings).toMatchObject({
      expiration: 30,
      transaction_speed: 2,
      underpaid_percentage: "1.5",
      recommended_fee_target_blocks: 5,
      use_dark_mode: true,
      email_required: true,
    });
    const btc = await createStore(alice, { name: "Sats", default_currency: "BTC" });
    expect(btc.currency_data).toEqual({ code: "BTC", symbol: "₿", divisibility: 8 });
    const unknown = await createStore(alice, { name: "Other", default_currency: "xyz" });
    expect(unknown.currency_data).toEqual({ code: "XYZ", symbol: "XYZ", divisibility: 2 });
  });

  it("refuses invalid values with 422 naming the field", async () => {
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{ default_currency: "US$" }, ["body", "default_currency"]],
      [{ default_currency: "US" }, ["body", "default_currency"]],
      [{ checkout_settings: { transaction_speed: 7 } }, ["body", "checkout_settings", "transaction_speed"]],
      [{ checkout_settings: { underpaid_percentage: "100" } }, ["body", "checkout_settings", "underpaid_percentage"]],
      [{ checkout_settings: { underpaid_percentage: "-1" } }, ["body", "checkout_settings", "underpaid_percentage"]],
      [{ checkout_settings: { underpaid_percentage: "abc" } }, ["body", "checkout_settings", "underpaid_percentage"]],
      [
        { checkout_settings: { recommended_fee_target_blocks: 3 } },
        ["body", "checkout_settings", "recommended_fee_target_blocks"],
      ],
      [{ checkout_settings: { expiration: "soon" } }, ["body", "checkout_settings", "expiration"]],
      [{ checkout_settings: { support_email: "not-an-email" } }, ["body", "checkout_settings", "support_email"]],
      [{ checkout_settings: { support_url: "ftp://example.com" } }, ["body", "checkout_settings", "support_url"]],
      [{ checkout_settings: { support_url: "/relative" } }, ["body", "checkout_settings", "support_url"]],
      [{ email_settings: { port: 70000 } }, ["body", "email_settings", "port"]],
      [{ email_settings: { auth_mode: "tls" } }, ["body", "email_settings", "auth_mode"]],
      [{ wallets: "abc" }, ["body", "wallets"]],
      [{ name: "" }, ["body", "name"]],
    ];
    for (const [body, loc] of cases) {
      const response = await app.call("POST", "/stores", {
        token: alice.token,
        body: { name: "Bad", wallets: [], ...body },
      });
      expect(response.statusCode, JSON.stringify(body)).toBe(422);
      expect(
        response.json().detail.map((d: { loc: unknown }) => d.loc),
        JSON.stringify(body),
      ).toContainEqual(loc);
    }
    const patch = await createStore(alice, { name: "Patch target" });
    const bad = await app.call("PATCH", `/stores/${patch.id}/checkout_settings`, {
      token: alice.token,
      body: { transaction_speed: -1 },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().detail[0].loc).toEqual(["body", "transaction_speed"]);
  });

  it("accepts the valid edges of checkout settings", async () => {
    const store = await createStore(alice, {
      checkout_settings: {
        transaction_speed: 6,
        underpaid_percentage: 99.99,
        recommended_fee_target_blocks: 25,
        support_email: "Help@Example.com",
        support_url: "https://help.example.com/tickets",
      },
    });
    expect(store.checkout_settings).toMatchObject({
      transaction_speed: 6,
      underpaid_percentage: "99.99",
      recommended_fee_target_blocks: 25,
      support_email: "help@example.com",
      support_url: "https://help.example.com/tickets",
    });
  });

  it("links the caller's wallets in the order given, and refuses another user's wallet with 403", async () => {
    const w1 = await insertWallet(app, alice.id, "first");
    const w2 = await insertWallet(app, alice.id, "second");
    const w3 = await insertWallet(app, alice.id, "third");
    const foreign = await insertWallet(app, bob.id, "bob's");
    const store = await createStore(alice, { name: "Linked", wallets: [w3, w1, w2] });
    expect(store.wallets).toEqual([w3, w1, w2]);

    const refused = await app.call("POST", "/stores", {
      token: alice.token,
      body: { name: "Steal", wallets: [w1, foreign] },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toBe("Access denied: attempt to use objects not owned by current user");
    const missing = await app.call("POST", "/stores", {
      token: alice.token,
      body: { name: "Ghost", wallets: ["nope"] },
    });
    expect(missing.statusCode).toBe(403);
    const patchRefused = await app.call("PATCH", `/stores/${store.id}`, {
      token: alice.token,
      body: { wallets: [foreign] },
    });
    expect(patchRefused.statusCode).toBe(403);
    expect((await app.call("GET", `/stores/${store.id}`, { token: alice.token })).json().wallets).toEqual([w3, w1, w2]);

    const reordered = await app.call("PATCH", `/stores/${store.id}`, {
      token: alice.token,
      body: { wallets: [w2, w3, w2] },
    });
    expect(reordered.statusCode).toBe(200);
    expect(reordered.json().wallets).toEqual([w2, w3]);
    const untouched = await app.call("PATCH", `/stores/${store.id}`, { token: alice.token, body: { name: "Renamed" } });
    expect(untouched.json()).toMatchObject({ name: "Renamed", wallets: [w2, w3] });
    const cleared = await app.call("PATCH", `/stores/${store.id}`, { token: alice.token, body: { wallets: [] } });
    expect(cleared.json().wallets).toEqual([]);
  });

  it("links the caller's notifications and templates, refusing foreign ones", async () => {
    const mine = await app.call("POST", "/notifications", {
      token: alice.token,
      body: { name: "tg", provider: "telegram", data: {} },
    });
    const theirs = await app.call("POST", "/notifications", {
      token: bob.token,
      body: { name: "tg", provider: "telegram", data: {} },
    });
    const template = await app.call("POST", "/templates", {
      token: alice.token,
      body: { name: "my-notification", text: "Paid!" },
    });
    const foreignTemplate = await app.call("POST", "/templates", {
      token: bob.token,
      body: { name: "bob-template", text: "x" },
    });
    const store = await createStore(alice, {
      notifications: [mine.json().id],
      templates: { notification: template.json().id, shop: null },
    });
    expect(store.notifications).toEqual([mine.json().id]);
    expect(store.templates).toEqual({ notification: template.json().id });
    const foreignNotification = await app.call("PATCH", `/stores/${store.id}`, {
      token: alice.token,
      body: { notifications: [theirs.json().id] },
    });
    expect(foreignNotification.statusCode).toBe(403);
    const foreignTemplateLink = await app.call("PATCH", `/stores/${store.id}`, {
      token: alice.token,
      body: { templates: { notification: foreignTemplate.json().id } },
    });
    expect(foreignTemplateLink.statusCode).toBe(403);
    const unlinked = await app.call("PATCH", `/stores/${store.id}`, {
      token: alice.token,
      body: { notifications: [] },
    });
    expect(unlinked.json().notifications).toEqual([]);
  });

  it("shows the full store to its owner and the public view to anyone else", async () => {
    const wallet = await insertWallet(app, alice.id);
    const store = await createStore(alice, {
      name: "Public face",
      wallets: [wallet],
      email_settings: { host: "smtp.example.com", password: "smtp-secret" },
      metadata: { tier: "gold" },
    });
    const publicKeys = [
      "checkout_settings",
      "created",
      "currency_data",
      "default_currency",
      "id",
      "metadata",
      "name",
      "theme_settings",
      "updated",
      "user_id",
    ];

    const anonymous = await app.call("GET", `/stores/${store.id}`);
    expect(anonymous.statusCode).toBe(200);
    expect(Object.keys(anonymous.json()).sort()).toEqual(publicKeys);
    expect(anonymous.json()).toMatchObject({ name: "Public face", metadata: { tier: "gold" } });

    const other = await app.call("GET", `/stores/${store.id}`, { token: bob.token });
    expect(Object.keys(other.json()).sort()).toEqual(publicKeys);
    const badToken = await app.call("GET", `/stores/${store.id}`, { token: "not-a-token" });
    expect(Object.keys(badToken.json()).sort()).toEqual(publicKeys);
    const wrongScope = await tokenWith(app, alice.token, ["invoice_management"]);
    expect(Object.keys((await app.call("GET", `/stores/${store.id}`, { token: wrongScope })).json()).sort()).toEqual(
      publicKeys,
    );

    const owner = await app.call("GET", `/stores/${store.id}`, { token: alice.token });
    expect(owner.json()).toMatchObject({
      wallets: [wallet],
      email_settings: { host: "smtp.example.com", password_set: true },
    });
    const selective = await tokenWith(app, alice.token, [`store_management:${store.id}`]);
    expect((await app.call("GET", `/stores/${store.id}`, { token: selective })).json().wallets).toEqual([wallet]);

    expect((await app.call("GET", "/stores/no-such-store")).statusCode).toBe(404);
  });

  it("never returns the SMTP password and stores it sealed", async () => {
    const store = await createStore(alice, {
      email_settings: {
        address: "shop@example.com",
        host: "smtp.example.com",
        port: "587",
        user: "shop",
        password: "hunter2-smtp",
      },
    });
    expect(store.email_settings).toEqual({
      address: "shop@example.com",
      host: "smtp.example.com",
      port: 587,
      user: "shop",
      password: "",
      password_set: true,
      auth_mode: "starttls",
      verify_tls: true,
    });
    const row = await app.till.db.kysely
      .selectFrom("stores")
      .select("email_settings")
      .where("id", "=", store.id)
      .executeTakeFirstOrThrow();
    expect(row.email_settings).not.toContain("hunter2-smtp");
    expect(JSON.parse(row.email_settings).password).toMatch(/^enc:v1:/);
    expect((await app.till.services.stores.emailSettings(store.id)).password).toBe("hunter2-smtp");

    const list = await app.call("GET", "/stores?limit=-1", { token: alice.token });
    expect(list.body).not.toContain("hunter2-smtp");
    expect(list.body).not.toContain("enc:v1:");

    // The admin sends the whole form back with the blank password it was given: that keeps the password.
    const resent = await app.call("PATCH", `/stores/${store.id}/email_settings`, {
      token: alice.token,
      body: { ...store.email_settings, host: "mail.example.com" },
    });
    expect(resent.statusCode).toBe(200);
    expect(resent.json().email_settings).toMatchObject({
      host: "mail.example.com",
      password: "",
      password_set: true,
      port: 587,
    });
    expect((await app.till.services.stores.emailSettings(store.id)).password).toBe("hunter2-smtp");

    const changed = await app.call("PATCH", `/stores/${store.id}`, {
      token: alice.token,
      body: { email_settings: { password: "new-pass" } },
    });
    expect(changed.json().email_settings).toMatchObject({ host: "mail.example.com", password: "", password_set: true });
    expect((await app.till.services.stores.emailSettings(store.id)).password).toBe("new-pass");

    const removed = await app.call("PATCH", `/stores/${store.id}/email_settings`, {
      token: alice.token,
      body: { password: null },
    });
    expect(removed.json().email_settings).toMatchObject({
      password: "",
      password_set: false,
      host: "mail.example.com",
    });
  });

  it("merges the settings sections and answers the full store", async () => {
    const store = await createStore(alice, { checkout_settings: { expiration: 20 } });
    const checkout = await app.call("PATCH", `/stores/${store.id}/checkout_settings`, {
      token: alice.token,
      body: { use_dark_mode: true, expiration: "45" },
    });
    expect(checkout.statusCode).toBe(200);
    expect(checkout.json()).toMatchObject({ id: store.id, name: "Shop", wallets: [] });
    expect(checkout.json().checkout_settings).toMatchObject({
      use_dark_mode: true,
      expiration: 45,
      email_required: true,
    });

    const theme = await app.call("PATCH", `/stores/${store.id}/theme_settings`, {
      token: alice.token,
      body: { checkout_theme_url: "https://cdn.example.com/checkout.css" },
    });
    expect(theme.json().theme_settings).toEqual({
      store_theme_url: "",
      checkout_theme_url: "https://cdn.example.com/checkout.css",
    });
    expect(theme.json().checkout_settings.expiration).toBe(45);

    const plugins = await app.call("PATCH", `/stores/${store.id}/plugin_settings`, {
      token: alice.token,
      body: { shopify: { shop_name: "my-shop", api_key: "key", api_secret: "shpss_secret" } },
    });
    expect(plugins.json().plugin_settings).toEqual({
      shopify: { shop_name: "my-shop", api_key: "key", api_secret: "", api_secret_set: true },
    });
    const row = await app.till.db.kysely
      .selectFrom("stores")
      .select("plugin_settings")
      .where("id", "=", store.id)
      .executeTakeFirstOrThrow();
    expect(row.plugin_settings).not.toContain("shpss_secret");
    const renamed = await app.call("PATCH", `/stores/${store.id}/plugin_settings`, {
      token: alice.token,
      body: { shopify: { shop_name: "renamed", api_secret: "" } },
    });
    expect(renamed.json().plugin_settings.shopify).toEqual({
      shop_name: "renamed",
      api_key: "key",
      api_secret: "",
      api_secret_set: true,
    });

    const email = await app.call("PATCH", `/stores/${store.id}/email_settings`, {
      token: alice.token,
      body: { host: "smtp.example.org" },
    });
    expect(email.json().email_settings).toMatchObject({ host: "smtp.example.org", port: 25, auth_mode: "starttls" });

    const other = await app.call("PATCH", `/stores/${store.id}/checkout_settings`, {
      token: bob.token,
      body: { use_dark_mode: false },
    });
    expect(other.statusCode).toBe(404);
  });

  it("edits every field with PATCH and keeps what was not sent", async () => {
    const store = await createStore(alice, { name: "Before", metadata: { a: 1 } });
    const response = await app.call("PATCH", `/stores/${store.id}`, {
      token: alice.token,
      body: {
        ...store,
        name: "After",
        default_currency: "eur",
        checkout_settings: { ...store.checkout_settings, ask_address: true },
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      name: "After",
      default_currency: "EUR",
      currency_data: { code: "EUR", symbol: "€", divisibility: 2 },
      metadata: { a: 1 },
      checkout_settings: { ask_address: true, expiration: 15 },
    });
    expect(response.json().updated >= store.updated).toBe(true);
  });

  it("keeps users apart: another user's store is 404 for every owner route", async () => {
    const store = await createStore(alice, { name: "Alice only" });
    expect((await app.call("PATCH", `/stores/${store.id}`, { token: bob.token, body: { name: "x" } })).statusCode).toBe(
      404,
    );
    expect((await app.call("DELETE", `/stores/${store.id}`, { token: bob.token })).statusCode).toBe(404);
    const bobList = await app.call("GET", "/stores?limit=-1", { token: bob.token });
    expect(bobList.json().result.map((s: { id: string }) => s.id)).not.toContain(store.id);
    expect((await app.call("GET", `/stores/${store.id}`, { token: alice.token })).json().name).toBe("Alice only");
    expect((await app.call("GET", "/stores", {})).statusCode).toBe(401);
    const noScope = await tokenWith(app, alice.token, ["invoice_management"]);
    expect((await app.call("GET", "/stores", { token: noScope })).statusCode).toBe(403);
  });

  it("lists, counts, searches and batch-deletes", async () => {
    const user = await registerUser(app);
    const a = await createStore(user, {
      name: "Coffee Corner",
      default_currency: "EUR",
      metadata: { region: "north" },
    });
    const b = await createStore(user, { name: "Tea House", default_currency: "USD", metadata: { region: "south" } });
    const c = await createStore(user, { name: "Coffee Bar", default_currency: "USD", metadata: { region: "south" } });

    const all = await app.call("GET", "/stores?limit=2&offset=0", { token: user.token });
    expect(all.json()).toMatchObject({ count: 3, previous: null });
    expect(all.json().result).toHaveLength(2);
    expect(all.json().next).toContain("offset=2");
    expect((await app.call("GET", "/stores/count", { token: user.token })).json()).toBe(3);

    const ids = async (query: string) =>
      (await app.call("GET", `/stores?limit=-1&query=${encodeURIComponent(query)}`, { token: user.token }))
        .json()
        .result.map((s: { id: string }) => s.id)
        .sort();
    expect(await ids("coffee")).toEqual([a.id, c.id].sort());
    expect(await ids("eur")).toEqual([a.id]);
    expect(await ids("default_currency:USD")).toEqual([b.id, c.id].sort());
    expect(await ids(`id:${b.id}`)).toEqual([b.id]);
    expect(await ids("metadata.region:south")).toEqual([b.id, c.id].sort());
    expect(await ids("metadata.region:south coffee")).toEqual([c.id]);
    expect(await ids("name:nothing")).toEqual([]);
    expect((await app.call("GET", "/stores/count?query=coffee", { token: user.token })).json()).toBe(2);

    const sorted = await app.call("GET", "/stores?limit=-1&sort=name&desc=false", { token: user.token });
    expect(sorted.json().result.map((s: { name: string }) => s.name)).toEqual([
      "Coffee Bar",
      "Coffee Corner",
      "Tea House",
    ]);
    const auto = await app.call("GET", "/stores?autocomplete=true&limit=-1&query=tea", { token: user.token });
    expect(auto.json().result).toEqual([{ id: b.id, name: "Tea House" }]);

    const batch = await app.call("POST", "/stores/batch", {
      token: user.token,
      body: { ids: [a.id, b.id], command: "delete" },
    });
    expect(batch.statusCode).toBe(200);
    expect(batch.json()).toBe(true);
    expect((await app.call("GET", "/stores/count", { token: user.token })).json()).toBe(1);
    const unknown = await app.call("POST", "/stores/batch", {
      token: user.token,
      body: { ids: [c.id], command: "explode" },
    });
    expect(unknown.statusCode).toBe(404);

    const deleted = await app.call("DELETE", `/stores/${c.id}`, { token: user.token });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json().id).toBe(c.id);
    expect((await app.call("GET", `/stores/${c.id}`, { token: user.token })).statusCode).toBe(404);
  });
});
