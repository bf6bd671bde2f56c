import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../helpers/browser.ts";
import { createListeningApp, type ListeningApp } from "../helpers/web-app.ts";

let app: ListeningApp;
let browser: TestBrowser;

beforeAll(async () => {
  app = await createListeningApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("the built pages", () => {
  it.each([
    ["/admin", "DENY"],
    ["/admin/stores", "DENY"],
    ["/store", "DENY"],
    ["/i/some-invoice", undefined],
  ])("serves %s with the framing rule of its page", async (route, frameOptions) => {
    const response = await fetch(app.baseUrl + route);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.headers.get("x-frame-options") ?? undefined).toBe(frameOptions);
    expect(response.headers.get("content-security-policy")).toContain(
      frameOptions ? "frame-ancestors 'none'" : "frame-ancestors *",
    );
  });

  it("serves hashed assets with a long cache and renders each entry in Chromium", async () => {
    const page = await browser.page();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const assets: string[] = [];
    page.on("response", (response) => {
      if (response.url().includes("/assets/")) assets.push(response.headers()["cache-control"] ?? "");
    });
    for (const route of ["/admin", "/i/x", "/store"]) {
      await page.goto(app.baseUrl + route);
      await page.locator("#root > *").first().waitFor();
    }
    expect(errors).toEqual([]);
    expect(assets.length).toBeGreaterThan(0);
    for (const cache of assets) expect(cache).toContain("immutable");
  });
});
