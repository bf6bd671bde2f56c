import type { CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../helpers/browser.ts";
import { registerUser } from "../helpers/test-app.ts";
import { createListeningApp, type ListeningApp } from "../helpers/web-app.ts";

/**
 * Passkeys in headless Chromium with a CDP virtual authenticator. WebAuthn needs a secure context:
 * http://localhost is one (http://127.0.0.1 is not), so the page is opened on localhost.
 */
describe("passkeys", () => {
  let app: ListeningApp;
  let browser: TestBrowser;
  let page: Page;
  let cdp: CDPSession;
  let origin: string;

  beforeAll(async () => {
    app = await createListeningApp();
    browser = await launchBrowser();
    origin = app.baseUrl.replace("127.0.0.1", "localhost");
    const context = await browser.context();
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    await page.goto(`${origin}/docs`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A JSON call from the page (so the API sees the page's origin), answering status and body. */
  const call = (path: string, body: unknown, token?: string) =>
    page.evaluate(
      async ({ path, body, token }) => {
        const response = await fetch(path, {
          method: "POST",
          headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        });
        return { status: response.status, body: (await response.json()) as any };
      },
      { path, body, token },
    );

  /** navigator.credentials.create with the server's options, answering the credential as JSON. */
  const createCredential = (options: unknown) =>
    page.evaluate(async (json) => {
      const g = globalThis as any;
      const publicKey = g.PublicKeyCredential.parseCreationOptionsFromJSON(json);
      const credential = await g.navigator.credentials.create({ publicKey });
      return credential.toJSON();
    }, options);

  const getAssertion = (options: unknown) =>
    page.evaluate(async (json) => {
      const g = globalThis as any;
      const publicKey = g.PublicKeyCredential.parseRequestOptionsFromJSON(json);
      const credential = await g.navigator.credentials.get({ publicKey });
      return credential.toJSON();
    }, options);

  it("registers a passkey, lists it, logs in with it, and deletes it", async () => {
    const user = await registerUser(app);
    const begin = await call("/users/2fa/fido2/register/begin", {}, user.token);
    expect(begin.status).toBe(200);
    expect(begin.body).toMatchObject({ rp: { name: "Till", id: "localhost" }, user: { name: user.email } });
    const credential = await createCredential(begin.body);
    const completed = await call(
      "/users/2fa/fido2/register/complete",
      { name: "Laptop", response: credential },
      user.token,
    );
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    expect(completed.body).toMatchObject({ id: expect.any(String), name: "Laptop" });
    // The challenge is single-use.
    const replayed = await call(
      "/users/2fa/fido2/register/complete",
      { name: "Again", response: credential },
      user.token,
    );
    expect(replayed.status).toBe(422);

    const me = await app.call("GET", "/users/me", { token: user.token });
    expect(me.json().fido2_devices).toEqual([{ id: completed.body.id, name: "Laptop" }]);

    const first = await call("/token", { email: user.email, password: user.password, permissions: ["full_control"] });
    expect(first.body).toMatchObject({ access_token: null, tfa_required: true, tfa_types: ["fido2"] });
    const loginOptions = await call("/token/2fa/fido2/begin", { token: first.body.tfa_code });
    expect(loginOptions.status).toBe(200);
    expect(loginOptions.body).toMatchObject({ rpId: "localhost", allowCredentials: [{ id: credential.id }] });
    const assertion = await getAssertion(loginOptions.body);
    const loggedIn = await call("/token/2fa/fido2/complete", { token: first.body.tfa_code, response: assertion });
    expect(loggedIn.status, JSON.stringify(loggedIn.body)).toBe(200);
    expect(loggedIn.body).toMatchObject({ tfa_required: false, user_id: user.id, access_token: expect.any(String) });
    const session = await app.call("GET", "/users/me", { token: loggedIn.body.access_token });
    expect(session.statusCode).toBe(200);

    // A second login: the signature counter moved on, and the old assertion is refused.
    const second = await call("/token", { email: user.email, password: user.password });
    const replay = await call("/token/2fa/fido2/complete", { token: second.body.tfa_code, response: assertion });
    expect(replay.status).toBe(422);

    const removed = await app.call("DELETE", `/users/2fa/fido2/${completed.body.id}`, { token: user.token });
    expect(removed.statusCode).toBe(200);
    expect((await app.call("GET", "/users/me", { token: user.token })).json().fido2_devices).toEqual([]);
    const plain = await call("/token", { email: user.email, password: user.password });
    expect(plain.body).toMatchObject({ tfa_required: false, access_token: expect.any(String) });
  });
});
