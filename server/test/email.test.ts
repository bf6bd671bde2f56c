import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestSmtpServer } from "./fixtures/smtp-server.ts";
import { waitFor } from "./helpers/processes.ts";
import { createTestApp, registerUser, type TestApp } from "./helpers/test-app.ts";

/** SMTP settings, their test endpoint, presets and the customer's receipt, against a real SMTP server. */
describe("email", () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let admin: Awaited<ReturnType<typeof registerUser>>;
  let merchant: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    app = await createTestApp({
      TILL_CRYPTOS: "ltc",
      LTC_NETWORK: "regtest",
      LTC_BACKEND: "bitcoind",
      // Nothing listens on port 1: invoices are created from locally derived addresses.
      LTC_BITCOIND_URL: "http://user:pass@127.0.0.1:1",
      TILL_FIXED_RATES: "LTC_USD=80",
    });
    app.till.services.jobs.start();
    admin = await registerUser(app);
    merchant = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  const createStore = async (body: Record<string, unknown> = {}) => {
    const key = (await app.call("POST", "/wallets/create", { token: merchant.token, body: { currency: "ltc" } })).json()
      .key;
    const wallet = (
      await app.call("POST", "/wallets", { token: merchant.token, body: { name: "w", currency: "ltc", xpub: key } })
    ).json();
    const response = await app.call("POST", "/stores", {
      token: merchant.token,
      body: { name: "Corner Shop", default_currency: "USD", wallets: [wallet.id], ...body },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const createProduct = async (storeId: string, body: Record<string, unknown>) => {
    const response = await app.call("POST", "/products", {
      token: merchant.token,
      body: { price: "10", quantity: "-1", store_id: storeId, ...body },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const completeOrder = async (storeId: string, products: Record<string, number>, buyerEmail: string) => {
    const invoice = await app.call("POST", "/invoices", {
      body: { price: "30", store_id: storeId, products, buyer_email: buyerEmail },
    });
    expect(invoice.statusCode, invoice.body).toBe(200);
    const id = invoice.json().id as string;
    const marked = await app.call("POST", "/invoices/batch", {
      token: merchant.token,
      body: { ids: [id], command: "mark_complete" },
    });
    expect(marked.statusCode, marked.body).toBe(200);
    return id;
  };

  it("lists presets of common providers with host, port and mode", async () => {
    const response = await app.call("GET", "/email/presets");
    expect(response.statusCode).toBe(200);
    const presets = response.json() as { id: string; host: string; port: number; auth_mode: string }[];
    expect(presets.map((p) => p.id)).toEqual([
      "gmail",
      "outlook",
      "fastmail",
      "mailgun",
      "sendgrid",
      "ses",
      "zoho",
      "proton-bridge",
    ]);
    expect(presets[0]).toMatchObject({ host: "smtp.gmail.com", port: 587, auth_mode: "starttls", verify_tls: true });
  });

  it("tests a store's SMTP settings and says what is wrong in words", async () => {
    const store = await createStore({ email_settings: smtp.settings() });
    const test = (to?: string) =>
      app.call("POST", `/stores/${store.id}/email/test`, { token: merchant.token, body: to ? { to } : {} });
    const set = (email_settings: Record<string, unknown>) =>
      app.call("PATCH", `/stores/${store.id}`, { token: merchant.token, body: { email_settings } });

    expect((await test()).json()).toEqual({ ok: true, error: null, sent: false });
    const sent = await test("owner@example.com");
    expect(sent.json()).toEqual({ ok: true, error: null, sent: true });
    const [message] = smtp.to("owner@example.com");
    expect(message).toMatchObject({ from: "shop@example.com", user: "mailer", secure: true });
    expect(message!.subject).toBe("Till test message");

    await set({ password: "wrong" });
    expect((await test()).json()).toMatchObject({ ok: false, error: expect.stringMatching(/^authentication failed/) });
    await set({ password: smtp.password, port: 1 });
    expect((await test()).json()).toEqual({ ok: false, error: "connection refused", sent: false });
    // Certificates are checked unless the merchant turns it off for this server: the test one is self-signed.
    await set({ port: smtp.port, verify_tls: true });
    expect((await test()).json()).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^TLS error: .*self[- ]signed/),
    });

    const other = await app.call("POST", `/stores/${store.id}/email/test`, { token: admin.token, body: {} });
    expect(other.statusCode).toBe(404);
  });

  it("speaks implicit TLS (ssl/tls), and never logs in over a plain connection (none)", async () => {
    const tls = await TestSmtpServer.start({ implicitTls: true });
    try {
      const store = await createStore({ email_settings: tls.settings() });
      const sent = await app.call("POST", `/stores/${store.id}/email/test`, {
        token: merchant.token,
        body: { to: "tls@example.com" },
      });
      expect(sent.json()).toEqual({ ok: true, error: null, sent: true });
      expect(tls.to("tls@example.com")[0]).toMatchObject({ secure: true, user: "mailer" });
      // STARTTLS offered but not used: the server refuses the login in the clear.
      const plain = await createStore({ email_settings: smtp.settings({ auth_mode: "none" }) });
      const refused = await app.call("POST", `/stores/${plain.id}/email/test`, { token: merchant.token, body: {} });
      expect(refused.json()).toMatchObject({ ok: false, error: expect.stringMatching(/STARTTLS/) });
    } finally {
      await tls.close();
    }
  });

  it("stores the SMTP password sealed and never answers it", async () => {
    const store = await createStore({ email_settings: smtp.settings() });
    expect(store.email_settings).toMatchObject({ password: "", password_set: true, verify_tls: false });
    const row = await app.till.db.kysely
      .selectFrom("stores")
      .select("email_settings")
      .where("id", "=", store.id)
      .executeTakeFirstOrThrow();
    expect(row.email_settings).not.toContain(smtp.password);
  });

  it("tests the server's SMTP settings (superuser only)", async () => {
    const policy = await app.call("POST", "/manage/policies", {
      token: admin.token,
      body: { email_settings: smtp.settings({ address: "till@example.com" }) },
    });
    expect(policy.statusCode, policy.body).toBe(200);
    expect(policy.json().email_settings).toMatchObject({ password: "", password_set: true });
    const response = await app.call("POST", "/manage/email/test", {
      token: admin.token,
      body: { to: "ops@example.com" },
    });
    expect(response.json()).toEqual({ ok: true, error: null, sent: true });
    expect(smtp.to("ops@example.com")[0]).toMatchObject({ from: "till@example.com", secure: true });
    expect((await app.call("POST", "/manage/email/test", { token: merchant.token, body: {} })).statusCode).toBe(403);
  });

  it("mails the customer a receipt with products, quantities and download links when the invoice completes", async () => {
    const store = await createStore({ email_settings: smtp.settings() });
    const mug = await createProduct(store.id, { name: "Mug", price: "10" });
    const ebook = await createProduct(store.id, {
      name: "Ebook",
      price: "10",
      download_url: "https://files.example.com/ebook.pdf",
    });
    await completeOrder(store.id, { [mug.id]: 2, [ebook.id]: 1 }, "buyer@example.com");

    const [receipt] = await waitFor(() => smtp.to("buyer@example.com").length > 0 && smtp.to("buyer@example.com"), {
      what: "the receipt",
    });
    expect(receipt).toMatchObject({ from: "shop@example.com", user: "mailer", secure: true, html: null });
    expect(receipt!.subject).toBe("Thank you for your order");
    expect(receipt!.text).toBe(
      [
        "Thank you for your order at Corner Shop!",
        "",
        "1 x Ebook (10 USD)",
        "  Download: https://files.example.com/ebook.pdf",
        "2 x Mug (10 USD)",
      ].join("\n"),
    );
  });

  it("sends no receipt without a buyer email or without store SMTP settings", async () => {
    const withSmtp = await createStore({ email_settings: smtp.settings() });
    const withoutSmtp = await createStore();
    const a = await createProduct(withSmtp.id, { name: "A" });
    const b = await createProduct(withoutSmtp.id, { name: "B" });
    const noEmail = await completeOrder(withSmtp.id, { [a.id]: 1 }, "");
    const noSmtp = await completeOrder(withoutSmtp.id, { [b.id]: 1 }, "nosmtp@example.com");
    // The state changes were committed with whatever jobs they caused: none of them is an email.
    const jobs = await app.till.db.kysely.selectFrom("jobs").select(["kind", "payload"]).execute();
    const mails = jobs.filter((j) => j.kind === "email.send").map((j) => j.payload);
    expect(mails.some((p) => p.includes("nosmtp@example.com"))).toBe(false);
    expect(mails.some((p) => p.includes(noEmail) || p.includes(noSmtp))).toBe(false);
  });

  it("renders the merchant's templates in Bitcart's lookup order, as HTML when the store asks", async () => {
    const shop = await app.call("POST", "/templates", {
      token: merchant.token,
      body: {
        name: "fancy shop",
        text: "<h1>{{ store.name }}</h1>{% for p in products %}<p>{{ p | raw }}</p>{% endfor %}",
      },
    });
    expect(shop.statusCode, shop.body).toBe(200);
    // The user's template named "product" applies to every product without one of its own.
    const product = await app.call("POST", "/templates", {
      token: merchant.token,
      body: { name: "product", text: "{{ quantity }} × {{ product.name }}" },
    });
    expect(product.statusCode, product.body).toBe(200);
    const store = await createStore({
      name: "Tom & Jerry's",
      email_settings: smtp.settings(),
      checkout_settings: { use_html_templates: true },
      templates: { shop: shop.json().id },
    });
    const item = await createProduct(store.id, { name: "<script>alert(1)</script>" });
    await completeOrder(store.id, { [item.id]: 3 }, "html@example.com");

    const [receipt] = await waitFor(() => smtp.to("html@example.com").length > 0 && smtp.to("html@example.com"), {
      what: "the HTML receipt",
    });
    // Variables are escaped in HTML templates; product lines come escaped already, printed with `raw`.
    expect(receipt!.html).toBe("<h1>Tom &amp; Jerry&#39;s</h1><p>3 × &lt;script&gt;alert(1)&lt;/script&gt;</p>");
    expect(receipt!.text).not.toContain("<h1>");
  });

  it("falls back to the default template when the merchant's fails at render time", async () => {
    const broken = await app.call("POST", "/templates", {
      token: merchant.token,
      body: { name: "broken shop", text: "{% for i in (1..100000000) %}{{ i }}{% endfor %}" },
    });
    expect(broken.statusCode, broken.body).toBe(200);
    const store = await createStore({ email_settings: smtp.settings(), templates: { shop: broken.json().id } });
    const item = await createProduct(store.id, { name: "Tea" });
    await completeOrder(store.id, { [item.id]: 1 }, "fallback@example.com");
    const [receipt] = await waitFor(
      () => smtp.to("fallback@example.com").length > 0 && smtp.to("fallback@example.com"),
      { what: "the receipt" },
    );
    expect(receipt!.text).toContain("Thank you for your order at Corner Shop!");
  });
});
