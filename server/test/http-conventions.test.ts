import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app/build-app.ts";
import { parseConfig } from "../src/config/load-config.ts";
import { createLogger } from "../src/kernel/logger.ts";
import { createTestApp, registerUser, type TestApp, tokenWith } from "./helpers/test-app.ts";
import { createTestDatabase } from "./helpers/test-db.ts";

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A pino destination that keeps every line in memory. */
function memoryStream() {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

describe("HTTP conventions", () => {
  let app: TestApp;
  let admin: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    app = await createTestApp();
    admin = await registerUser(app, "root@example.com", "root-password-1");
  });
  afterAll(() => app.close());

  describe("CORS", () => {
    it("answers a preflight with 204 and the allowed methods and headers", async () => {
      const response = await app.call("OPTIONS", "/users/me", {
        headers: {
          origin: "https://admin.example",
          "access-control-request-method": "PATCH",
          "access-control-request-headers": "authorization, content-type",
        },
      });
      expect(response.statusCode).toBe(204);
      expect(response.headers["access-control-allow-origin"]).toBe("*");
      const methods = String(response.headers["access-control-allow-methods"]).split(/,\s*/);
      expect(methods).toEqual(expect.arrayContaining(["GET", "POST", "PATCH", "DELETE"]));
      const headers = String(response.headers["access-control-allow-headers"]).toLowerCase().split(/,\s*/);
      expect(headers).toEqual(expect.arrayContaining(["authorization", "content-type"]));
      expect(Number(response.headers["access-control-max-age"])).toBeGreaterThan(0);
      expect(response.body).toBe("");
    });

    it("answers a preflight for a route that needs a token without asking for one", async () => {
      const response = await app.call("OPTIONS", "/token", {
        headers: { origin: "https://shop.example", "access-control-request-method": "POST" },
      });
      expect(response.statusCode).toBe(204);
    });

    it("adds the CORS headers to ordinary answers, errors included", async () => {
      const ok = await app.call("GET", "/health/live", { headers: { origin: "https://admin.example" } });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers["access-control-allow-origin"]).toBe("*");
      expect(String(ok.headers["access-control-expose-headers"])).toContain("x-request-id");
      const denied = await app.call("GET", "/users/me", { headers: { origin: "https://admin.example" } });
      expect(denied.statusCode).toBe(401);
      expect(denied.headers["access-control-allow-origin"]).toBe("*");
    });
  });

  describe("errors", () => {
    it("answers unknown routes with a JSON 404 {detail: 'Not Found'}", async () => {
      for (const [method, url] of [
        ["GET", "/no/such/route"],
        ["POST", "/no-such-route"],
        ["PUT", "/users/me"],
        ["GET", "/users/me/../../etc/passwd"],
      ] as const) {
        const response = await app.call(method, url, { token: admin.token });
        expect(response.statusCode, `${method} ${url}`).toBe(404);
        expect(response.headers["content-type"]).toContain("application/json");
        expect(response.json()).toEqual({ detail: "Not Found" });
      }
    });

    it("answers malformed JSON with a 422 in FastAPI's shape", async () => {
      for (const payload of ['{"email": "a@example.com",', "{bad}", "nul", ""]) {
        const response = await app.call("POST", "/users", {
          body: payload,
          headers: { "content-type": "application/json" },
        });
        expect(response.statusCode, JSON.stringify(payload)).toBe(422);
        const detail = response.json().detail;
        expect(Array.isArray(detail)).toBe(true);
        expect(detail[0].loc).toEqual(["body"]);
      }
    });

    it("answers a body of the wrong JSON type with a 422 naming the body", async () => {
      const response = await app.call("POST", "/users", {
        body: "[1, 2]",
        headers: { "content-type": "application/json" },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().detail[0].loc[0]).toBe("body");
    });

    it("answers validation errors with loc, msg and type, and Field required for missing fields", async () => {
      const response = await app.call("POST", "/users", { body: { password: 5 } });
      expect(response.statusCode).toBe(422);
      const detail = response.json().detail as { loc: unknown[]; msg: string; type: string }[];
      expect(detail).toEqual(
        expect.arrayContaining([
          { loc: ["body", "email"], msg: "Field required", type: "missing" },
          expect.objectContaining({ loc: ["body", "password"] }),
        ]),
      );
    });

    it("answers a malformed or overlong path parameter with {detail}", async () => {
      const bad = await app.till.http.inject({
        method: "GET",
        url: "/token/%E0%A4%A",
        headers: { authorization: `Bearer ${admin.token}` },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toEqual({ detail: "Invalid URL" });
      const long = await app.call("GET", `/token/${"x".repeat(300)}`, { token: admin.token });
      expect(long.statusCode).toBe(414);
      expect(long.json()).toEqual({ detail: "URI Too Long" });
    });

    it("refuses NUL characters in path, query and body with a 422 naming where", async () => {
      const path = await app.call("GET", "/token/abc%00def", { token: admin.token });
      expect(path.statusCode).toBe(422);
      expect(path.json().detail).toEqual([
        { loc: ["path", "id"], msg: "Input should not contain NUL characters", type: "string_nul" },
      ]);
      const query = await app.call("GET", "/token?query=a%00b", { token: admin.token });
      expect(query.statusCode).toBe(422);
      expect(query.json().detail[0].loc).toEqual(["query", "query"]);
      const body = await app.call("POST", "/token", {
        token: admin.token,
        body: { app_id: "shop\u0000", permissions: ["store_management"] },
      });
      expect(body.statusCode).toBe(422);
      expect(body.json().detail[0].loc).toEqual(["body", "app_id"]);
      const key = await app.call("POST", "/users/me/settings", {
        token: admin.token,
        body: { settings: { "a\u0000": 1 } },
      });
      expect(key.statusCode).toBe(422);
      expect(key.json().detail[0].loc).toEqual(["body", "settings", "a\u0000"]);
    });

    it("refuses bodies nested deeper than 64 levels, and accepts 64", async () => {
      const nest = (levels: number) => {
        let value: unknown = "leaf";
        for (let i = 0; i < levels; i++) value = { a: value };
        return value;
      };
      const user = await registerUser(app);
      // The body object itself is the first level: metadata may hold the other 63.
      const fits = await app.call("PATCH", `/users/${user.id}`, { token: admin.token, body: { metadata: nest(63) } });
      expect(fits.statusCode).toBe(200);
      const deep = await app.call("PATCH", `/users/${user.id}`, { token: admin.token, body: { metadata: nest(64) } });
      expect(deep.statusCode).toBe(422);
      expect(deep.json().detail[0].type).toBe("too_deep");
      expect(deep.json().detail[0].loc.slice(0, 3)).toEqual(["body", "metadata", "a"]);
    });

    it("answers an unsupported content type with 415", async () => {
      const response = await app.call("POST", "/users", {
        body: "<user/>",
        headers: { "content-type": "application/xml" },
      });
      expect(response.statusCode).toBe(415);
      expect(response.json()).toHaveProperty("detail");
    });
  });

  describe("OpenAPI and docs", () => {
    let doc: any;

    beforeAll(async () => {
      const response = await app.call("GET", "/openapi.json");
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toContain("application/json");
      doc = response.json();
    });

    it("is an OpenAPI 3 document with info and paths", () => {
      expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(typeof doc.info.title).toBe("string");
      expect(doc.info.title.length).toBeGreaterThan(0);
      expect(typeof doc.info.version).toBe("string");
      expect(typeof doc.paths).toBe("object");
      expect(doc.components.securitySchemes.bearer).toEqual({ type: "http", scheme: "bearer" });
    });

    it("is structurally valid: templated paths, declared path parameters, responses, resolvable refs", () => {
      const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
      for (const [path, item] of Object.entries<any>(doc.paths)) {
        expect(path.startsWith("/"), path).toBe(true);
        expect(path, "Fastify-style :param left in a path").not.toMatch(/\/:/);
        const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        for (const [method, operation] of Object.entries<any>(item)) {
          if (method === "parameters") continue;
          expect(methods, `${path}: ${method}`).toContain(method);
          expect(Object.keys(operation.responses ?? {}).length, `${method} ${path} responses`).toBeGreaterThan(0);
          const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])];
          for (const parameter of parameters) {
            expect(["query", "header", "path", "cookie"]).toContain(parameter.in);
            expect(typeof parameter.name).toBe("string");
            expect(parameter.schema ?? parameter.content, `${method} ${path} ${parameter.name}`).toBeDefined();
          }
          const pathParameters = parameters.filter((p: any) => p.in === "path");
          expect(pathParameters.map((p: any) => p.name).sort(), `${method} ${path}`).toEqual([...templated].sort());
          for (const parameter of pathParameters) expect(parameter.required).toBe(true);
          if (operation.requestBody) {
            expect(Object.keys(operation.requestBody.content ?? {}).length).toBeGreaterThan(0);
          }
        }
      }
      const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
      for (const ref of refs) {
        expect(ref.startsWith("#/"), ref).toBe(true);
        const target = ref
          .slice(2)
          .split("/")
          .reduce<any>((node, key) => node?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
        expect(target, ref).toBeDefined();
      }
    });

    it("lists the user, token and policy routes with their request body schemas", () => {
      const users = doc.paths["/users"].post.requestBody.content["application/json"].schema;
      expect(users.type).toBe("object");
      expect(users.required).toEqual(expect.arrayContaining(["email", "password"]));
      expect(Object.keys(users.properties)).toEqual(expect.arrayContaining(["email", "password", "is_superuser"]));
      const token = doc.paths["/token"].post.requestBody.content["application/json"].schema;
      expect(Object.keys(token.properties)).toEqual(
        expect.arrayContaining(["email", "password", "permissions", "strict"]),
      );
      expect(token.properties.permissions.type).toBe("array");
      const policies = doc.paths["/manage/policies"].post.requestBody.content["application/json"].schema;
      expect(Object.keys(policies.properties)).toEqual(
        expect.arrayContaining(["disable_registration", "captcha_type", "email_settings"]),
      );
      expect(policies.properties.captcha_type.enum).toEqual(expect.arrayContaining(["none", "hcaptcha"]));
      expect(doc.paths["/manage/policies"].get).toBeDefined();
      expect(doc.paths["/token/{id}"].patch).toBeDefined();
    });

    it("documents the list parameters of list routes", () => {
      const names = doc.paths["/token"].get.parameters.map((p: any) => p.name);
      expect(names).toEqual(
        expect.arrayContaining(["offset", "limit", "query", "sort", "desc", "autocomplete", "app_id"]),
      );
    });

    it("does not list its own document", () => {
      expect(doc.paths["/openapi.json"]).toBeUndefined();
    });

    it("serves the interactive documentation as HTML", async () => {
      let response = await app.call("GET", "/docs");
      if (response.statusCode >= 300 && response.statusCode < 400) {
        response = await app.call("GET", new URL(String(response.headers.location), "http://localhost/docs").pathname);
      }
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toContain("text/html");
      expect(response.body.toLowerCase()).toContain("<html");
    });
  });

  describe("health and small endpoints", () => {
    it("reports liveness and readiness", async () => {
      const live = await app.call("GET", "/health/live");
      expect(live.statusCode).toBe(200);
      expect(live.json()).toEqual({ status: "ok" });
      const ready = await app.call("GET", "/health/ready");
      expect(ready.statusCode).toBe(200);
      // A test app never starts the leader lease.
      expect(ready.json()).toEqual({ status: "ok", checks: { database: "ok" }, leader: false });
    });

    it("answers the Tor and update checks with their empty state", async () => {
      const tor = await app.call("GET", "/tor/services");
      expect(tor.statusCode).toBe(200);
      expect(tor.json()).toEqual({});
      const update = await app.call("GET", "/update/check");
      expect(update.statusCode).toBe(200);
      expect(update.json()).toEqual({ update_available: false, tag: null });
    });

    it("answers the POS store setting to anonymous callers", async () => {
      const response = await app.call("GET", "/manage/stores");
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ pos_id: "" });
    });

    it("serves a home page", async () => {
      const response = await app.call("GET", "/");
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toContain("text/html");
    });
  });

  describe("server policies", () => {
    it("hides the captcha secret and email settings from anonymous callers and ordinary users", async () => {
      await app.call("POST", "/manage/policies", {
        token: admin.token,
        body: { captcha_sitekey: "site-key", captcha_secretkey: "captcha-secret-value" },
      });
      const user = await registerUser(app);
      for (const token of [null, user.token, await tokenWith(app, admin.token, ["store_management"])]) {
        const response = await app.call("GET", "/manage/policies", { token });
        expect(response.statusCode).toBe(200);
        const body = response.json();
        expect(body).not.toHaveProperty("captcha_secretkey");
        expect(body).not.toHaveProperty("email_settings");
        expect(body.captcha_sitekey).toBe("site-key");
        expect(body).toHaveProperty("disable_registration", false);
        expect(response.body).not.toContain("captcha-secret-value");
      }
    });

    it("shows them to a superuser", async () => {
      const response = await app.call("GET", "/manage/policies", { token: admin.token });
      expect(response.statusCode).toBe(200);
      // The captcha secret is sealed at rest and never answered, even to a superuser.
      expect(response.json().captcha_secretkey).toBe("");
      expect(response.json().captcha_secretkey_set).toBe(true);
      expect(response.json().email_settings).toMatchObject({ host: "", port: 25, auth_mode: "starttls", password: "" });
    });

    it("never answers the email password and stores it sealed", async () => {
      const set = await app.call("POST", "/manage/policies", {
        token: admin.token,
        body: { email_settings: { host: "smtp.example.com", port: "587", user: "mailer", password: "smtp-hunter2" } },
      });
      expect(set.statusCode).toBe(200);
      expect(set.json().email_settings).toMatchObject({
        host: "smtp.example.com",
        port: 587,
        user: "mailer",
        password: "",
        password_set: true,
      });
      expect(set.body).not.toContain("smtp-hunter2");

      const read = await app.call("GET", "/manage/policies", { token: admin.token });
      expect(read.json().email_settings.password).toBe("");
      expect(read.json().email_settings.password_set).toBe(true);

      const rows = await app.till.db.kysely.selectFrom("settings").select(["name", "value"]).execute();
      expect(rows.some((row) => row.name === "policy")).toBe(true);
      for (const row of rows) expect(row.value).not.toContain("smtp-hunter2");
      const stored = JSON.parse(rows.find((row) => row.name === "policy")!.value);
      expect(stored.email_settings.password).toMatch(/^enc:v1:/);

      const untouched = await app.call("POST", "/manage/policies", {
        token: admin.token,
        body: { email_settings: { port: 465 } },
      });
      expect(untouched.json().email_settings).toMatchObject({
        host: "smtp.example.com",
        port: 465,
        password: "",
        password_set: true,
      });
    });

    it("keeps the stored email password when the form is sent back with password '' and removes it on null", async () => {
      const current = (await app.call("GET", "/manage/policies", { token: admin.token })).json();
      const { password_set: _set, ...form } = current.email_settings;
      const resent = await app.call("POST", "/manage/policies", { token: admin.token, body: { email_settings: form } });
      expect(resent.statusCode).toBe(200);
      expect(resent.json().email_settings).toMatchObject({ host: "smtp.example.com", password_set: true });
      const removed = await app.call("POST", "/manage/policies", {
        token: admin.token,
        body: { email_settings: { password: null } },
      });
      expect(removed.json().email_settings).toMatchObject({
        host: "smtp.example.com",
        password: "",
        password_set: false,
      });
    });

    it("changes only the fields a policy update names", async () => {
      const first = await app.call("POST", "/manage/policies", {
        token: admin.token,
        body: { discourage_index: true, admin_theme_url: "https://theme.example/admin.css" },
      });
      expect(first.statusCode).toBe(200);
      const second = await app.call("POST", "/manage/policies", {
        token: admin.token,
        body: { captcha_type: "hcaptcha" },
      });
      expect(second.json()).toMatchObject({
        discourage_index: true,
        admin_theme_url: "https://theme.example/admin.css",
        captcha_type: "hcaptcha",
        captcha_secretkey: "",
        captcha_secretkey_set: true,
        captcha_sitekey: "site-key",
      });
      expect(second.json().email_settings.host).toBe("smtp.example.com");
      const reset = await app.call("POST", "/manage/policies", {
        token: admin.token,
        body: { discourage_index: false, admin_theme_url: "", captcha_type: "none" },
      });
      expect(reset.json()).toMatchObject({ discourage_index: false, admin_theme_url: "", captcha_type: "none" });
    });

    it("lets only superusers change policies", async () => {
      const user = await registerUser(app);
      const response = await app.call("POST", "/manage/policies", {
        token: user.token,
        body: { disable_registration: true },
      });
      expect(response.statusCode).toBe(403);
      expect(response.json().detail).toContain("server_management");
      expect((await app.call("POST", "/manage/policies", { body: {} })).statusCode).toBe(401);
      expect((await app.call("GET", "/manage/policies")).json().disable_registration).toBe(false);
    });
  });

  describe("request ids", () => {
    it("echoes a well-formed x-request-id", async () => {
      const response = await app.call("GET", "/health/live", { headers: { "x-request-id": "trace-abc_123" } });
      expect(response.headers["x-request-id"]).toBe("trace-abc_123");
      const missing = await app.call("GET", "/nowhere", { headers: { "x-request-id": "trace-404" } });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers["x-request-id"]).toBe("trace-404");
    });

    it("generates one when none or a malformed one is given", async () => {
      const none = await app.call("GET", "/health/live");
      expect(String(none.headers["x-request-id"])).toMatch(ULID);
      for (const bad of ["has spaces", "x".repeat(65), "semi;colon", "<script>"]) {
        const response = await app.call("GET", "/health/live", { headers: { "x-request-id": bad } });
        expect(String(response.headers["x-request-id"]), bad).toMatch(ULID);
      }
      const a = await app.call("GET", "/health/live");
      expect(a.headers["x-request-id"]).not.toBe(none.headers["x-request-id"]);
    });
  });

  describe("list envelope over /token", () => {
    let user: Awaited<ReturnType<typeof registerUser>>;
    const appIds = ["charlie", "alpha", "foo", "echo", "bravo", "foo"];

    beforeAll(async () => {
      user = await registerUser(app);
      for (const appId of appIds) {
        const response = await app.call("POST", "/token", {
          token: user.token,
          body: { app_id: appId, permissions: ["store_management"] },
        });
        expect(response.statusCode).toBe(200);
      }
    });

    const list = async (query: string) => {
      const response = await app.call("GET", `/token?${query}`, { token: user.token });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };
    const linkParams = (url: string | null) => {
      if (url === null) return null;
      const parsed = new URL(url);
      expect(parsed.pathname).toBe("/token");
      return Object.fromEntries(parsed.searchParams);
    };

    it("pages with offset and limit, linking next and previous", async () => {
      const first = await list("offset=0&limit=3");
      expect(first.count).toBe(7);
      expect(first.result).toHaveLength(3);
      expect(first.previous).toBeNull();
      expect(linkParams(first.next)).toEqual({ offset: "3", limit: "3" });

      const second = await list("offset=3&limit=3");
      expect(second.result).toHaveLength(3);
      expect(linkParams(second.previous)).toEqual({ offset: "0", limit: "3" });
      expect(linkParams(second.next)).toEqual({ offset: "6", limit: "3" });

      const last = await list("offset=6&limit=3");
      expect(last.result).toHaveLength(1);
      expect(last.next).toBeNull();
      expect(linkParams(last.previous)).toEqual({ offset: "3", limit: "3" });

      const ids = [...first.result, ...second.result, ...last.result].map((t: { id: string }) => t.id);
      expect(new Set(ids).size).toBe(7);
    });

    it("uses Bitcart's default page size of 5", async () => {
      const page = await list("");
      expect(page.result).toHaveLength(5);
      expect(page.count).toBe(7);
      expect(linkParams(page.next)).toEqual({ offset: "5", limit: "5" });
    });

    it("returns everything without links for limit=-1", async () => {
      const all = await list("limit=-1");
      expect(all.count).toBe(7);
      expect(all.result).toHaveLength(7);
      expect(all.next).toBeNull();
      expect(all.previous).toBeNull();
      expect(all.result.every((t: { user_id: string }) => t.user_id === user.id)).toBe(true);
    });

    it("answers an offset past the end with an empty page", async () => {
      const page = await list("offset=50&limit=5");
      expect(page.result).toEqual([]);
      expect(page.count).toBe(7);
      expect(page.next).toBeNull();
    });

    it("sorts by a column in either direction", async () => {
      const ascending = await list("sort=app_id&desc=false&limit=-1");
      const names = ascending.result.map((t: { app_id: string }) => t.app_id);
      expect(names).toEqual(["", "alpha", "bravo", "charlie", "echo", "foo", "foo"]);
      const descending = await list("sort=app_id&desc=true&limit=-1");
      expect(descending.result.map((t: { app_id: string }) => t.app_id)).toEqual([...names].reverse());
    });

    it("sorts by creation time, newest first by default", async () => {
      const newest = await list("limit=-1");
      const created = newest.result.map((t: { created: string }) => t.created);
      expect(created).toEqual([...created].sort().reverse());
      const oldest = await list("limit=-1&sort=created&desc=false");
      expect(oldest.result.map((t: { created: string }) => t.created)).toEqual([...created].sort());
    });

    it("ignores a sort column that does not exist", async () => {
      const page = await list("sort=no_such_column&limit=-1");
      expect(page.count).toBe(7);
    });

    it("answers autocomplete as [{id, name}]", async () => {
      const page = await list("autocomplete=true&limit=-1&sort=app_id&desc=false");
      expect(page.count).toBe(7);
      for (const item of page.result) expect(Object.keys(item).sort()).toEqual(["id", "name"]);
      expect(page.result.map((t: { name: string }) => t.name).slice(1)).toEqual([
        "alpha",
        "bravo",
        "charlie",
        "echo",
        "foo",
        "foo",
      ]);
      // A token without an app id is named by its id.
      expect(page.result[0].name).toBe(page.result[0].id);
    });

    it("filters with query=app_id:foo and with the app_id parameter", async () => {
      const byQuery = await list(`query=${encodeURIComponent("app_id:foo")}&limit=-1`);
      expect(byQuery.count).toBe(2);
      expect(byQuery.result.map((t: { app_id: string }) => t.app_id)).toEqual(["foo", "foo"]);
      const several = await list(`query=${encodeURIComponent("app_id:foo app_id:alpha")}&limit=-1`);
      expect(several.count).toBe(3);
      const byParam = await list("app_id=alpha");
      expect(byParam.count).toBe(1);
      expect(byParam.result[0].app_id).toBe("alpha");
      const text = await list("query=charl");
      expect(text.result.map((t: { app_id: string }) => t.app_id)).toEqual(["charlie"]);
      const none = await list(`query=${encodeURIComponent("app_id:nobody")}`);
      expect(none).toEqual({ result: [], count: 0, previous: null, next: null });
    });

    it("keeps the filter in the page links", async () => {
      const page = await list(`query=${encodeURIComponent("app_id:foo")}&limit=1`);
      expect(page.count).toBe(2);
      expect(linkParams(page.next)).toEqual({ query: "app_id:foo", offset: "1", limit: "1" });
    });

    it("refuses malformed list parameters with 422", async () => {
      for (const query of ["offset=-5", "limit=abc", "limit=-2", "desc=maybe", "offset=1.5"]) {
        const response = await app.call("GET", `/token?${query}`, { token: user.token });
        expect(response.statusCode, query).toBe(422);
        expect(response.json().detail[0].loc[0]).toBe("query");
      }
    });
  });
});

