import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestSmtpServer } from "./fixtures/smtp-server.ts";
import { waitFor } from "./helpers/processes.ts";
import { type ReceivedRequest, Receiver } from "./helpers/receiver.ts";
import { createTestApp, registerUser, type TestApp } from "./helpers/test-app.ts";

/**
 * Chat and push providers fired by an invoice's completion, each against a local receiver standing in for
 * the service's HTTP API: the exact request each one sends.
 */
describe("notification providers", () => {
  let app: TestApp;
  let receiver: Receiver;
  let smtp: TestSmtpServer;
  let merchant: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    receiver = await Receiver.start();
    smtp = await TestSmtpServer.start();
    app = await createTestApp({
      TILL_CRYPTOS: "ltc",
      LTC_NETWORK: "regtest",
      LTC_BACKEND: "bitcoind",
      LTC_BITCOIND_URL: "http://user:pass@127.0.0.1:1",
      TILL_FIXED_RATES: "LTC_USD=80",
      TILL_ALLOW_PRIVATE_WEBHOOKS: "true",
      TILL_TELEGRAM_API_URL: receiver.url("/telegram"),
      TILL_PUSHOVER_API_URL: receiver.url("/pushover"),
    });
    app.till.services.jobs.start();
    merchant = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await smtp?.close();
  });

  const provider = async (provider: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const response = await app.call("POST", "/notifications", {
      token: merchant.token,
      body: { name: provider, provider, data, ...extra },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().id as string;
  };

  const storeWith = async (notifications: string[], body: Record<string, unknown> = {}) => {
    const key = (await app.call("POST", "/wallets/create", { token: merchant.token, body: { currency: "ltc" } })).json()
      .key;
    const wallet = (
      await app.call("POST", "/wallets", { token: merchant.token, body: { name: "w", currency: "ltc", xpub: key } })
    ).json();
    const store = await app.call("POST", "/stores", {
      token: merchant.token,
      body: { name: "Corner Shop", default_currency: "USD", wallets: [wallet.id], notifications, ...body },
    });
    expect(store.statusCode, store.body).toBe(200);
    return store.json().id as string;
  };

  const completeInvoice = async (storeId: string) => {
    const invoice = await app.call("POST", "/invoices", { body: { price: "12.5", store_id: storeId } });
    expect(invoice.statusCode, invoice.body).toBe(200);
    const id = invoice.json().id as string;
    const marked = await app.call("POST", "/invoices/batch", {
      token: merchant.token,
      body: { ids: [id], command: "mark_complete" },
    });
    expect(marked.statusCode, marked.body).toBe(200);
    return id;
  };

  const one = (path: string) =>
    waitFor(() => receiver.requests.find((r) => r.path.startsWith(path)), { what: `a request to ${path}` });
  const json = (request: ReceivedRequest) => JSON.parse(request.body);

  it("serves each provider's options with a JSON schema to build the form from", async () => {
    const response = await app.call("GET", "/notifications/schema");
    expect(response.statusCode).toBe(200);
    const schema = response.json();
    expect(Object.keys(schema)).toEqual([
      "Telegram",
      "Discord",
      "Slack",
      "Matrix",
      "Ntfy",
      "Gotify",
      "Pushover",
      "Email",
      "Webhook",
    ]);
    expect(schema.Telegram).toMatchObject({
      properties: ["bot_token", "chat_id"],
      required: ["bot_token", "chat_id"],
      setup_url: expect.stringContaining("telegram.org"),
      schema: {
        type: "object",
        properties: {
          bot_token: { type: "string", title: "Bot token", format: "password" },
          chat_id: { type: "string", title: "Chat ID" },
        },
        required: ["bot_token", "chat_id"],
      },
    });
    expect(schema.Ntfy.schema.properties.priority).toMatchObject({ type: "integer", enum: [1, 2, 3, 4, 5] });
    const events = await app.call("GET", "/notifications/events");
    expect(events.json()).toContain("invoice.complete");
  });

  it("sends each provider's exact request when an invoice completes, and records the delivery", async () => {
    const ids = {
      telegram: await provider("Telegram", { bot_token: "123:ABC", chat_id: "-10042" }),
      discord: await provider("Discord", { webhook_url: receiver.url("/discord/hook"), username: "Till" }),
      slack: await provider("Slack", { webhook_url: receiver.url("/slack/hook") }),
      matrix: await provider("Matrix", {
        homeserver: receiver.url("/matrix"),
        access_token: "syt_secret",
        room_id: "!room:example.org",
      }),
      ntfy: await provider("Ntfy", {
        server: receiver.url("/ntfy"),
        topic: "orders",
        access_token: "tk_1",
        priority: 4,
      }),
      gotify: await provider("Gotify", { server: receiver.url("/gotify"), app_token: "A.b-c" }),
      pushover: await provider("Pushover", { user_key: "ukey", api_token: "atoken" }),
      webhook: await provider("Webhook", { url: receiver.url("/generic") }),
      email: await provider("Email", { to: "merchant@example.com" }),
    };
    const storeId = await storeWith(Object.values(ids), { email_settings: smtp.settings() });
    const invoiceId = await completeInvoice(storeId);
    const title = `Corner Shop: invoice ${invoiceId} complete`;
    const text = `New order ${invoiceId} at Corner Shop: 12.50 USD, status complete.`;
    const full = `${title}\n\n${text}`;

    const telegram = await one("/telegram");
    expect(telegram).toMatchObject({ method: "POST", path: "/telegram/bot123:ABC/sendMessage" });
    expect(telegram.headers["content-type"]).toBe("application/json");
    expect(json(telegram)).toEqual({ chat_id: "-10042", text: full });

    const discord = await one("/discord");
    expect(discord).toMatchObject({ method: "POST", path: "/discord/hook" });
    expect(json(discord)).toEqual({ content: full, username: "Till" });

    const slack = await one("/slack");
    expect(slack).toMatchObject({ method: "POST", path: "/slack/hook" });
    expect(json(slack)).toEqual({ text: full });

    const matrix = await one("/matrix");
    expect(matrix.method).toBe("PUT");
    expect(matrix.path).toMatch(
      /^\/matrix\/_matrix\/client\/v3\/rooms\/!room%3Aexample\.org\/send\/m\.room\.message\/till-\d+$/,
    );
    expect(matrix.headers.authorization).toBe("Bearer syt_secret");
    expect(json(matrix)).toEqual({ msgtype: "m.text", body: full });

    const ntfy = await one("/ntfy");
    expect(ntfy).toMatchObject({ method: "POST", path: "/ntfy/orders", body: text });
    expect(ntfy.headers).toMatchObject({
      "content-type": "text/plain; charset=utf-8",
      authorization: "Bearer tk_1",
      priority: "4",
      title: `=?UTF-8?B?${Buffer.from(title).toString("base64")}?=`,
    });

    const gotify = await one("/gotify");
    expect(gotify).toMatchObject({ method: "POST", path: "/gotify/message?token=A.b-c" });
    expect(json(gotify)).toEqual({ title, message: text, priority: 5 });

    const pushover = await one("/pushover");
    expect(pushover).toMatchObject({ method: "POST", path: "/pushover/1/messages.json" });
    expect(json(pushover)).toEqual({ token: "atoken", user: "ukey", title, message: text });

    const generic = await one("/generic");
    expect(json(generic)).toEqual({
      event: "invoice.complete",
      invoice_id: invoiceId,
      store_id: storeId,
      title,
      message: text,
    });

    const [mail] = await waitFor(() => smtp.to("merchant@example.com").length > 0 && smtp.to("merchant@example.com"), {
      what: "the Email provider's message",
    });
    expect(mail).toMatchObject({ from: "shop@example.com", subject: title, text, secure: true });

    for (const id of Object.values(ids)) {
      const record = await waitFor(
        async () => {
          const body = (await app.call("GET", `/notifications/${id}`, { token: merchant.token })).json();
          return body.last_sent_at ? body : null;
        },
        { what: "the delivery recorded" },
      );
      expect(record).toMatchObject({ last_error: null, events: ["invoice.complete"] });
      // Secrets stay unanswered.
      expect(JSON.stringify(record)).not.toMatch(/123:ABC|syt_secret|atoken|ukey|A\.b-c/);
    }
  });

  it("shows a refused delivery as the provider's last error", async () => {
    receiver.on("/slack/refusing", () => ({ status: 400, body: "invalid_payload" }));
    const id = await provider("Slack", { webhook_url: receiver.url("/slack/refusing") });
    await completeInvoice(await storeWith([id]));
    const record = await waitFor(
      async () => {
        const body = (await app.call("GET", `/notifications/${id}`, { token: merchant.token })).json();
        return body.last_error ? body : null;
      },
      { what: "the error recorded" },
    );
    expect(record.last_error).toBe(`${new URL(receiver.url("/")).origin}: HTTP 400`);
    expect(record.last_sent_at).toBeNull();
  });

  it("fires only on the events the merchant picked", async () => {
    const quiet = await provider("Webhook", { url: receiver.url("/quiet") }, { events: ["invoice.expired"] });
    const loud = await provider(
      "Webhook",
      { url: receiver.url("/loud") },
      { events: ["invoice.complete", "invoice.paid"] },
    );
    const invoiceId = await completeInvoice(await storeWith([quiet, loud]));
    const request = await one("/loud");
    expect(json(request)).toMatchObject({ event: "invoice.complete", invoice_id: invoiceId });
    const jobs = await app.till.db.kysely
      .selectFrom("jobs")
      .select("payload")
      .where("kind", "=", "notification.provider")
      .execute();
    expect(jobs.some((j) => j.payload.includes(quiet))).toBe(false);
    const bad = await app.call("POST", "/notifications", {
      token: merchant.token,
      body: { name: "x", provider: "Slack", events: ["invoice.exploded"] },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().detail[0].loc).toEqual(["body", "events", 0]);
  });

  it("uses the store's notification template, and reports one that fails while sending the default", async () => {
    const template = await app.call("POST", "/templates", {
      token: merchant.token,
      body: { name: "short", text: "Paid: {{ invoice.price }} {{ invoice.currency }} at {{ store.name | upcase }}" },
    });
    const id = await provider("Webhook", { url: receiver.url("/templated") });
    await completeInvoice(await storeWith([id], { templates: { notification: template.json().id } }));
    expect(json(await one("/templated")).message).toBe("Paid: 12.50 USD at CORNER SHOP");

    const broken = await app.call("POST", "/templates", {
      token: merchant.token,
      body: { name: "loop", text: "line one\n{% for i in (1..100000000) %}{{ i }}{% endfor %}" },
    });
    const reported = await provider("Webhook", { url: receiver.url("/fallback") });
    const invoiceId = await completeInvoice(
      await storeWith([reported], { templates: { notification: broken.json().id } }),
    );
    expect(json(await one("/fallback")).message).toBe(
      `New order ${invoiceId} at Corner Shop: 12.50 USD, status complete.`,
    );
    const record = await waitFor(
      async () => {
        const body = (await app.call("GET", `/notifications/${reported}`, { token: merchant.token })).json();
        return body.last_sent_at ? body : null;
      },
      { what: "the delivery recorded" },
    );
    expect(record.last_error).toBe(
      'template "loop" failed at line 2: memory alloc limit exceeded; the default was used',
    );
  });

  it("sends a test message on request, with the linked store's SMTP settings for Email", async () => {
    const hook = await provider("Webhook", { url: receiver.url("/test-hook") });
    const queued = await app.call("POST", `/notifications/${hook}/test`, { token: merchant.token, body: {} });
    expect(queued.statusCode, queued.body).toBe(200);
    expect(queued.json()).toEqual({ queued: true, job_id: expect.any(Number) });
    expect(json(await one("/test-hook"))).toEqual({
      event: "test",
      invoice_id: "",
      store_id: "",
      title: "Till test notification",
      message: 'This is a test of the notification provider "Webhook".',
    });

    const email = await provider("Email", { to: "test-provider@example.com" });
    const storeId = await storeWith([email], { email_settings: smtp.settings() });
    const otherStore = await storeWith([]);
    const refused = await app.call("POST", `/notifications/${email}/test`, {
      token: merchant.token,
      body: { store_id: otherStore },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail[0].loc).toEqual(["body", "store_id"]);
    await app.call("POST", `/notifications/${email}/test`, { token: merchant.token, body: { store_id: storeId } });
    const [mail] = await waitFor(
      () => smtp.to("test-provider@example.com").length > 0 && smtp.to("test-provider@example.com"),
      { what: "the test mail" },
    );
    expect(mail).toMatchObject({ subject: "Till test notification", from: "shop@example.com" });

    const stranger = await registerUser(app);
    const notMine = await app.call("POST", `/notifications/${hook}/test`, { token: stranger.token, body: {} });
    expect(notMine.statusCode).toBe(404);
  });

  it("refuses a template that does not parse, naming the line", async () => {
    const response = await app.call("POST", "/templates", {
      token: merchant.token,
      body: { name: "bad", text: "fine\n{{ invoice.id | no_such_filter }}" },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().detail[0]).toMatchObject({
      loc: ["body", "text"],
      msg: "Line 2: undefined filter: no_such_filter",
    });
  });
});
