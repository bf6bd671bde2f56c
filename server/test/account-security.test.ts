import { TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestSmtpServer } from "./fixtures/smtp-server.ts";
import { waitFor } from "./helpers/processes.ts";
import { Receiver } from "./helpers/receiver.ts";
import { createTestApp, registerUser, type TestApp } from "./helpers/test-app.ts";

type User = Awaited<ReturnType<typeof registerUser>>;

/** Password reset, email verification, TOTP with recovery codes and captcha, with real SMTP and HTTP peers. */
describe("account security", () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let captcha: Receiver;
  let admin: User;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    captcha = await Receiver.start();
    for (const path of ["/hcaptcha", "/turnstile"]) {
      captcha.on(path, (request) => ({
        status: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ success: new URLSearchParams(request.body).get("response") === "human" }),
      }));
    }
    app = await createTestApp({
      TILL_ADMIN_URL: "https://admin.example.com",
      TILL_HCAPTCHA_VERIFY_URL: captcha.url("/hcaptcha"),
      TILL_TURNSTILE_VERIFY_URL: captcha.url("/turnstile"),
    });
    app.till.services.jobs.start();
    admin = await registerUser(app);
    const policy = await app.call("POST", "/manage/policies", {
      token: admin.token,
      body: { email_settings: smtp.settings({ address: "till@example.com" }) },
    });
    expect(policy.statusCode, policy.body).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await captcha?.close();
  });

  const login = (email: string, password: string, extra: Record<string, unknown> = {}) =>
    app.call("POST", "/token", { body: { email, password, permissions: ["full_control"], ...extra } });
  const mailTo = (address: string, count = 1) =>
    waitFor(() => smtp.to(address).length >= count && smtp.to(address)[count - 1], { what: `mail to ${address}` });

  describe("password reset", () => {
    it("mails a single-use link that sets a new password and can log out everywhere", async () => {
      const user = await registerUser(app);
      const requested = await app.call("POST", "/users/reset_password", { body: { email: user.email } });
      expect(requested.statusCode, requested.body).toBe(200);
      expect(requested.json()).toBe(true);
      const mail = await mailTo(user.email);
      expect(mail).toMatchObject({ from: "till@example.com", subject: "Password reset", secure: true });
      const link = /https:\/\/admin\.example\.com\/forgotpassword\/([A-Za-z0-9_-]{43})/.exec(mail.text);
      expect(link, mail.text).not.toBeNull();
      expect(mail.text).toContain(`reset the password of ${user.email}`);
      const token = link![1]!;
      // Only a digest of the token is stored.
      const stored = await app.till.db.kysely.selectFrom("auth_codes").select("code_hash").execute();
      expect(JSON.stringify(stored)).not.toContain(token);

      const finalize = (password: string) =>
        app.call("POST", "/users/reset_password/finalize", { body: { token, password, logout_all: true } });
      expect((await finalize("a brand new password")).statusCode).toBe(200);
      expect((await app.call("GET", "/users/me", { token: user.token })).statusCode).toBe(401);
      expect((await login(user.email, user.password)).statusCode).toBe(401);
      expect((await login(user.email, "a brand new password")).statusCode).toBe(200);

      const again = await finalize("yet another password");
      expect(again.statusCode).toBe(422);
      expect(again.json().detail[0]).toMatchObject({ loc: ["body", "token"], msg: "Invalid or expired reset link" });
    });

    it("uses the template the policy names for server mail", async () => {
      const template = await app.call("POST", "/templates", {
        token: admin.token,
        body: { name: "custom reset", text: "Reset {{ email }} here: {{ link }}" },
      });
      await app.call("POST", "/manage/policies", {
        token: admin.token,
        body: { global_templates: { forgotpassword: template.json().id } },
      });
      try {
        const user = await registerUser(app);
        await app.call("POST", "/users/reset_password", { body: { email: user.email } });
        const mail = await mailTo(user.email);
        expect(mail.text).toMatch(
          new RegExp(
            `^Reset ${user.email.replace(/[.]/g, "\\.")} here: https://admin\\.example\\.com/forgotpassword/[\\w-]{43}$`,
          ),
        );
      } finally {
        await app.call("POST", "/manage/policies", { token: admin.token, body: { global_templates: {} } });
      }
    });

    it("answers the same for an unknown address and mails nothing", async () => {
      const response = await app.call("POST", "/users/reset_password", { body: { email: "nobody@example.com" } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toBe(true);
      const jobs = await app.till.db.kysely
        .selectFrom("jobs")
        .select("payload")
        .where("kind", "=", "email.send")
        .execute();
      expect(jobs.some((j) => j.payload.includes("nobody@example.com"))).toBe(false);
    });

    it("refuses an expired link", async () => {
      const user = await registerUser(app);
      await app.call("POST", "/users/reset_password", { body: { email: user.email } });
      const token = /forgotpassword\/([A-Za-z0-9_-]+)/.exec((await mailTo(user.email)).text)![1]!;
      await app.till.db.kysely
        .updateTable("auth_codes")
        .set({ expires: new Date(Date.now() - 1000).toISOString() })
        .where("purpose", "=", "reset")
        .where("user_id", "=", user.id)
        .execute();
      const response = await app.call("POST", "/users/reset_password/finalize", {
        body: { token, password: "new password here" },
      });
      expect(response.statusCode).toBe(422);
    });
  });

  describe("email verification", () => {
    it("keeps an unverified user out until the mailed code is used, when the policy requires it", async () => {
      await app.call("POST", "/manage/policies", { token: admin.token, body: { require_verified_email: true } });
      try {
        const email = `verify-${Date.now()}@example.com`;
        const registered = await app.call("POST", "/users", { body: { email, password: "a long password" } });
        expect(registered.statusCode, registered.body).toBe(200);
        expect(registered.json()).toMatchObject({ is_verified: false, token: null });
        expect((await login(email, "a long password")).statusCode).toBe(403);

        // Registration mails the code; asking again mails a new one and voids the first.
        const codeIn = (text: string) => /code is ([a-z2-9]{4}-[a-z2-9]{4})/.exec(text)![1]!;
        const first = await mailTo(email);
        expect(first.subject).toBe("Verify your email address");
        expect((await app.call("POST", "/users/verify", { body: { email } })).json()).toBe(true);
        const mail = await mailTo(email, 2);
        const code = codeIn(mail.text);
        expect(mail.text).toContain(`https://admin.example.com/verify/${code}`);
        const stale = await app.call("POST", "/users/verify/finalize", { body: { token: codeIn(first.text) } });
        expect(stale.statusCode).toBe(422);

        const finalized = await app.call("POST", "/users/verify/finalize?add_token=true", { body: { token: code } });
        expect(finalized.statusCode, finalized.body).toBe(200);
        expect(finalized.json()).toMatchObject({ verified: true, token: expect.any(String) });
        const me = await app.call("GET", "/users/me", { token: finalized.json().token });
        expect(me.json()).toMatchObject({ email, is_verified: true });
        expect((await login(email, "a long password")).statusCode).toBe(200);
        const reused = await app.call("POST", "/users/verify/finalize", { body: { token: code } });
        expect(reused.statusCode).toBe(422);
      } finally {
        await app.call("POST", "/manage/policies", { token: admin.token, body: { require_verified_email: false } });
      }
    });
  });

  describe("password change", () => {
    it("logs out every other session when asked", async () => {
      const user = await registerUser(app);
      const other = (await login(user.email, user.password)).json().access_token;
      const changed = await app.call("POST", "/users/password", {
        token: user.token,
        body: { old_password: user.password, password: "changed password", logout_all: true },
      });
      expect(changed.statusCode, changed.body).toBe(200);
      expect((await app.call("GET", "/users/me", { token: other })).statusCode).toBe(401);
      expect((await app.call("GET", "/users/me", { token: user.token })).statusCode).toBe(200);
    });
  });

  describe("TOTP", () => {
    const codeFor = (secret: string, offsetSteps = 0) =>
      new TOTP({ secret, digits: 6, period: 30, algorithm: "SHA1" }).generate({
        timestamp: Date.now() + offsetSteps * 30_000,
      });

    it("is enabled with a code from the app and then asked for at login, accepting each recovery code once", async () => {
      // Codes of the previous, current and next 30-second steps are used below: start early in a step, so the
      // whole sequence runs within one step and none of them falls out of the accepted window.
      await waitFor(() => Date.now() % 30_000 < 15_000, { timeoutMs: 20_000, what: "the first half of a TOTP step" });
      const user = await registerUser(app);
      const setup = await app.call("GET", "/users/me/2fa/totp", { token: user.token });
      expect(setup.statusCode, setup.body).toBe(200);
      const { totp_key: secret, totp_url: url } = setup.json();
      expect(url).toBe(
        `otpauth://totp/Till:${encodeURIComponent(user.email)}?issuer=Till&secret=${secret}&algorithm=SHA1&digits=6&period=30`,
      );
      const stored = await app.till.db.kysely
        .selectFrom("users")
        .select("totp_key")
        .where("id", "=", user.id)
        .executeTakeFirstOrThrow();
      expect(stored.totp_key).not.toContain(secret);

      const wrong = await app.call("POST", "/users/2fa/totp/verify", { token: user.token, body: { code: "000000" } });
      expect(wrong.statusCode).toBe(422);
      const enabled = await app.call("POST", "/users/2fa/totp/verify", {
        token: user.token,
        body: { code: codeFor(secret, -1) },
      });
      expect(enabled.statusCode, enabled.body).toBe(200);
      const recovery = enabled.json() as string[];
      expect(recovery).toHaveLength(10);
      for (const code of recovery) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
      expect((await app.call("GET", "/users/me", { token: user.token })).json().tfa_enabled).toBe(true);

      const first = await login(user.email, user.password);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual({
        access_token: null,
        token_type: "bearer",
        tfa_required: true,
        tfa_code: expect.any(String),
        tfa_types: ["totp"],
      });
      const completed = await app.call("POST", "/token/2fa/totp", {
        body: { token: first.json().tfa_code, code: codeFor(secret) },
      });
      expect(completed.statusCode, completed.body).toBe(200);
      expect(completed.json()).toMatchObject({ tfa_required: false, user_id: user.id, permissions: ["full_control"] });
      expect((await app.call("GET", "/users/me", { token: completed.json().access_token })).statusCode).toBe(200);
      // The second step's code is single-use.
      const replay = await app.call("POST", "/token/2fa/totp", {
        body: { token: first.json().tfa_code, code: codeFor(secret) },
      });
      expect(replay.statusCode).toBe(401);
      // Each TOTP code works once.
      const reusedCode = await app.call("POST", "/token/2fa/totp", {
        body: { token: (await login(user.email, user.password)).json().tfa_code, code: codeFor(secret) },
      });
      expect(reusedCode.statusCode).toBe(422);
      const nextCode = await app.call("POST", "/token/2fa/totp", {
        body: { token: (await login(user.email, user.password)).json().tfa_code, code: codeFor(secret, 1) },
      });
      expect(nextCode.statusCode).toBe(200);

      const withRecovery = async (code: string) => {
        const step = (await login(user.email, user.password)).json().tfa_code;
        return app.call("POST", "/token/2fa/totp", { body: { token: step, code } });
      };
      expect((await withRecovery(recovery[3]!)).statusCode).toBe(200);
      expect((await withRecovery(recovery[3]!)).statusCode).toBe(422);
      expect((await withRecovery(recovery[4]!.toUpperCase())).statusCode).toBe(200);

      expect((await app.call("POST", "/users/2fa/disable", { token: user.token })).statusCode).toBe(200);
      const plain = await login(user.email, user.password);
      expect(plain.json()).toMatchObject({ tfa_required: false, access_token: expect.any(String) });
    });

    it("voids the second step after five wrong codes", async () => {
      const user = await registerUser(app);
      const secret = (await app.call("GET", "/users/me/2fa/totp", { token: user.token })).json().totp_key;
      await app.call("POST", "/users/2fa/totp/verify", { token: user.token, body: { code: codeFor(secret) } });
      const step = (await login(user.email, user.password)).json().tfa_code;
      for (let i = 0; i < 5; i++) {
        const wrong = await app.call("POST", "/token/2fa/totp", { body: { token: step, code: "12345" } });
        expect(wrong.statusCode).toBe(422);
      }
      const right = await app.call("POST", "/token/2fa/totp", { body: { token: step, code: codeFor(secret) } });
      expect(right.statusCode).toBe(401);
    });
  });

  describe("captcha", () => {
    it("is checked on login and registration against the configured verify endpoint", async () => {
      const user = await registerUser(app);
      await app.call("POST", "/manage/policies", {
        token: admin.token,
        body: { captcha_type: "hcaptcha", captcha_sitekey: "site", captcha_secretkey: "hcaptcha-secret" },
      });
      try {
        const policy = await app.call("GET", "/manage/policies", { token: admin.token });
        expect(policy.json()).toMatchObject({ captcha_secretkey: "", captcha_secretkey_set: true });
        const stored = await app.till.db.kysely
          .selectFrom("settings")
          .select("value")
          .where("name", "=", "policy")
          .executeTakeFirstOrThrow();
        expect(stored.value).not.toContain("hcaptcha-secret");

        const refused = await login(user.email, user.password, { captcha_code: "robot" });
        expect(refused.statusCode).toBe(401);
        expect(refused.json().detail).toEqual({ message: "Unauthorized", status: 403 });
        expect((await login(user.email, user.password)).json().detail.status).toBe(403);
        expect((await login(user.email, user.password, { captcha_code: "human" })).statusCode).toBe(200);
        const check = captcha.to("/hcaptcha").at(-1)!;
        expect(check.method).toBe("POST");
        expect(check.headers["content-type"]).toBe("application/x-www-form-urlencoded");
        expect(Object.fromEntries(new URLSearchParams(check.body))).toEqual({
          secret: "hcaptcha-secret",
          response: "human",
          remoteip: "127.0.0.1",
        });

        const body = { email: `captcha-${Date.now()}@example.com`, password: "a long password" };
        const robot = await app.call("POST", "/users", { body: { ...body, captcha_code: "robot" } });
        expect(robot.statusCode).toBe(422);
        expect(robot.json().detail[0]).toMatchObject({ loc: ["body", "captcha_code"], msg: "Invalid captcha" });
        expect((await app.call("POST", "/users", { body: { ...body, captcha_code: "human" } })).statusCode).toBe(200);

        // Cloudflare Turnstile: the same check against its own endpoint.
        await app.call("POST", "/manage/policies", {
          token: admin.token,
          body: { captcha_type: "cloudflare_turnstile", captcha_secretkey: "turnstile-secret" },
        });
        expect((await login(user.email, user.password, { captcha_code: "robot" })).statusCode).toBe(401);
        expect((await login(user.email, user.password, { captcha_code: "human" })).statusCode).toBe(200);
        expect(new URLSearchParams(captcha.to("/turnstile").at(-1)!.body).get("secret")).toBe("turnstile-secret");
      } finally {
        await app.call("POST", "/manage/policies", { token: admin.token, body: { captcha_type: "none" } });
      }
    });
  });

  describe("registration policy", () => {
    it("refuses anonymous registration when disabled, while a superuser may still add users", async () => {
      await app.call("POST", "/manage/policies", { token: admin.token, body: { disable_registration: true } });
      try {
        const body = { email: `closed-${Date.now()}@example.com`, password: "a long password" };
        const anonymous = await app.call("POST", "/users", { body });
        expect(anonymous.statusCode).toBe(422);
        expect((await app.call("POST", "/users", { token: admin.token, body })).statusCode).toBe(200);
      } finally {
        await app.call("POST", "/manage/policies", { token: admin.token, body: { disable_registration: false } });
      }
    });
  });
});

describe("password reset rate limit", () => {
  it("allows five requests per IP address per hour", async () => {
    const smtp = await TestSmtpServer.start();
    const app = await createTestApp();
    try {
      const admin = await registerUser(app);
      await app.call("POST", "/manage/policies", { token: admin.token, body: { email_settings: smtp.settings() } });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const response = await app.call("POST", "/users/reset_password", { body: { email: "someone@example.com" } });
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await app.close();
      await smtp.close();
    }
  });
});
