import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, registerUser, type TestApp, tokenWith } from "./helpers/test-app.ts";

describe("users and tokens", () => {
  let app: TestApp;
  let admin: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    app = await createTestApp();
    admin = await registerUser(app, "Admin@Example.com", "s3cret-password");
  });
  afterAll(() => app.close());

  it("makes the first registered user a superuser and answers Bitcart's user shape", async () => {
    expect(admin.isSuperuser).toBe(true);
    const me = await app.call("GET", "/users/me", { token: admin.token });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      email: "admin@example.com",
      is_superuser: true,
      is_enabled: true,
      settings: { balance_currency: "USD", fetch_balance: true },
      metadata: {},
    });
    expect(me.json()).not.toHaveProperty("hashed_password");
  });

  it("makes later users ordinary users", async () => {
    const second = await registerUser(app);
    expect(second.isSuperuser).toBe(false);
  });

  it("refuses a taken email with Bitcart's users_email marker", async () => {
    const response = await app.call("POST", "/users", { body: { email: "admin@example.com", password: "x" } });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain("users_email");
  });

  it("logs in with email and password and answers Bitcart's token shape", async () => {
    const response = await app.call("POST", "/token", {
      body: { email: "admin@example.com", password: "s3cret-password", permissions: ["full_control"], strict: false },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      token_type: "bearer",
      tfa_required: false,
      tfa_code: null,
      tfa_types: [],
      permissions: ["full_control"],
    });
    expect(typeof body.access_token).toBe("string");
    expect(body.access_token).not.toBe(body.id);
  });

  it("answers login failures in Bitcart's detail {message, status} shape", async () => {
    const wrong = await app.call("POST", "/token", { body: { email: "admin@example.com", password: "nope" } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().detail).toEqual({ message: "Unauthorized", status: 401 });
    const unknown = await app.call("POST", "/token", { body: { email: "ghost@example.com", password: "nope" } });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().detail).toEqual({ message: "Unauthorized", status: 404 });
  });

  it("stores tokens only as hashes", async () => {
    const rows = await app.till.db.kysely.selectFrom("tokens").select(["id", "token_hash"]).execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.token_hash).not.toBe(admin.token);
    }
  });

  it("rejects requests without a valid token with 401", async () => {
    expect((await app.call("GET", "/users/me")).statusCode).toBe(401);
    expect((await app.call("GET", "/users/me", { token: "not-a-token" })).statusCode).toBe(401);
  });

  it("names the missing scope in a 403", async () => {
    const limited = await tokenWith(app, admin.token, ["store_management"]);
    const response = await app.call("GET", "/users/me", { token: limited });
    expect(response.statusCode).toBe(403);
    expect(response.json().detail).toContain("token_management");
  });

  it("only mints tokens with a subset of the caller's permissions", async () => {
    const limited = await tokenWith(app, admin.token, ["store_management", "token_management"]);
    const wider = await app.call("POST", "/token", { token: limited, body: { permissions: ["full_control"] } });
    expect(wider.statusCode).toBe(403);
    const narrower = await app.call("POST", "/token", {
      token: limited,
      body: { permissions: ["store_management:abc"] },
    });
    expect(narrower.statusCode).toBe(200);
    const invalid = await app.call("POST", "/token", { token: admin.token, body: { permissions: ["make_coffee"] } });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().detail).toBe("Invalid permission: make_coffee");
  });

  it("drops server_management for non-superusers unless strict", async () => {
    const user = await registerUser(app);
    const strict = await app.call("POST", "/token", {
      token: user.token,
      body: { permissions: ["server_management"] },
    });
    expect(strict.statusCode).toBe(422);
    const lax = await app.call("POST", "/token", {
      token: user.token,
      body: { permissions: ["server_management", "store_management"], strict: false },
    });
    expect(lax.statusCode).toBe(200);
    expect(lax.json().permissions).toEqual(["store_management"]);
  });

  it("lists, counts, edits and revokes the caller's own tokens only", async () => {
    const user = await registerUser(app);
    const extra = await tokenWith(app, user.token, ["token_management"]);
    const list = await app.call("GET", "/token?limit=-1", { token: user.token });
    expect(list.statusCode).toBe(200);
    expect(list.json().count).toBe(2);
    expect(list.json().result.every((t: { user_id: string }) => t.user_id === user.id)).toBe(true);
    const current = await app.call("GET", "/token/current", { token: extra });
    expect(current.json().permissions).toEqual(["token_management"]);
    const id = current.json().id;
    const edited = await app.call("PATCH", `/token/${id}`, {
      token: user.token,
      body: { redirect_url: "https://shop.example/cb" },
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().redirect_url).toBe("https://shop.example/cb");
    expect((await app.call("GET", `/token/${id}`, { token: admin.token })).statusCode).toBe(404);
    expect((await app.call("GET", "/token/count", { token: user.token })).json()).toBe(2);
    expect((await app.call("DELETE", `/token/${id}`, { token: user.token })).statusCode).toBe(200);
    expect((await app.call("GET", "/users/me", { token: extra })).statusCode).toBe(401);
  });

  it("changes the password and logs out other sessions", async () => {
    const user = await registerUser(app, undefined, "first-password");
    const other = await tokenWith(app, user.token, ["token_management"]);
    const changed = await app.call("POST", "/users/password", {
      token: user.token,
      body: { password: "second-password", logout_all: true },
    });
    expect(changed.statusCode).toBe(200);
    expect((await app.call("GET", "/users/me", { token: other })).statusCode).toBe(401);
    expect((await app.call("GET", "/users/me", { token: user.token })).statusCode).toBe(200);
    const login = await app.call("POST", "/token", { body: { email: user.email, password: "second-password" } });
    expect(login.statusCode).toBe(200);
  });

  it("lets only superusers manage users, and refuses disabled accounts", async () => {
    const user = await registerUser(app);
    expect((await app.call("GET", "/users", { token: user.token })).statusCode).toBe(403);
    const list = await app.call("GET", "/users?limit=-1", { token: admin.token });
    expect(list.statusCode).toBe(200);
    expect(list.json().result.map((u: { email: string }) => u.email)).toContain(user.email);
    const disabled = await app.call("PATCH", `/users/${user.id}`, { token: admin.token, body: { is_enabled: false } });
    expect(disabled.json().is_enabled).toBe(false);
    const refused = await app.call("GET", "/users/me", { token: user.token });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toBe("Account is disabled");
  });

  it("follows the disable_registration policy for anonymous callers but not for superusers", async () => {
    const policy = await app.call("POST", "/manage/policies", {
      token: admin.token,
      body: { disable_registration: true },
    });
    expect(policy.statusCode).toBe(200);
    const anonymous = await app.call("POST", "/users", { body: { email: "late@example.com", password: "pw" } });
    expect(anonymous.statusCode).toBe(422);
    expect(anonymous.json().detail).toBe("Registration disabled");
    const bySuperuser = await app.call("POST", "/users", {
      token: admin.token,
      body: { email: "staff@example.com", password: "pw", is_superuser: true },
    });
    expect(bySuperuser.statusCode).toBe(200);
    expect(bySuperuser.json().is_superuser).toBe(true);
    await app.call("POST", "/manage/policies", { token: admin.token, body: { disable_registration: false } });
  });

  it("reports per-user object counts", async () => {
    const stats = await app.call("GET", "/users/stats", { token: admin.token });
    expect(stats.statusCode).toBe(200);
    expect(stats.json()).toMatchObject({ stores: 0, products: 0, wallets: 0 });
  });
});

describe("first registration race", () => {
  it("never makes two simultaneous first registrations both superuser", async () => {
    const app = await createTestApp();
    try {
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          app.call("POST", "/users", { body: { email: `racer${i}@example.com`, password: "pw-pw-pw" } }),
        ),
      );
      const bodies = responses.map((r) => r.json());
      expect(responses.every((r) => r.statusCode === 200)).toBe(true);
      expect(bodies.filter((b) => b.is_superuser).length).toBe(1);
    } finally {
      await app.close();
    }
  });
});
