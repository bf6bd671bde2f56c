import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { type LitecoindNode, litecoinTillEnv, startLitecoind, waitFor } from "../chain/litecoind.ts";
import { registerUser } from "../helpers/test-app.ts";
import { sendMultipart, tinyPng } from "../helpers/uploads.ts";
import { createListeningApp, type ListeningApp } from "../helpers/web-app.ts";

/**
 * A Till listening on a real port, paid through a litecoind regtest node, with a registered merchant: what the
 * checkout, store and till.js tests drive from a browser.
 */
export interface ShopFixture {
  app: ListeningApp;
  node: LitecoindNode;
  token: string;
  close(): Promise<void>;
  storeWithWallet(
    checkout?: Record<string, unknown>,
    currency?: string,
    walletCount?: number,
  ): Promise<{ id: string; name: string }>;
  product(storeId: string, fields: Record<string, unknown>, rgb?: [number, number, number]): Promise<{ id: string }>;
  invoice(body: Record<string, unknown>): Promise<Record<string, any>>;
  invoiceStatus(id: string): Promise<Record<string, any>>;
}

/** `TILL_TEST_WEB_DIR` points the tests at a build other than web/dist (e.g. one made while web/dist is stale). */
const webDir: Record<string, string> = process.env.TILL_TEST_WEB_DIR
  ? { TILL_WEB_DIR: process.env.TILL_TEST_WEB_DIR }
  : {};

export async function startShop(): Promise<ShopFixture> {
  const node = await startLitecoind();
  const app = await createListeningApp({
    ...litecoinTillEnv(node),
    TILL_FIXED_RATES: "LTC_USD=80,LTC_EUR=75",
    ...webDir,
  });
  const { token } = await registerUser(app);
  await app.till.startWatchers();
  app.till.services.jobs.start();

  return {
    app,
    node,
    token,
    close: async () => {
      await app.close();
      await node.stop();
    },
    storeWithWallet: async (checkout = {}, currency = "USD", walletCount = 1) => {
      const wallets: string[] = [];
      for (let i = 0; i < walletCount; i++) {
        const key = (await app.call("POST", "/wallets/create", { token, body: { currency: "ltc" } })).json().key;
        const wallet = await app.call("POST", "/wallets", { token, body: { name: "w", currency: "ltc", xpub: key } });
        expect(wallet.statusCode, wallet.body).toBe(200);
        wallets.push(wallet.json().id);
      }
      const store = await app.call("POST", "/stores", {
        token,
        body: {
          name: "Corner Shop",
          default_currency: currency,
          wallets,
          checkout_settings: { email_required: false, ...checkout },
        },
      });
      expect(store.statusCode, store.body).toBe(200);
      return store.json();
    },
    product: async (storeId, fields, rgb = [30, 94, 255]) => {
      const response = await sendMultipart(app, "POST", "/products", token, {
        data: JSON.stringify({ quantity: -1, store_id: storeId, ...fields }),
        image: { content: tinyPng(rgb), filename: "product.png", type: "image/png" },
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    },
    invoice: async (body) => {
      const response = await app.call("POST", "/invoices", { body });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    },
    invoiceStatus: async (id) => (await app.call("GET", `/invoices/${id}`)).json(),
  };
}

const SCREENSHOTS = path.resolve(import.meta.dirname, "../../../docs/screenshots");

/** Saves a PNG of the page into docs/screenshots (kept in the repository so readers can see the pages). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Collects uncaught page errors, so a test can assert the page ran cleanly. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

export { waitFor };
