import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Product, type Store, TillApiError, TillClient } from "../../sdk/src/index.ts";
import { createTestApp, type TestApp } from "./helpers/test-app.ts";

/** A 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

/** Runs `action` and returns the TillApiError it must throw. */
async function apiError(action: () => Promise<unknown>): Promise<TillApiError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof TillApiError) return error;
    throw error;
  }
  throw new Error("expected the call to fail with TillApiError");
}

describe("the SDK against a running server", () => {
  let app: TestApp;
  let anonymous: TillClient;
  let admin: TillClient;
  const email = "owner@example.com";
  let password = "first-password-1";

  beforeAll(async () => {
    app = await createTestApp();
    await app.till.http.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.till.http.server.address() as AddressInfo;
    anonymous = new TillClient({ baseUrl: `http://127.0.0.1:${port}` });
  });
  afterAll(() => app.close());

  it("reads the health probes", async () => {
    expect(await anonymous.health.live()).toEqual({ status: "ok" });
    expect(await anonymous.health.ready()).toMatchObject({ status: "ok", checks: { database: "ok" } });
  });

  it("registers the first user as superuser and logs in with email and password", async () => {
    const registered = await anonymous.users.register({ email: "Owner@Example.com", password });
    expect(registered).toMatchObject({ email, is_superuser: true, is_enabled: true });
    expect(typeof registered.token).toBe("string");

    const login = await anonymous.tokens.login({ email, password, permissions: ["full_control"], strict: false });
    expect(login).toMatchObject({
      token_type: "bearer",
      tfa_required: false,
      tfa_code: null,
      tfa_types: [],
      permissions: ["full_control"],
      user_id: registered.id,
    });
    expect(login.access_token).toEqual(expect.any(String));
    admin = anonymous.withToken(login.access_token);

    const me = await admin.users.me();
    expect(me).toMatchObject({ id: registered.id, email, is_superuser: true });
    expect(me.settings).toEqual({ balance_currency: "USD", fetch_balance: true });
  });

  it("reports login failures as TillApiError with Bitcart's detail", async () => {
    const wrong = await apiError(() => anonymous.tokens.login({ email, password: "not-it" }));
    expect(wrong.status).toBe(401);
    expect(wrong.detail).toEqual({ message: "Unauthorized", status: 401 });
    expect(wrong.loginStatus).toBe(401);
    const unknown = await apiError(() => anonymous.tokens.login({ email: "ghost@example.com", password }));
    expect(unknown.loginStatus).toBe(404);
    const noToken = await apiError(() => anonymous.users.me());
    expect(noToken.status).toBe(401);
  });

  it("mints, lists, counts, edits and revokes tokens", async () => {
    const before = await admin.tokens.count();
    const minted = await admin.tokens.create({ permissions: ["store_management", "token_management"], app_id: "shop" });
    expect(minted.permissions).toEqual(["store_management", "token_management"]);
    const limited = admin.withToken(minted.access_token);

    expect(await admin.tokens.count()).toBe(before + 1);
    const all = await admin.tokens.list({ limit: -1 });
    expect(all.count).toBe(before + 1);
    expect(all.result.map((t) => t.id)).toContain(minted.id);
    const byApp = await admin.tokens.list({ app_id: "shop", limit: -1 });
    expect(byApp.result.map((t) => t.id)).toEqual([minted.id]);
    const byPermission = await admin.tokens.list({ permissions: ["store_management"], limit: -1 });
    expect(byPermission.result.map((t) => t.id)).toEqual([minted.id]);

    const page = await admin.tokens.list({ limit: 1, offset: 0 });
    expect(page.result).toHaveLength(1);
    expect(page.previous).toBeNull();
    expect(page.next).toContain("offset=1");

    const current = await limited.tokens.current();
    expect(current).toMatchObject({ id: minted.id, app_id: "shop" });
    expect(current).not.toHaveProperty("access_token");

    const edited = await admin.tokens.edit(minted.id, { redirect_url: "https://shop.example/return" });
    expect(edited.redirect_url).toBe("https://shop.example/return");

    const wider = await apiError(() => limited.tokens.create({ permissions: ["full_control"] }));
    expect(wider.status).toBe(403);

    await admin.tokens.revoke(minted.id);
    expect((await apiError(() => limited.tokens.current())).status).toBe(401);
    expect(await admin.tokens.count()).toBe(before);

    const a = await admin.tokens.create({ permissions: ["token_management"] });
    const b = await admin.tokens.create({ permissions: ["token_management"] });
    expect(await admin.tokens.batch([a.id, b.id])).toBe(true);
    expect(await admin.tokens.count()).toBe(before);
  });

  it("updates preferences, changes the password and reads stats", async () => {
    const updated = await admin.users.updatePreferences({ balance_currency: "EUR" });
    expect(updated.settings).toEqual({ balance_currency: "EUR", fetch_balance: true });

    const other = admin.withToken((await admin.tokens.create({ permissions: ["full_control"] })).access_token);
    await admin.users.changePassword({ password: "second-password-2", old_password: password, logout_all: true });
    password = "second-password-2";
    expect((await apiError(() => other.users.me())).status).toBe(401);
    expect((await admin.users.me()).email).toBe(email);
    expect((await anonymous.tokens.login({ email, password })).access_token).toEqual(expect.any(String));

    const wrongOld = await apiError(() => admin.users.changePassword({ password: "x-y-z", old_password: "nope" }));
    expect(wrongOld.status).toBe(422);
    expect(wrongOld.fieldErrors.map((e) => e.loc)).toContainEqual(["body", "old_password"]);

    const stats = await admin.users.stats();
    expect(stats).toMatchObject({ stores: expect.any(Number), products: expect.any(Number), wallets: 0 });
  });

  it("lets a superuser list, read, update and delete users, and nobody else", async () => {
    const user = await anonymous.users.register({ email: "clerk@example.com", password: "clerk-password" });
    expect(user.is_superuser).toBe(false);
    const clerk = anonymous.withToken(user.token);

    const refused = await apiError(() => clerk.users.list());
    expect(refused.status).toBe(403);
    expect(String(refused.detail)).toContain("server_management");

    const users = await admin.users.list({ limit: -1 });
    expect(users.result.map((u) => u.email)).toEqual(expect.arrayContaining([email, "clerk@example.com"]));
    expect(await admin.users.count()).toBe(users.count);
    expect(await admin.users.get(user.id)).toMatchObject({ id: user.id, email: "clerk@example.com" });
    expect(await admin.users.update(user.id, { is_verified: true })).toMatchObject({ is_verified: true });
    expect(await admin.users.delete(user.id)).toMatchObject({ id: user.id });
    expect((await apiError(() => admin.users.get(user.id))).status).toBe(404);
  });

  it("reads the policy anonymously without secrets and lets the superuser change it", async () => {
    const visible = await anonymous.policies.get();
    expect(visible).toMatchObject({ disable_registration: false, captcha_type: "none" });
    expect(visible).not.toHaveProperty("captcha_secretkey");
    expect(visible).not.toHaveProperty("email_settings");

    const changed = await admin.policies.update({
      disable_registration: true,
      email_settings: { host: "smtp.example", password: "pw" },
    });
    expect(changed.disable_registration).toBe(true);
    expect(changed.email_settings).toMatchObject({ host: "smtp.example", password: "", password_set: true });

    const closed = await apiError(() => anonymous.users.register({ email: "late@example.com", password: "late-pass" }));
    expect(closed.status).toBe(422);
    expect(closed.detail).toBe("Registration disabled");

    expect((await admin.policies.update({ disable_registration: false })).disable_registration).toBe(false);
    expect((await apiError(() => anonymous.policies.update({ disable_registration: true }))).status).toBe(401);
    expect(await anonymous.policies.storePolicy()).toEqual({ pos_id: expect.any(String) });
  });

  describe("stores", () => {
    let store: Store;

    it("creates a store with Bitcart's defaults and lists, counts and reads it", async () => {
      store = await admin.stores.create({ name: "Corner Shop", wallets: [] });
      expect(store).toMatchObject({
        name: "Corner Shop",
        default_currency: "USD",
        wallets: [],
        checkout_settings: { expiration: 15, transaction_speed: 0, email_required: true, ask_address: false },
        theme_settings: { store_theme_url: "", checkout_theme_url: "" },
        email_settings: { port: 25, auth_mode: "starttls", password: "" },
        metadata: {},
      });
      await admin.stores.create({ name: "Second Shop", default_currency: "eur", wallets: [] });

      const page = await admin.stores.list({ limit: 10 });
      expect(page.count).toBe(2);
      expect(page.result.map((s) => s.name).sort()).toEqual(["Corner Shop", "Second Shop"]);
      expect(await admin.stores.count()).toBe(2);
      expect(await admin.stores.count({ query: "Corner" })).toBe(1);
      expect(await admin.stores.get(store.id)).toMatchObject({ id: store.id, name: "Corner Shop" });

      const picks = await admin.stores.autocomplete({ limit: -1 });
      expect(picks.result).toContainEqual({ id: store.id, name: "Corner Shop" });
    });

    it("answers validation problems as field errors", async () => {
      const invalid = await apiError(() => admin.stores.create({ name: "", wallets: [] }));
      expect(invalid.status).toBe(422);
      expect(invalid.fieldErrors.map((e) => e.loc)).toContainEqual(["body", "name"]);
    });

    it("updates the store and merges each settings section", async () => {
      expect((await admin.stores.update(store.id, { name: "Corner Shop & Co" })).name).toBe("Corner Shop & Co");

      const checkout = await admin.stores.updateCheckoutSettings(store.id, { expiration: 30, use_dark_mode: true });
      expect(checkout.checkout_settings).toMatchObject({ expiration: 30, use_dark_mode: true, transaction_speed: 0 });

      const mail = await admin.stores.updateEmailSettings(store.id, {
        host: "mail.example",
        port: "587",
        password: "pw",
      });
      expect(mail.email_settings).toMatchObject({ host: "mail.example", port: 587, password: "", password_set: true });

      const theme = await admin.stores.updateThemeSettings(store.id, { store_theme_url: "https://cdn.example/s.css" });
      expect(theme.theme_settings).toMatchObject({
        store_theme_url: "https://cdn.example/s.css",
        checkout_theme_url: "",
      });

      const plugins = await admin.stores.updatePluginSettings(store.id, {
        shopify: { shop_name: "corner", api_key: "k", api_secret: "s" },
      });
      expect(plugins.plugin_settings.shopify).toMatchObject({ shop_name: "corner" });

      const reread = await admin.stores.get(store.id);
      expect(reread.checkout_settings.expiration).toBe(30);
      expect(reread.email_settings.host).toBe("mail.example");
    });

    it("shows customers the public store only", async () => {
      const visible = await anonymous.stores.getPublic(store.id);
      expect(visible).toMatchObject({ id: store.id, name: "Corner Shop & Co", default_currency: "USD" });
      expect(visible.checkout_settings).toMatchObject({ expiration: 30, use_dark_mode: true });
      expect(visible).not.toHaveProperty("wallets");
      expect(visible).not.toHaveProperty("email_settings");
      expect(visible).not.toHaveProperty("notifications");
      expect((await apiError(() => anonymous.stores.list())).status).toBe(401);
    });

    it("deletes stores one by one and in a batch", async () => {
      const doomed = await admin.stores.create({ name: "Pop-up", wallets: [] });
      expect((await admin.stores.delete(doomed.id)).id).toBe(doomed.id);
      expect((await apiError(() => admin.stores.get(doomed.id))).status).toBe(404);

      const a = await admin.stores.create({ name: "Batch A", wallets: [] });
      const b = await admin.stores.create({ name: "Batch B", wallets: [] });
      expect(await admin.stores.batch([a.id, b.id])).toBe(true);
      expect(await admin.stores.count()).toBe(2);
      expect((await apiError(() => admin.stores.batch([store.id], "explode"))).status).toBe(404);
    });
  });

  describe("products", () => {
    let store: Store;
    let mug: Product;
    let poster: Product;

    beforeAll(async () => {
      store = await admin.stores.create({ name: "Gift Shop", wallets: [] });
    });

    it("creates a product from JSON and one with an image", async () => {
      mug = await admin.products.create({
        name: "Mug",
        price: "9.99",
        quantity: "-1",
        category: "kitchen",
        store_id: store.id,
      });
      expect(mug).toMatchObject({
        name: "Mug",
        quantity: -1,
        category: "kitchen",
        store_id: store.id,
        status: "active",
      });
      expect(Number(mug.price)).toBe(9.99);

      poster = await admin.products.create(
        { name: "Poster", price: 25, quantity: 3, category: "prints", store_id: store.id, description: "A3" },
        { data: new Blob([PNG], { type: "image/png" }), filename: "poster.png" },
      );
      expect(poster).toMatchObject({ name: "Poster", quantity: 3, category: "prints" });
      expect(poster.image).not.toBe("");
      expect(mug.image).toBe("");
    });

    it("lists a store's catalogue publicly with Bitcart's filters", async () => {
      const catalogue = await anonymous.products.list({ store: store.id, limit: 10 });
      expect(catalogue.count).toBe(2);
      expect(catalogue.result.map((p) => p.name).sort()).toEqual(["Mug", "Poster"]);

      const kitchen = await anonymous.products.list({ store: store.id, category: "kitchen" });
      expect(kitchen.result.map((p) => p.name)).toEqual(["Mug"]);
      const cheap = await anonymous.products.list({ store: store.id, max_price: "10" });
      expect(cheap.result.map((p) => p.name)).toEqual(["Mug"]);
      const dear = await anonymous.products.list({ store: store.id, min_price: 10 });
      expect(dear.result.map((p) => p.name)).toEqual(["Poster"]);
      const onSale = await anonymous.products.list({ store: store.id, sale: true });
      expect(onSale.count).toBe(0);

      expect(await anonymous.products.count({ store: store.id })).toBe(2);
      expect(await anonymous.products.categories({ store: store.id })).toEqual(["all", "kitchen", "prints"]);
      expect(Number(await anonymous.products.maxprice({ store: store.id }))).toBe(25);
      expect(await anonymous.products.get(mug.id, { store: store.id })).toMatchObject({ id: mug.id, name: "Mug" });

      expect((await apiError(() => anonymous.products.list())).status).toBe(401);
      expect((await admin.products.list({ limit: -1 })).count).toBe(2);
    });

    it("updates a product, also replacing its image, and deletes it", async () => {
      const renamed = await admin.products.update(mug.id, { name: "Big Mug", price: "12.50" });
      expect(renamed).toMatchObject({ name: "Big Mug", category: "kitchen" });
      expect(Number(renamed.price)).toBe(12.5);

      const withImage = await admin.products.update(
        mug.id,
        { description: "Holds a pint" },
        { data: new Blob([PNG], { type: "image/png" }), filename: "mug.png" },
      );
      expect(withImage.description).toBe("Holds a pint");
      expect(withImage.image).not.toBe("");

      expect((await admin.products.delete(poster.id)).id).toBe(poster.id);
      expect(await admin.products.count()).toBe(1);
      expect((await apiError(() => admin.products.get(poster.id))).status).toBe(404);
    });
  });

  it("manages discounts", async () => {
    const discount = await admin.discounts.create({
      name: "Spring",
      percent: "15",
      end_date: "2031-03-01T00:00:00Z",
      promocode: "SPRING",
      currencies: "BTC, ltc",
    });
    expect(discount).toMatchObject({ name: "Spring", percent: 15, promocode: "SPRING", currencies: "btc,ltc" });
    expect(discount.end_date).toMatch(/^2031-03-01T00:00:00/);
    expect((await admin.discounts.update(discount.id, { percent: 20 })).percent).toBe(20);
    expect((await admin.discounts.list({ query: "Spring" })).result.map((d) => d.id)).toEqual([discount.id]);
    const invalid = await apiError(() =>
      admin.discounts.create({ name: "Too much", percent: 150, end_date: "2031-01-01" }),
    );
    expect(invalid.status).toBe(422);
    expect(invalid.fieldErrors.map((e) => e.loc)).toContainEqual(["body", "percent"]);
    expect((await admin.discounts.delete(discount.id)).id).toBe(discount.id);
    expect(await admin.discounts.count()).toBe(0);
  });

  it("manages notification channels without answering their secrets", async () => {
    const providers = await anonymous.notifications.providers();
    expect(providers.result).toContain("Telegram");
    expect(providers.count).toBe(providers.result.length);

    const channel = await admin.notifications.create({
      name: "Ops chat",
      provider: "telegram",
      data: { bot_token: "123:secret", chat_id: "42" },
    });
    expect(channel).toMatchObject({ name: "Ops chat", provider: "Telegram", data: { bot_token: "", chat_id: "42" } });
    expect(channel.secrets_set).toEqual(["bot_token"]);
    const renamed = await admin.notifications.update(channel.id, {
      name: "Ops",
      data: { bot_token: "", chat_id: "43" },
    });
    expect(renamed).toMatchObject({ name: "Ops", data: { chat_id: "43" }, secrets_set: ["bot_token"] });
    expect(await admin.notifications.batch([channel.id])).toBe(true);
    expect(await admin.notifications.count()).toBe(0);
  });

  it("manages templates and lists the template names", async () => {
    const names = await anonymous.templates.templatesList({ applicable_to: "store" });
    expect(names.result).toEqual(expect.arrayContaining(["notification", "shop"]));
    const grouped = await anonymous.templates.templatesList();
    expect(grouped.result).toMatchObject({ product: ["product"] });
    expect(grouped.templates).toContain("product");

    const template = await admin.templates.create({ name: "notification", text: "Paid: {{ invoice.id }}" });
    expect(template).toMatchObject({ name: "notification", text: "Paid: {{ invoice.id }}" });
    expect((await admin.templates.update(template.id, { text: "Thanks" })).text).toBe("Thanks");
    expect(await admin.templates.get(template.id)).toMatchObject({ id: template.id, text: "Thanks" });
    expect((await admin.templates.delete(template.id)).id).toBe(template.id);
  });

  it("uploads, lists, replaces and deletes files, and links to them by handle", async () => {
    const file = await admin.files.upload(
      { data: new Blob(["hello, till"], { type: "text/plain" }), filename: "hello.txt" },
      { metadata: { purpose: "test" } },
    );
    expect(file).toMatchObject({ filename: "hello.txt", size: 11, metadata: { purpose: "test" } });
    expect((await admin.files.list({ limit: -1 })).result.map((f) => f.id)).toContain(file.id);

    const handle = await fetch(admin.files.handleUrl(file.id), { redirect: "manual" });
    expect(handle.status).toBe(302);
    const location = new URL(handle.headers.get("location")!, admin.baseUrl);
    const content = await fetch(location);
    expect(content.status).toBe(200);
    expect(await content.text()).toBe("hello, till");

    const replaced = await admin.files.replace(file.id, { data: new Blob(["bye"]), filename: "bye.txt" });
    expect(replaced).toMatchObject({ id: file.id, filename: "bye.txt", size: 3 });
    expect((await admin.files.delete(file.id)).id).toBe(file.id);
    expect((await apiError(() => admin.files.get(file.id))).status).toBe(404);
  });
});
