import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, registerUser, type TestApp, tokenWith } from "./helpers/test-app.ts";

type User = Awaited<ReturnType<typeof registerUser>>;

describe("discounts", () => {
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
    const response = await app.call("POST", "/discounts", {
      token: user.token,
      body: { name: "Spring sale", percent: 10, end_date: "2030-04-01T12:00:00Z", ...body },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  it("creates a discount with defaults and answers Bitcart's shape with 200", async () => {
    const discount = await create(alice);
    expect(discount).toMatchObject({
      user_id: alice.id,
      name: "Spring sale",
      percent: 10,
      end_date: "2030-04-01T12:00:00.000Z",
      description: "",
      promocode: "",
      currencies: "",
      metadata: {},
    });
    expect(typeof discount.id).toBe("string");
    expect(typeof discount.created).toBe("string");
  });

  it("accepts numbers as strings, normalises currencies and stores end dates as UTC", async () => {
    const discount = await create(alice, {
      percent: "25",
      end_date: "2030-04-01T14:30:00+02:00",
      currencies: " BTC, ltc ,,btc ",
      promocode: "SPRING",
    });
    expect(discount).toMatchObject({
      percent: 25,
      end_date: "2030-04-01T12:30:00.000Z",
      currencies: "btc,ltc",
      promocode: "SPRING",
    });
    const row = await app.till.db.kysely
      .selectFrom("discounts")
      .select("end_date")
      .where("id", "=", discount.id)
      .executeTakeFirstOrThrow();
    expect(row.end_date).toBe("2030-04-01T12:30:00.000Z");
    expect((await create(alice, { end_date: "2030-05-06" })).end_date).toBe("2030-05-06T00:00:00.000Z");
    expect((await create(alice, { end_date: "2030-05-06 08:15" })).end_date).toBe("2030-05-06T08:15:00.000Z");
    expect((await create(alice, { end_date: 1_900_000_000 })).end_date).toBe("2030-03-17T17:46:40.000Z");
  });

  it("refuses invalid values with 422 naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ percent: 0 }, "percent"],
      [{ percent: 101 }, "percent"],
      [{ percent: "ten" }, "percent"],
      [{ percent: 12.5 }, "percent"],
      [{ end_date: "tomorrow" }, "end_date"],
      [{ end_date: "2030-02-30T00:00:00Z" }, "end_date"],
      [{ end_date: "2030-01-01T25:00:00Z" }, "end_date"],
      [{ end_date: true }, "end_date"],
      [{ currencies: "btc,no way" }, "currencies"],
      [{ name: "" }, "name"],
    ];
    for (const [body, field] of cases) {
      const response = await app.call("POST", "/discounts", {
        token: alice.token,
        body: { name: "Bad", percent: 5, end_date: "2030-01-01T00:00:00Z", ...body },
      });
      expect(response.statusCode, JSON.stringify(body)).toBe(422);
      expect(
        response.json().detail.map((d: { loc: unknown }) => d.loc),
        JSON.stringify(body),
      ).toContainEqual(["body", field]);
    }
    const missing = await app.call("POST", "/discounts", { token: alice.token, body: { name: "No date", percent: 5 } });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().detail).toContainEqual(
      expect.objectContaining({ loc: ["body", "end_date"], type: "missing" }),
    );
  });

  it("gets, edits and deletes, keeping what a PATCH does not send", async () => {
    const discount = await create(alice, { description: "Ten off", metadata: { campaign: "spring" } });
    const fetched = await app.call("GET", `/discounts/${discount.id}`, { token: alice.token });
    expect(fetched.json()).toEqual(discount);
    const edited = await app.call("PATCH", `/discounts/${discount.id}`, {
      token: alice.token,
      body: { percent: "15", end_date: "2031-01-01T00:00:00Z" },
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({
      percent: 15,
      end_date: "2031-01-01T00:00:00.000Z",
      description: "Ten off",
      metadata: { campaign: "spring" },
    });
    const invalid = await app.call("PATCH", `/discounts/${discount.id}`, {
      token: alice.token,
      body: { percent: 200 },
    });
    expect(invalid.statusCode).toBe(422);
    const removed = await app.call("DELETE", `/discounts/${discount.id}`, { token: alice.token });
    expect(removed.statusCode).toBe(200);
    expect(removed.json().id).toBe(discount.id);
    expect((await app.call("GET", `/discounts/${discount.id}`, { token: alice.token })).statusCode).toBe(404);
  });

  it("keeps users apart and requires the discount_management scope", async () => {
    const discount = await create(alice, { name: "Private" });
    expect((await app.call("GET", `/discounts/${discount.id}`, { token: bob.token })).statusCode).toBe(404);
    expect(
      (await app.call("PATCH", `/discounts/${discount.id}`, { token: bob.token, body: { percent: 50 } })).statusCode,
    ).toBe(404);
    expect((await app.call("DELETE", `/discounts/${discount.id}`, { token: bob.token })).statusCode).toBe(404);
    const bobList = await app.call("GET", "/discounts?limit=-1", { token: bob.token });
    expect(bobList.json().result.map((d: { id: string }) => d.id)).not.toContain(discount.id);
    const storeOnly = await tokenWith(app, alice.token, ["store_management"]);
    const refused = await app.call("GET", "/discounts", { token: storeOnly });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toContain("discount_management");
    const scoped = await tokenWith(app, alice.token, ["discount_management"]);
    expect((await app.call("GET", `/discounts/${discount.id}`, { token: scoped })).statusCode).toBe(200);
  });

  it("lists, counts, searches, sorts and batch-deletes", async () => {
    const user = await registerUser(app);
    const a = await create(user, { name: "Black Friday", percent: 50, promocode: "BF50" });
    const b = await create(user, { name: "Welcome", percent: 5, currencies: "btc" });
    const c = await create(user, { name: "Friends", percent: 20, metadata: { channel: "email" } });

    const page = await app.call("GET", "/discounts?limit=2", { token: user.token });
    expect(page.json()).toMatchObject({ count: 3, previous: null });
    expect(page.json().result).toHaveLength(2);
    expect((await app.call("GET", "/discounts/count", { token: user.token })).json()).toBe(3);

    const ids = async (query: string) =>
      (await app.call("GET", `/discounts?limit=-1&query=${encodeURIComponent(query)}`, { token: user.token }))
        .json()
        .result.map((d: { id: string }) => d.id)
        .sort();
    expect(await ids("fri")).toEqual([a.id, c.id].sort());
    expect(await ids("percent:5")).toEqual([b.id]);
    expect(await ids("percent:abc")).toEqual([]);
    expect(await ids("percent:99999999999999")).toEqual([]);
    expect(await ids("promocode:BF50")).toEqual([a.id]);
    expect(await ids("metadata.channel:email")).toEqual([c.id]);
    expect((await app.call("GET", "/discounts/count?query=percent:abc", { token: user.token })).json()).toBe(0);

    const sorted = await app.call("GET", "/discounts?limit=-1&sort=percent&desc=true", { token: user.token });
    expect(sorted.json().result.map((d: { percent: number }) => d.percent)).toEqual([50, 20, 5]);

    const batch = await app.call("POST", "/discounts/batch", {
      token: user.token,
      body: { ids: [a.id, b.id], command: "delete" },
    });
    expect(batch.json()).toBe(true);
    const left = await app.call("GET", "/discounts?limit=-1", { token: user.token });
    expect(left.json().result.map((d: { id: string }) => d.id)).toEqual([c.id]);
  });
});
