import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, registerUser, type TestApp, tokenWith } from "./helpers/test-app.ts";

type User = Awaited<ReturnType<typeof registerUser>>;

describe("notifications", () => {
  let app: TestApp;
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    app = await createTestApp();
    alice = await registerUser(app);
    bob = await registerUser(app);
  });
  afterAll(() => app.close());

  const create = async (user: User, body: Record<string, unknown> = {}) => {
    const response = await app.call("POST", "/notifications", {
      token: user.token,
      body: { name: "Alerts", provider: "Telegram", data: { chat_id: "12345" }, ...body },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  const storedData = async (id: string) => {
    const row = await app.till.db.kysely
      .selectFrom("notifications")
      .select("data")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    return { raw: row.data, data: JSON.parse(row.data) as Record<string, string> };
  };

  it("creates a record in Bitcart's DisplayNotification shape with 200", async () => {
    const notification = await create(alice);
    expect(notification).toMatchObject({
      user_id: alice.id,
      name: "Alerts",
      provider: "Telegram",
      data: { chat_id: "12345" },
      secrets_set: [],
      error: false,
      metadata: {},
    });
    expect(typeof notification.id).toBe("string");
  });

  it("stores the provider in its canonical spelling and refuses unknown providers", async () => {
    expect((await create(alice, { provider: "DISCORD" })).provider).toBe("Discord");
    expect((await create(alice, { provider: " ntfy " })).provider).toBe("Ntfy");
    for (const provider of [
      "Telegram",
      "Discord",
      "Slack",
      "Matrix",
      "Ntfy",
      "Gotify",
      "Pushover",
      "Email",
      "Webhook",
    ]) {
      expect((await create(alice, { provider: provider.toLowerCase() })).provider).toBe(provider);
    }
    const unknown = await app.call("POST", "/notifications", {
      token: alice.token,
      body: { name: "x", provider: "carrier-pigeon", data: {} },
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().detail[0].loc).toEqual(["body", "provider"]);
    const missing = await app.call("POST", "/notifications", { token: alice.token, body: { provider: "Slack" } });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().detail).toContainEqual(expect.objectContaining({ loc: ["body", "name"], type: "missing" }));
    const badData = await app.call("POST", "/notifications", {
      token: alice.token,
      body: { name: "x", provider: "Slack", data: ["a"] },
    });
    expect(badData.statusCode).toBe(422);
    expect(badData.json().detail[0].loc).toEqual(["body", "data"]);
    const badSecret = await app.call("POST", "/notifications", {
      token: alice.token,
      body: { name: "x", provider: "Telegram", data: { bot_token: { nested: true } } },
    });
    expect(badSecret.statusCode).toBe(422);
    expect(badSecret.json().detail[0].loc).toEqual(["body", "data", "bot_token"]);
  });

  it("seals secrets in data at rest and answers them blank with secrets_set", async () => {
    const notification = await create(alice, {
      provider: "Webhook",
      data: {
        url: "https://hooks.example.com/T0K3N",
        bot_token: "123:abc",
        api_key: 42,
        password: "",
        method: "POST",
        retries: 3,
      },
    });
    expect(notification.data).toEqual({
      url: "",
      bot_token: "",
      api_key: "",
      password: "",
      method: "POST",
      retries: 3,
    });
    expect(notification.secrets_set.sort()).toEqual(["api_key", "bot_token", "url"]);

    const { raw, data } = await storedData(notification.id);
    expect(raw).not.toContain("T0K3N");
    expect(raw).not.toContain("123:abc");
    expect(data.url).toMatch(/^enc:v1:/);
    expect(data.bot_token).toMatch(/^enc:v1:/);
    expect(data.api_key).toMatch(/^enc:v1:/);
    expect(data.password).toBe("");
    expect(data.method).toBe("POST");

    const list = await app.call("GET", "/notifications?limit=-1", { token: alice.token });
    expect(list.body).not.toContain("T0K3N");
    expect(list.body).not.toContain("enc:v1:");
  });

  it("keeps a stored secret when a PATCH sends it blank, replaces it when given, clears it with null", async () => {
    const notification = await create(alice, { data: { chat_id: "1", bot_token: "first-token" } });
    const before = (await storedData(notification.id)).data.bot_token;

    const resent = await app.call("PATCH", `/notifications/${notification.id}`, {
      token: alice.token,
      body: { ...notification, data: { ...notification.data, chat_id: "2" } },
    });
    expect(resent.statusCode).toBe(200);
    expect(resent.json()).toMatchObject({ data: { chat_id: "2", bot_token: "" }, secrets_set: ["bot_token"] });
    expect((await storedData(notification.id)).data.bot_token).toBe(before);

    const renamed = await app.call("PATCH", `/notifications/${notification.id}`, {
      token: alice.token,
      body: { name: "Renamed" },
    });
    expect(renamed.json()).toMatchObject({ name: "Renamed", data: { chat_id: "2" }, secrets_set: ["bot_token"] });

    const replaced = await app.call("PATCH", `/notifications/${notification.id}`, {
      token: alice.token,
      body: { data: { chat_id: "2", bot_token: "second-token" } },
    });
    expect(replaced.json().secrets_set).toEqual(["bot_token"]);
    const after = (await storedData(notification.id)).data.bot_token;
    expect(after).toMatch(/^enc:v1:/);
    expect(after).not.toBe(before);

    const cleared = await app.call("PATCH", `/notifications/${notification.id}`, {
      token: alice.token,
      body: { data: { chat_id: "2", bot_token: null } },
    });
    expect(cleared.json()).toMatchObject({ data: { chat_id: "2", bot_token: "" }, secrets_set: [] });
    expect((await storedData(notification.id)).data.bot_token).toBe("");

    const provider = await app.call("PATCH", `/notifications/${notification.id}`, {
      token: alice.token,
      body: { provider: "slack" },
    });
    expect(provider.json().provider).toBe("Slack");
    const invalid = await app.call("PATCH", `/notifications/${notification.id}`, {
      token: alice.token,
      body: { provider: "fax" },
    });
    expect(invalid.statusCode).toBe(422);
  });

  it("gets and deletes, and keeps users apart", async () => {
    const notification = await create(alice, { name: "Mine" });
    expect((await app.call("GET", `/notifications/${notification.id}`, { token: alice.token })).json()).toEqual(
      notification,
    );
    expect((await app.call("GET", `/notifications/${notification.id}`, { token: bob.token })).statusCode).toBe(404);
    expect(
      (await app.call("PATCH", `/notifications/${notification.id}`, { token: bob.token, body: { name: "x" } }))
        .statusCode,
    ).toBe(404);
    expect((await app.call("DELETE", `/notifications/${notification.id}`, { token: bob.token })).statusCode).toBe(404);
    const bobList = await app.call("GET", "/notifications?limit=-1", { token: bob.token });
    expect(bobList.json().result.map((n: { id: string }) => n.id)).not.toContain(notification.id);
    const wrongScope = await tokenWith(app, alice.token, ["store_management"]);
    expect((await app.call("GET", "/notifications", { token: wrongScope })).statusCode).toBe(403);

    const removed = await app.call("DELETE", `/notifications/${notification.id}`, { token: alice.token });
    expect(removed.statusCode).toBe(200);
    expect((await app.call("GET", `/notifications/${notification.id}`, { token: alice.token })).statusCode).toBe(404);
  });

  it("lists the provider names publicly", async () => {
    const response = await app.call("GET", "/notifications/list");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      count: 9,
      next: null,
      previous: null,
      result: ["Telegram", "Discord", "Slack", "Matrix", "Ntfy", "Gotify", "Pushover", "Email", "Webhook"],
    });
  });

  it("lists, counts, searches and batch-deletes", async () => {
    const user = await registerUser(app);
    const a = await create(user, { name: "Ops Telegram", provider: "Telegram" });
    const b = await create(user, { name: "Ops Discord", provider: "Discord", metadata: { team: "ops" } });
    const c = await create(user, { name: "Sales mail", provider: "Email" });

    expect((await app.call("GET", "/notifications/count", { token: user.token })).json()).toBe(3);
    const ids = async (query: string) =>
      (await app.call("GET", `/notifications?limit=-1&query=${encodeURIComponent(query)}`, { token: user.token }))
        .json()
        .result.map((n: { id: string }) => n.id)
        .sort();
    expect(await ids("ops")).toEqual([a.id, b.id].sort());
    expect(await ids("provider:Email")).toEqual([c.id]);
    expect(await ids("metadata.team:ops")).toEqual([b.id]);

    const batch = await app.call("POST", "/notifications/batch", {
      token: user.token,
      body: { ids: [a.id, c.id], command: "delete" },
    });
    expect(batch.json()).toBe(true);
    expect((await app.call("GET", "/notifications?limit=-1", { token: user.token })).json()).toMatchObject({
      count: 1,
      result: [{ id: b.id }],
    });
  });

  it("unlinks a deleted notification from its stores", async () => {
    const notification = await create(alice);
    const store = await app.call("POST", "/stores", {
      token: alice.token,
      body: { name: "S", wallets: [], notifications: [notification.id] },
    });
    expect(store.json().notifications).toEqual([notification.id]);
    await app.call("DELETE", `/notifications/${notification.id}`, { token: alice.token });
    expect((await app.call("GET", `/stores/${store.json().id}`, { token: alice.token })).json().notifications).toEqual(
      [],
    );
  });
});
