import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBHOOK_JOB } from "../src/modules/webhooks/index.ts";
import { waitFor } from "./helpers/processes.ts";
import { Receiver } from "./helpers/receiver.ts";
import { createTestApp, registerUser, type TestApp, tokenWith } from "./helpers/test-app.ts";

type User = Awaited<ReturnType<typeof registerUser>>;

/** What a merchant's receiver does: HMAC-SHA256 of the raw body with the secret, compared to Till-Sig. */
const expectedSignature = (secret: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("webhooks", () => {
  let app: TestApp;
  let alice: User;
  let bob: User;
  let receiver: Receiver;

  beforeAll(async () => {
    app = await createTestApp({ TILL_ALLOW_PRIVATE_WEBHOOKS: "true" });
    alice = await registerUser(app);
    bob = await registerUser(app);
    receiver = await Receiver.start();
    app.till.services.jobs.start();
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  const createStore = async (user: User) => {
    const response = await app.call("POST", "/stores", { token: user.token, body: { name: "Shop", wallets: [] } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().id as string;
  };
  const createWebhook = async (user: User, storeId: string, body: Record<string, unknown>) => {
    const response = await app.call("POST", `/stores/${storeId}/webhooks`, { token: user.token, body });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const emit = (
    storeId: string,
    type: "invoice.paid" | "invoice.created" | "invoice.complete",
    data: unknown,
    key = "INV",
  ) => app.till.db.transaction(() => app.till.services.webhooks.emitEvent(storeId, type, data, { orderingKey: key }));
  const deliveries = async (webhookId: string, query = "") => {
    const response = await app.call("GET", `/webhooks/${webhookId}/deliveries${query}`, { token: alice.token });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const webhookJobs = (webhookId: string) =>
    app.till.db.kysely
      .selectFrom("jobs")
      .selectAll()
      .where("kind", "=", WEBHOOK_JOB)
      .where("payload", "like", `%"webhook_id":"${webhookId}"%`)
      .orderBy("id")
      .execute();

  describe("API", () => {
    it("creates a webhook with 200, answering its secret once and storing it encrypted", async () => {
      const storeId = await createStore(alice);
      const created = await createWebhook(alice, storeId, {
        url: receiver.url("/crud"),
        event_types: ["invoice.paid", "invoice.complete", "invoice.paid"],
        description: "orders",
      });
      expect(created).toMatchObject({
        store_id: storeId,
        url: receiver.url("/crud"),
        event_types: ["invoice.paid", "invoice.complete"],
        enabled: true,
        description: "orders",
      });
      expect(created.secret).toMatch(/^[\w-]{40,}$/);
      const row = await app.till.db.kysely
        .selectFrom("webhooks")
        .select("secret")
        .where("id", "=", created.id)
        .executeTakeFirstOrThrow();
      expect(row.secret.startsWith("enc:v1:")).toBe(true);
      expect(row.secret).not.toContain(created.secret);

      const got = await app.call("GET", `/stores/${storeId}/webhooks/${created.id}`, { token: alice.token });
      expect(got.statusCode).toBe(200);
      expect(got.json()).not.toHaveProperty("secret");
      expect(got.json()).toEqual({ ...created, secret: undefined });
      const list = await app.call("GET", `/stores/${storeId}/webhooks`, { token: alice.token });
      expect(list.json()).toMatchObject({ count: 1, previous: null, next: null });
      expect(list.json().result[0]).not.toHaveProperty("secret");
      expect(list.json().result[0].id).toBe(created.id);
    });

    it("keeps a secret the merchant chose, defaults to all events, and validates the body", async () => {
      const storeId = await createStore(alice);
      const chosen = await createWebhook(alice, storeId, {
        url: "https://example.com/hook",
        secret: "my-own-secret-value",
      });
      expect(chosen).toMatchObject({ secret: "my-own-secret-value", event_types: ["*"], enabled: true });
      const star = await createWebhook(alice, storeId, {
        url: "https://example.com/hook2",
        event_types: ["invoice.paid", "*"],
        enabled: false,
      });
      expect(star).toMatchObject({ event_types: ["*"], enabled: false });
      for (const [body, field] of [
        [{}, "url"],
        [{ url: "ftp://example.com/x" }, "url"],
        [{ url: "not a url" }, "url"],
        [{ url: "javascript:alert(1)" }, "url"],
        [{ url: "https://example.com", event_types: ["invoice.exploded"] }, "event_types"],
        [{ url: "https://example.com", event_types: [] }, "event_types"],
        [{ url: "https://example.com", secret: "short" }, "secret"],
        [{ url: "https://example.com", enabled: "perhaps" }, "enabled"],
      ] as const) {
        const response = await app.call("POST", `/stores/${storeId}/webhooks`, { token: alice.token, body });
        expect(response.statusCode, JSON.stringify(body)).toBe(422);
        expect(response.json().detail[0].loc[1], JSON.stringify(body)).toBe(field);
      }
    });

    it("updates fields, and rotates or replaces the secret (answered once)", async () => {
      const storeId = await createStore(alice);
      const hook = await createWebhook(alice, storeId, { url: "https://example.com/a" });
      const path = `/stores/${storeId}/webhooks/${hook.id}`;
      const patched = await app.call("PATCH", path, {
        token: alice.token,
        body: { url: "https://example.com/b", event_types: ["invoice.expired"], enabled: false, description: "d" },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json()).toMatchObject({
        url: "https://example.com/b",
        event_types: ["invoice.expired"],
        enabled: false,
        description: "d",
      });
      expect(patched.json()).not.toHaveProperty("secret");
      const rotated = await app.call("PATCH", path, { token: alice.token, body: { rotate_secret: true } });
      expect(rotated.json().secret).toMatch(/^[\w-]{40,}$/);
      expect(rotated.json().secret).not.toBe(hook.secret);
      const replaced = await app.call("PATCH", path, { token: alice.token, body: { secret: "replacement-secret-1" } });
      expect(replaced.json().secret).toBe("replacement-secret-1");
      const both = await app.call("PATCH", path, {
        token: alice.token,
        body: { secret: "replacement-secret-2", rotate_secret: true },
      });
      expect(both.statusCode).toBe(422);
      const deleted = await app.call("DELETE", path, { token: alice.token });
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json().id).toBe(hook.id);
      expect((await app.call("GET", path, { token: alice.token })).statusCode).toBe(404);
    });

    it("lets only the store's owner see or change its webhooks", async () => {
      const storeId = await createStore(alice);
      const otherStore = await createStore(alice);
      const hook = await createWebhook(alice, storeId, { url: "https://example.com/owned" });
      const path = `/stores/${storeId}/webhooks/${hook.id}`;
      for (const [method, url] of [
        ["GET", `/stores/${storeId}/webhooks`],
        ["GET", path],
        ["PATCH", path],
        ["DELETE", path],
        ["GET", `/webhooks/${hook.id}/deliveries`],
        ["POST", `/webhooks/${hook.id}/deliveries/nope/redeliver`],
      ] as const) {
        const response = await app.call(method, url, { token: bob.token, body: method === "PATCH" ? {} : undefined });
        expect(response.statusCode, `${method} ${url}`).toBe(404);
      }
      const created = await app.call("POST", `/stores/${storeId}/webhooks`, {
        token: bob.token,
        body: { url: "https://example.com/x" },
      });
      expect(created.statusCode).toBe(404);
      // A webhook is reached only through its own store.
      const cross = await app.call("GET", `/stores/${otherStore}/webhooks/${hook.id}`, { token: alice.token });
      expect(cross.statusCode).toBe(404);
      expect((await app.call("GET", `/stores/${storeId}/webhooks`)).statusCode).toBe(401);
    });

    it("honours a token limited to one store, and asks for store_management", async () => {
      const storeId = await createStore(alice);
      const otherStore = await createStore(alice);
      const selective = await tokenWith(app, alice.token, [`store_management:${storeId}`]);
      const ok = await app.call("POST", `/stores/${storeId}/webhooks`, {
        token: selective,
        body: { url: "https://example.com/selective" },
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect((await app.call("GET", `/stores/${storeId}/webhooks`, { token: selective })).statusCode).toBe(200);
      const other = await app.call("GET", `/stores/${otherStore}/webhooks`, { token: selective });
      expect(other.statusCode).toBe(403);
      expect(other.json().detail).toContain("store_management");
      const unrelated = await tokenWith(app, alice.token, ["invoice_management"]);
      expect((await app.call("GET", `/stores/${storeId}/webhooks`, { token: unrelated })).statusCode).toBe(403);
    });
  });

  describe("delivery", () => {
    it("queues events in the caller's transaction, only for enabled webhooks subscribed to them", async () => {
      const storeId = await createStore(alice);
      const all = await createWebhook(alice, storeId, { url: receiver.url("/fanout-all") });
      const paidOnly = await createWebhook(alice, storeId, {
        url: receiver.url("/fanout-paid"),
        event_types: ["invoice.paid"],
      });
      const disabled = await createWebhook(alice, storeId, { url: receiver.url("/fanout-off"), enabled: false });
      await expect(
        app.till.db.transaction(async () => {
          await app.till.services.webhooks.emitEvent(storeId, "invoice.paid", { id: "X" }, { orderingKey: "X" });
          throw new Error("the invoice update failed");
        }),
      ).rejects.toThrow("the invoice update failed");
      expect(await webhookJobs(all.id)).toHaveLength(0);

      const created = await emit(storeId, "invoice.created", { id: "X" }, "X");
      const paid = await emit(storeId, "invoice.paid", { id: "X" }, "X");
      expect(created.webhooks).toBe(1);
      expect(paid.webhooks).toBe(2);
      await waitFor(() => receiver.to("/fanout-all").length === 2 && receiver.to("/fanout-paid").length === 1, {
        what: "the deliveries",
      });
      expect(receiver.to("/fanout-all").map((r) => JSON.parse(r.body).type)).toEqual([
        "invoice.created",
        "invoice.paid",
      ]);
      expect(JSON.parse(receiver.to("/fanout-paid")[0]!.body).id).toBe(paid.eventId);
      expect(receiver.to("/fanout-off")).toHaveLength(0);
      expect(await webhookJobs(disabled.id)).toHaveLength(0);
      expect(await webhookJobs(paidOnly.id)).toHaveLength(1);
    });

    it("signs the exact body with the webhook's secret and sends the event headers", async () => {
      const storeId = await createStore(alice);
      const hook = await createWebhook(alice, storeId, { url: receiver.url("/signed") });
      const invoice = { id: "INV-SIG", status: "paid", price: "12.50", note: "ünïcödé ✓" };
      const { eventId } = await emit(storeId, "invoice.paid", invoice, invoice.id);
      const [request] = await waitFor(() => (receiver.to("/signed").length ? receiver.to("/signed") : false), {
        what: "the signed delivery",
      });
      const body = JSON.parse(request!.body);
      expect(body).toEqual({
        id: eventId,
        type: "invoice.paid",
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        store_id: storeId,
        data: invoice,
      });
      expect(request!.headers["till-sig"]).toBe(expectedSignature(hook.secret, request!.body));
      expect(request!.headers["till-sig"]).not.toBe(expectedSignature("some-other-secret", request!.body));
      expect(request!.headers["till-event-id"]).toBe(eventId);
      expect(request!.headers["till-event-type"]).toBe("invoice.paid");
      expect(request!.headers["user-agent"]).toBe("Till");
      expect(request!.headers["content-type"]).toBe("application/json");
    });

    it("logs every attempt, retries a failing receiver until it recovers, and redelivers on request", async () => {
      const storeId = await createStore(alice);
      receiver.on("/flaky", (_request, index) =>
        index === 0 ? { status: 500, body: "database down" } : { status: 200, body: "got it" },
      );
      const hook = await createWebhook(alice, storeId, { url: receiver.url("/flaky") });
      const { eventId } = await emit(storeId, "invoice.complete", { id: "INV-RETRY" }, "INV-RETRY");

      // The first attempt fails and is logged; the job waits for its retry (10 to 20 s away).
      const first = await waitFor(async () => ((await deliveries(hook.id)).count === 1 ? deliveries(hook.id) : false), {
        what: "the first attempt",
      });
      expect(first.result[0]).toMatchObject({
        webhook_id: hook.id,
        event_id: eventId,
        event_type: "invoice.complete",
        attempt: 1,
        status: "http_error",
        response_status: 500,
        response_body: "database down",
        error: "HTTP 500",
        redelivery_of: null,
      });
      expect(first.result[0].duration_ms).toBeGreaterThanOrEqual(0);
      const [job] = await waitFor(
        async () => {
          const jobs = await webhookJobs(hook.id);
          return jobs[0]?.status === "queued" && jobs[0].attempts === 1 ? jobs : false;
        },
        { what: "the retry to be scheduled" },
      );
      const wait = Date.parse(job!.run_at) - Date.parse(job!.updated);
      expect(wait).toBeGreaterThanOrEqual(5_000);
      expect(wait).toBeLessThanOrEqual(10_000);
      expect(job!.max_attempts).toBe(34);
      // Bring the retry forward rather than wait for it.
      await app.till.db.kysely
        .updateTable("jobs")
        .set({ run_at: new Date().toISOString() })
        .where("id", "=", job!.id)
        .execute();
      app.till.services.jobs.nudge();
      const log = await waitFor(async () => ((await deliveries(hook.id)).count === 2 ? deliveries(hook.id) : false), {
        what: "the second attempt",
      });
      expect(log.result.map((d: { attempt: number; status: string }) => [d.attempt, d.status])).toEqual([
        [2, "success"],
        [1, "http_error"],
      ]);
      expect(log.result[0]).toMatchObject({ response_status: 200, response_body: "got it", error: null });
      expect(log.result[0].request_body).toBe(log.result[1].request_body);
      const requests = receiver.to("/flaky");
      expect(requests.map((r) => r.body)).toEqual([log.result[1].request_body, log.result[1].request_body]);
      expect(requests[1]!.headers["till-sig"]).toBe(expectedSignature(hook.secret, requests[1]!.body));

      const page = await deliveries(hook.id, "?limit=1&offset=0");
      expect(page.count).toBe(2);
      expect(page.result).toHaveLength(1);
      expect(page.result[0].attempt).toBe(2);
      expect(page.next).toContain("offset=1");

      const redelivered = await app.call("POST", `/webhooks/${hook.id}/deliveries/${log.result[1].id}/redeliver`, {
        token: alice.token,
      });
      expect(redelivered.statusCode, redelivered.body).toBe(200);
      expect(redelivered.json()).toMatchObject({
        event_id: eventId,
        redelivery_of: log.result[1].id,
        status: "queued",
      });
      const after = await waitFor(async () => ((await deliveries(hook.id)).count === 3 ? deliveries(hook.id) : false), {
        what: "the redelivery",
      });
      expect(after.result[0]).toMatchObject({
        attempt: 1,
        status: "success",
        event_id: eventId,
        redelivery_of: log.result[1].id,
        request_body: log.result[1].request_body,
      });
      const third = receiver.to("/flaky")[2]!;
      expect(third.body).toBe(log.result[1].request_body);
      expect(third.headers["till-sig"]).toBe(expectedSignature(hook.secret, third.body));
      expect(third.headers["till-event-id"]).toBe(eventId);

      const missing = await app.call("POST", `/webhooks/${hook.id}/deliveries/NOPE/redeliver`, { token: alice.token });
      expect(missing.statusCode).toBe(404);
    });

    it("signs with the current secret after a rotation", async () => {
      const storeId = await createStore(alice);
      const hook = await createWebhook(alice, storeId, { url: receiver.url("/rotated"), enabled: false });
      const rotated = await app.call("PATCH", `/stores/${storeId}/webhooks/${hook.id}`, {
        token: alice.token,
        body: { rotate_secret: true, enabled: true },
      });
      await emit(storeId, "invoice.paid", { id: "INV-ROT" });
      const [request] = await waitFor(() => (receiver.to("/rotated").length ? receiver.to("/rotated") : false), {
        what: "the delivery",
      });
      expect(request!.headers["till-sig"]).toBe(expectedSignature(rotated.json().secret, request!.body));
    });

    it("delivers one invoice's events to a webhook in order", async () => {
      const storeId = await createStore(alice);
      receiver.on("/ordered", (_request, index) => (index === 0 ? { status: 503 } : { status: 200 }));
      const hook = await createWebhook(alice, storeId, { url: receiver.url("/ordered") });
      await emit(storeId, "invoice.created", { id: "INV-ORD" }, "INV-ORD");
      await emit(storeId, "invoice.paid", { id: "INV-ORD" }, "INV-ORD");
      await emit(storeId, "invoice.complete", { id: "INV-ORD" }, "INV-ORD");
      const [first] = await waitFor(
        async () => {
          const jobs = await webhookJobs(hook.id);
          return jobs[0]?.status === "queued" && jobs[0].attempts === 1 ? jobs : false;
        },
        { what: "the first event to wait for its retry" },
      );
      // While the first event waits for its retry, the later ones wait behind it.
      expect(receiver.to("/ordered")).toHaveLength(1);
      await app.till.db.kysely
        .updateTable("jobs")
        .set({ run_at: new Date().toISOString() })
        .where("id", "=", first!.id)
        .execute();
      app.till.services.jobs.nudge();
      await waitFor(() => receiver.to("/ordered").length === 4, { what: "all deliveries" });
      expect(receiver.to("/ordered").map((r) => JSON.parse(r.body).type)).toEqual([
        "invoice.created",
        "invoice.created",
        "invoice.paid",
        "invoice.complete",
      ]);
    });

    it("does not follow a redirect and does not retry it", async () => {
      const storeId = await createStore(alice);
      receiver.on("/redirecting", () => ({ status: 307, headers: { location: receiver.url("/elsewhere") } }));
      const hook = await createWebhook(alice, storeId, { url: receiver.url("/redirecting") });
      await emit(storeId, "invoice.paid", { id: "INV-RED" });
      const [job] = await waitFor(
        async () => {
          const jobs = await webhookJobs(hook.id);
          return jobs[0]?.status === "dead" ? jobs : false;
        },
        { what: "the delivery to be given up" },
      );
      expect(job!.attempts).toBe(1);
      const log = await deliveries(hook.id);
      expect(log.result[0]).toMatchObject({ status: "http_error", response_status: 307 });
      expect(log.result[0].error).toContain("redirects are not followed");
      expect(receiver.to("/elsewhere")).toHaveLength(0);
    });

    it("drops queued deliveries of a webhook that was disabled or deleted meanwhile", async () => {
      const storeId = await createStore(alice);
      const hook = await createWebhook(alice, storeId, { url: receiver.url("/dropped") });
      await app.till.services.jobs.stop();
      try {
        await emit(storeId, "invoice.paid", { id: "INV-DROP" });
        await app.call("PATCH", `/stores/${storeId}/webhooks/${hook.id}`, {
          token: alice.token,
          body: { enabled: false },
        });
      } finally {
        app.till.services.jobs.start();
      }
      await waitFor(async () => (await webhookJobs(hook.id))[0]?.status === "done", { what: "the job to finish" });
      expect(receiver.to("/dropped")).toHaveLength(0);
      expect((await deliveries(hook.id)).count).toBe(0);
    });
  });
});

describe("webhooks without TILL_ALLOW_PRIVATE_WEBHOOKS", () => {
  let app: TestApp;
  let user: User;
  let storeId: string;

  beforeAll(async () => {
    app = await createTestApp();
    user = await registerUser(app);
    storeId = (await app.call("POST", "/stores", { token: user.token, body: { name: "Shop", wallets: [] } })).json().id;
  });
  afterAll(() => app.close());

  it.each([
    "http://127.0.0.1:8080/hook",
    "http://10.0.0.7/hook",
    "http://[::1]:8080/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://[::ffff:127.0.0.1]/hook",
    "http://192.168.1.10/hook",
    "http://localhost:3000/hook",
  ])("refuses the URL %s", async (url) => {
    const response = await app.call("POST", `/stores/${storeId}/webhooks`, { token: user.token, body: { url } });
    expect(response.statusCode).toBe(422);
    expect(response.json().detail[0].loc).toEqual(["body", "url"]);
    expect(response.json().detail[0].msg).toContain("TILL_ALLOW_PRIVATE_WEBHOOKS");
  });

  it("accepts a public URL, and refuses a private one on update too", async () => {
    const created = await app.call("POST", `/stores/${storeId}/webhooks`, {
      token: user.token,
      body: { url: "https://merchant.example/till" },
    });
    expect(created.statusCode).toBe(200);
    const patched = await app.call("PATCH", `/stores/${storeId}/webhooks/${created.json().id}`, {
      token: user.token,
      body: { url: "http://10.1.1.1/" },
    });
    expect(patched.statusCode).toBe(422);
  });
});
