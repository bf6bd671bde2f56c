import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, registerUser, type TestApp, tokenWith } from "./helpers/test-app.ts";

type User = Awaited<ReturnType<typeof registerUser>>;

describe("templates", () => {
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
    const response = await app.call("POST", "/templates", {
      token: user.token,
      body: { name: "notification", text: "Paid: {{ invoice.id }}", ...body },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  it("creates a template with 200 and gets it back", async () => {
    const template = await create(alice, { name: "shop", metadata: { lang: "en" } });
    expect(template).toMatchObject({
      user_id: alice.id,
      name: "shop",
      text: "Paid: {{ invoice.id }}",
      metadata: { lang: "en" },
    });
    expect((await app.call("GET", `/templates/${template.id}`, { token: alice.token })).json()).toEqual(template);
  });

  it("refuses a name the user already has with 422 naming `name`, but other users may reuse it", async () => {
    await create(alice, { name: "taken" });
    const again = await app.call("POST", "/templates", { token: alice.token, body: { name: "taken", text: "x" } });
    expect(again.statusCode).toBe(422);
    expect(again.json().detail).toEqual([
      { loc: ["body", "name"], msg: "Template with this name already exists", type: "unique" },
    ]);
    const padded = await app.call("POST", "/templates", { token: alice.token, body: { name: "  taken ", text: "x" } });
    expect(padded.statusCode).toBe(422);
    expect((await create(bob, { name: "taken" })).user_id).toBe(bob.id);
  });

  it("answers 422, not 500, when concurrent creates race for one name", async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        app.call("POST", "/templates", { token: alice.token, body: { name: "raced", text: "x" } }),
      ),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 422, 422, 422, 422, 422]);
    for (const response of responses.filter((r) => r.statusCode === 422)) {
      expect(response.json().detail[0].loc).toEqual(["body", "name"]);
    }
    expect((await app.call("GET", "/templates/count?query=name:raced", { token: alice.token })).json()).toBe(1);
  });

  it("edits, refusing a rename onto a taken name, and deletes", async () => {
    const first = await create(alice, { name: "first", text: "one" });
    await create(alice, { name: "second", text: "two" });
    const edited = await app.call("PATCH", `/templates/${first.id}`, { token: alice.token, body: { text: "uno" } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ name: "first", text: "uno" });
    const sameName = await app.call("PATCH", `/templates/${first.id}`, {
      token: alice.token,
      body: { name: "first", text: "eins" },
    });
    expect(sameName.statusCode).toBe(200);
    const clash = await app.call("PATCH", `/templates/${first.id}`, { token: alice.token, body: { name: "second" } });
    expect(clash.statusCode).toBe(422);
    expect(clash.json().detail[0].loc).toEqual(["body", "name"]);
    const renamed = await app.call("PATCH", `/templates/${first.id}`, {
      token: alice.token,
      body: { name: "primero" },
    });
    expect(renamed.json()).toMatchObject({ name: "primero", text: "eins" });

    expect((await app.call("DELETE", `/templates/${first.id}`, { token: alice.token })).statusCode).toBe(200);
    expect((await app.call("GET", `/templates/${first.id}`, { token: alice.token })).statusCode).toBe(404);
    expect((await create(alice, { name: "primero" })).name).toBe("primero");
  });

  it("limits text to 100 KB and requires name and text", async () => {
    const limit = 100 * 1024;
    expect((await create(alice, { name: "big", text: "a".repeat(limit) })).text).toHaveLength(limit);
    const tooBig = await app.call("POST", "/templates", {
      token: alice.token,
      body: { name: "too-big", text: "a".repeat(limit + 1) },
    });
    expect(tooBig.statusCode).toBe(422);
    expect(tooBig.json().detail[0].loc).toEqual(["body", "text"]);
    const multiByte = await app.call("POST", "/templates", {
      token: alice.token,
      body: { name: "wide", text: "€".repeat(40_000) },
    });
    expect(multiByte.statusCode).toBe(422);
    const missing = await app.call("POST", "/templates", { token: alice.token, body: { name: "no-text" } });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().detail).toContainEqual(expect.objectContaining({ loc: ["body", "text"], type: "missing" }));
    const blankName = await app.call("POST", "/templates", { token: alice.token, body: { name: " ", text: "x" } });
    expect(blankName.statusCode).toBe(422);
    expect(blankName.json().detail[0].loc).toEqual(["body", "name"]);
  });

  it("keeps users apart and requires the template_management scope", async () => {
    const template = await create(alice, { name: "private" });
    expect((await app.call("GET", `/templates/${template.id}`, { token: bob.token })).statusCode).toBe(404);
    expect(
      (await app.call("PATCH", `/templates/${template.id}`, { token: bob.token, body: { text: "x" } })).statusCode,
    ).toBe(404);
    expect((await app.call("DELETE", `/templates/${template.id}`, { token: bob.token })).statusCode).toBe(404);
    const bobList = await app.call("GET", "/templates?limit=-1", { token: bob.token });
    expect(bobList.json().result.map((t: { id: string }) => t.id)).not.toContain(template.id);
    const wrongScope = await tokenWith(app, alice.token, ["store_management"]);
    expect((await app.call("GET", "/templates", { token: wrongScope })).statusCode).toBe(403);
  });

  it("lists, counts, searches and batch-deletes", async () => {
    const user = await registerUser(app);
    const a = await create(user, { name: "product", text: "{{ product.name }} x {{ quantity }}" });
    const b = await create(user, { name: "shop", text: "Thanks for shopping", metadata: { lang: "en" } });
    const c = await create(user, { name: "notification", text: "Invoice paid" });
    expect((await app.call("GET", "/templates/count", { token: user.token })).json()).toBe(3);
    const ids = async (query: string) =>
      (await app.call("GET", `/templates?limit=-1&query=${encodeURIComponent(query)}`, { token: user.token }))
        .json()
        .result.map((t: { id: string }) => t.id)
        .sort();
    expect(await ids("quantity")).toEqual([a.id]);
    expect(await ids("name:shop")).toEqual([b.id]);
    expect(await ids("metadata.lang:en")).toEqual([b.id]);
    const auto = await app.call("GET", "/templates?autocomplete=true&limit=-1&query=notif", { token: user.token });
    expect(auto.json().result).toEqual([{ id: c.id, name: "notification" }]);

    const batch = await app.call("POST", "/templates/batch", {
      token: user.token,
      body: { ids: [a.id, b.id], command: "delete" },
    });
    expect(batch.json()).toBe(true);
    expect((await app.call("GET", "/templates?limit=-1", { token: user.token })).json()).toMatchObject({
      count: 1,
      result: [{ id: c.id }],
    });
  });

  it("lists Bitcart's template names publicly, filtered by what they apply to", async () => {
    const names = async (query: string) => {
      const response = await app.call("GET", `/templates/list${query}`);
      expect(response.statusCode).toBe(200);
      return response.json();
    };
    const store = await names("?applicable_to=store");
    expect(store).toEqual({
      templates: ["notification", "shop", "customer_refund", "merchant_refund_notify"],
      count: 4,
      next: null,
      previous: null,
      result: ["notification", "shop", "customer_refund", "merchant_refund_notify"],
    });
    expect((await names("?applicable_to=product")).templates).toEqual(["product"]);
    expect((await names("?applicable_to=global")).templates).toEqual(["forgotpassword", "verifyemail", "syncinfo"]);
    expect(await names("?applicable_to=nothing")).toMatchObject({ templates: [], count: 0, result: [] });
    expect(await names("?applicable_to=constructor")).toMatchObject({ templates: [], result: [] });
    const all = await names("?show_all=true");
    expect(all.templates).toEqual([
      "notification",
      "product",
      "shop",
      "customer_refund",
      "merchant_refund_notify",
      "forgotpassword",
      "verifyemail",
      "syncinfo",
    ]);
    expect(all.result).toEqual(all.templates);
    const grouped = await names("");
    expect(grouped.result).toEqual({
      store: ["notification", "shop", "customer_refund", "merchant_refund_notify"],
      product: ["product"],
      global: ["forgotpassword", "verifyemail", "syncinfo"],
    });
    expect(grouped.templates).toHaveLength(8);
    expect((await app.call("GET", "/templates/list?show_all=maybe")).statusCode).toBe(422);
  });
});