describe("request body limit", () => {
  it("answers a body larger than TILL_MAX_BODY_BYTES with 413", async () => {
    const app = await createTestApp({ TILL_MAX_BODY_BYTES: "2048" });
    try {
      const small = await app.call("POST", "/users", {
        body: { email: "small@example.com", password: "x".repeat(100) },
      });
      expect(small.statusCode).toBe(200);
      const large = await app.call("POST", "/users", {
        body: { email: "large@example.com", password: "x".repeat(4096) },
      });
      expect(large.statusCode).toBe(413);
      expect(large.json()).toEqual({ detail: "Request body is too large" });
      const count = await app.till.db.kysely.selectFrom("users").select("email").execute();
      expect(count.map((u) => u.email)).toEqual(["small@example.com"]);
    } finally {
      await app.close();
    }
  });
});

describe("login rate limits", () => {
  it("limits logins per IP address", async () => {
    const app = await createTestApp({ TILL_LOGIN_RATE_LIMIT_PER_IP: "3" });
    try {
      const login = (remoteAddress = "127.0.0.1") =>
        app.till.http.inject({
          method: "POST",
          url: "/token",
          remoteAddress,
          payload: { email: "nobody@example.com", password: "guess" },
        });
      for (let i = 0; i < 3; i++) expect((await login()).statusCode).toBe(401);
      const blocked = await login();
      expect(blocked.statusCode).toBe(429);
      expect(typeof blocked.json().detail).toBe("string");
      expect(blocked.headers["retry-after"]).toBeDefined();
      // Another address still gets through.
      expect((await login("10.9.8.7")).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });

  it("limits failed logins per account, even with the right password, without touching other accounts", async () => {
    const app = await createTestApp({ TILL_LOGIN_RATE_LIMIT_PER_ACCOUNT: "3" });
    try {
      const victim = await registerUser(app, "victim@example.com", "victim-password");
      const other = await registerUser(app, "other@example.com", "other-password");
      // A success before any failure does not count.
      expect(
        (await app.call("POST", "/token", { body: { email: victim.email, password: victim.password } })).statusCode,
      ).toBe(200);
      for (let i = 0; i < 3; i++) {
        const wrong = await app.call("POST", "/token", { body: { email: victim.email, password: `wrong-${i}` } });
        expect(wrong.statusCode).toBe(401);
      }
      const right = await app.call("POST", "/token", { body: { email: victim.email, password: victim.password } });
      expect(right.statusCode).toBe(429);
      expect(typeof right.json().detail).toBe("string");
      expect(right.body).not.toContain("access_token");
      // The account name is compared case-insensitively.
      const upper = await app.call("POST", "/token", {
        body: { email: "VICTIM@example.com", password: victim.password },
      });
      expect(upper.statusCode).toBe(429);
      const otherLogin = await app.call("POST", "/token", { body: { email: other.email, password: other.password } });
      expect(otherLogin.statusCode).toBe(200);
      expect(typeof otherLogin.json().access_token).toBe("string");
      // An existing token of the blocked account still works: the limit is on guessing passwords.
      expect((await app.call("GET", "/users/me", { token: victim.token })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe("log redaction", () => {
  it("replaces passwords, tokens, secrets and authorization headers with [redacted]", () => {
    const stream = memoryStream();
    const logger = createLogger("info", stream);
    logger.info(
      {
        password: "top-level-password",
        user: { email: "a@example.com", password: "nested-password" },
        body: { user: { password: "deep-password" } },
        token: "plain-token-value",
        access_token: "access-token-value",
        secret: "secret-value",
        result: { token: "nested-token-value", access_token: "nested-access-token" },
        req: { method: "GET", headers: { authorization: "Bearer request-bearer", cookie: "session=cookie-value" } },
        headers: { authorization: "Bearer header-bearer" },
      },
      "something happened",
    );
    expect(stream.lines).toHaveLength(1);
    const line = stream.lines[0]!;
    const entry = JSON.parse(line);
    expect(entry.msg).toBe("something happened");
    expect(entry.password).toBe("[redacted]");
    expect(entry.user).toEqual({ email: "a@example.com", password: "[redacted]" });
    expect(entry.body.user.password).toBe("[redacted]");
    expect(entry.token).toBe("[redacted]");
    expect(entry.access_token).toBe("[redacted]");
    expect(entry.secret).toBe("[redacted]");
    expect(entry.result).toEqual({ token: "[redacted]", access_token: "[redacted]" });
    expect(entry.req.headers.authorization).toBe("[redacted]");
    expect(entry.req.headers.cookie).toBe("[redacted]");
    expect(entry.req.method).toBe("GET");
    expect(entry.headers.authorization).toBe("[redacted]");
    for (const secret of [
      "top-level-password",
      "nested-password",
      "deep-password",
      "plain-token-value",
      "access-token-value",
      "secret-value",
      "nested-token-value",
      "request-bearer",
      "cookie-value",
      "header-bearer",
    ]) {
      expect(line).not.toContain(secret);
    }
  });

  it("keeps passwords and bearer tokens out of the request logs of a running server", async () => {
    const database = await createTestDatabase();
    const stream = memoryStream();
    const config = parseConfig({
      TILL_DATABASE_URL: database.url,
      TILL_DATA_DIR: database.dataDir,
      TILL_LOG_LEVEL: "info",
    });
    const till = await buildApp(config, createLogger("info", stream));
    try {
      const registered = await till.http.inject({
        method: "POST",
        url: "/users",
        payload: { email: "logged@example.com", password: "logged-password-value" },
      });
      expect(registered.statusCode).toBe(200);
      const bearer = registered.json().token as string;
      await till.http.inject({
        method: "POST",
        url: "/token",
        payload: { email: "logged@example.com", password: "wrong-password-value" },
      });
      await till.http.inject({ method: "GET", url: "/users/me", headers: { authorization: `Bearer ${bearer}` } });
      await till.http.inject({
        method: "GET",
        url: "/users/me",
        headers: { authorization: "Bearer unknown-bearer-value" },
      });
      expect(stream.lines.length).toBeGreaterThan(0);
      const all = stream.lines.join("");
      expect(all).toContain("/users/me");
      for (const secret of ["logged-password-value", "wrong-password-value", bearer, "unknown-bearer-value"]) {
        expect(all).not.toContain(secret);
      }
    } finally {
      await till.close();
      await database.drop();
    }
  });
});
