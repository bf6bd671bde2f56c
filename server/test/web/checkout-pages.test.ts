import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../helpers/browser.ts";
import { pageErrors, type ShopFixture, screenshot, startShop, waitFor } from "./checkout-fixtures.ts";

/** The checkout page's screens, languages, themes and layout, in Chromium against a Till on litecoin regtest. */
describe("the checkout page", () => {
  let shop: ShopFixture;
  let browser: TestBrowser;
  let storeId: string;

  beforeAll(async () => {
    shop = await startShop();
    browser = await launchBrowser();
    storeId = (await shop.storeWithWallet({ transaction_speed: 0 })).id;
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });

  const newInvoice = (body: Record<string, unknown> = {}) =>
    shop.invoice({ price: "0.1", currency: "LTC", store_id: storeId, ...body });
  const open = async (page: Page, id: string) => {
    await page.goto(`${shop.app.baseUrl}/i/${id}`);
    await page.locator(".checkout[data-status]").waitFor();
  };
  const expire = async (id: string) => {
    await shop.app.till.db.kysely
      .updateTable("invoices")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", id)
      .execute();
    await shop.app.till.services.tracker.refresh(id);
  };
  const bodyBackground = (page: Page) =>
    page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { body: object } }).document;
      const style = (globalThis as unknown as { getComputedStyle(e: object): { backgroundColor: string } })
        .getComputedStyle;
      return style(doc.body).backgroundColor;
    });

  it("says clearly when the invoice does not exist", async () => {
    const page = await browser.page({ locale: "en-US" });
    await page.goto(`${shop.app.baseUrl}/i/no-such-invoice`);
    await page.getByTestId("not-found").waitFor();
    expect(await page.getByRole("heading").textContent()).toBe("Invoice not found");
  });

  it("speaks the browser's language, switches language on request and remembers it", async () => {
    const invoice = await newInvoice();
    const page = await browser.page({ locale: "es-ES" });
    await open(page, invoice.id);
    expect(await page.locator("html").getAttribute("lang")).toBe("es");
    expect(await page.getByText("Importe", { exact: true }).count()).toBe(1);
    await page.getByTestId("language").selectOption("de");
    await page.getByText("Betrag", { exact: true }).waitFor();
    expect(await page.getByRole("link", { name: "In Wallet öffnen" }).count()).toBe(1);
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    expect(await page.locator("html").getAttribute("dir")).toBe("ltr");
    await page.reload();
    await page.getByText("Läuft ab in").waitFor();
    await page.getByTestId("language").selectOption("ru");
    await page.getByText("Сумма", { exact: true }).waitFor();
    await page.getByTestId("language").selectOption("pt");
    await page.getByText("Valor", { exact: true }).waitFor();
  });

  it("follows the system's dark scheme, switches theme on request and keeps the choice", async () => {
    const invoice = await newInvoice();
    const light = await browser.page({ colorScheme: "light", locale: "en-US" });
    await open(light, invoice.id);
    const lightBackground = await bodyBackground(light);
    const dark = await browser.page({ colorScheme: "dark", locale: "en-US", viewport: { width: 390, height: 844 } });
    await open(dark, invoice.id);
    const darkBackground = await bodyBackground(dark);
    await dark.getByTestId("qr").locator("svg").waitFor();
    await screenshot(dark, "checkout-pending-dark");
    expect(darkBackground).not.toBe(lightBackground);

    await light.getByTestId("theme-toggle").click();
    expect(await light.locator("html").getAttribute("data-theme")).toBe("dark");
    expect(await bodyBackground(light)).toBe(darkBackground);
    await light.reload();
    await light.locator(".checkout[data-status]").waitFor();
    expect(await bodyBackground(light)).toBe(darkBackground);
    await light.getByTestId("theme-toggle").click();
    expect(await bodyBackground(light)).toBe(lightBackground);
  });

  it("opens in dark mode when the store asks for it", async () => {
    const darkStore = await shop.storeWithWallet({ use_dark_mode: true });
    const invoice = await shop.invoice({ price: "0.1", currency: "LTC", store_id: darkStore.id });
    const page = await browser.page({ colorScheme: "light", locale: "en-US" });
    await open(page, invoice.id);
    await expect.poll(() => page.locator("html").getAttribute("data-theme")).toBe("dark");
  });

  it("fits a 360 px wide phone screen without horizontal scrolling", async () => {
    const invoice = await newInvoice();
    const page = await browser.page({ viewport: { width: 360, height: 740 }, locale: "de-DE", isMobile: true });
    const errors = pageErrors(page);
    await open(page, invoice.id);
    await page.getByTestId("qr").locator("svg").waitFor();
    const widths = await page.evaluate(() => {
      const root = (
        globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
      ).document.documentElement;
      return { scroll: root.scrollWidth, client: root.clientWidth };
    });
    expect(widths.client).toBe(360);
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    expect(errors).toEqual([]);
  });

  it("shows the expired screen when the invoice expires while the page is open", async () => {
    const invoice = await newInvoice();
    const page = await browser.page({ locale: "en-US" });
    await open(page, invoice.id);
    await page.getByTestId("amount").waitFor();
    await expire(invoice.id);
    // The screen may render again as the final state settles: wait for the heading rather than count it once.
    await page.getByTestId("status-expired").getByRole("heading", { name: "This invoice has expired" }).waitFor();
    expect(await page.getByRole("heading", { name: "This invoice has expired" }).count()).toBe(1);
  });

  it("falls back to Server-Sent Events when the websocket cannot connect", async () => {
    const invoice = await newInvoice();
    const page = await browser.page({ locale: "en-US" });
    const events: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith(`/invoices/${invoice.id}/events`)) events.push(request.url());
    });
    await page.routeWebSocket(/\/ws\/invoices\//, (socket) => socket.close({ code: 1011 }));
    await open(page, invoice.id);
    await expect.poll(() => events.length).toBeGreaterThan(0);
    await expire(invoice.id);
    await page.getByTestId("status-expired").waitFor();
  });

  it("tells a payer who paid after expiry that the payment arrived late", async () => {
    const invoice = await newInvoice();
    await expire(invoice.id);
    const page = await browser.page({ locale: "en-US" });
    await open(page, invoice.id);
    await page.getByTestId("status-expired").waitFor();
    await shop.node.send(invoice.payments[0].payment_address, "0.1");
    // An expired invoice's stream has ended (expired is final): the notice shows when the payer comes back.
    await waitFor(async () => (await shop.invoiceStatus(invoice.id)).exception_status === "paid_late", "paid_late");
    await page.reload();
    await page.getByTestId("notice-paid_late").waitFor();
    expect(await page.getByTestId("notice-paid_late").textContent()).toContain("after the invoice expired");
  });

  it("asks for the rest after a partial payment, with a QR code for what is still due", async () => {
    const invoice = await newInvoice();
    const page = await browser.page({ locale: "en-US" });
    await open(page, invoice.id);
    await shop.node.send(invoice.payments[0].payment_address, "0.04");
    await page.getByTestId("partial-notice").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("partial-notice").textContent()).toBe(
      "We received 0.04 LTC. Please send the rest: 0.06 LTC.",
    );
    await expect.poll(() => page.getByTestId("amount").textContent()).toBe("0.06 LTC");
    expect(await page.getByTestId("qr").getAttribute("data-qr-text")).toBe(
      `litecoin:${invoice.payments[0].payment_address}?amount=0.06`,
    );
    await shop.node.send(invoice.payments[0].payment_address, "0.06");
    await page.getByTestId("status-complete").waitFor({ timeout: 30_000 });
  });

  it("asks for the email the store requires, shows the server's field error, then the payment details", async () => {
    const strict = await shop.storeWithWallet({ email_required: true, ask_address: true });
    const invoice = await shop.invoice({ price: "0.1", currency: "LTC", store_id: strict.id });
    const page = await browser.page({ locale: "en-US" });
    await open(page, invoice.id);
    await page.getByTestId("customer-form").waitFor();
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Shipping address").fill("1 Main St, Springfield");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.locator("#buyer-email-error").waitFor();
    expect(await page.getByLabel("Email").getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("Email").fill("payer@example.com");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByTestId("amount").waitFor();
    expect(await shop.invoiceStatus(invoice.id)).toMatchObject({
      buyer_email: "payer@example.com",
      shipping_address: "1 Main St, Springfield",
    });
  });

  it("switches between payment methods, each with its own address and QR code", async () => {
    const twoWallets = await shop.storeWithWallet({}, "USD", 2);
    const invoice = await shop.invoice({ price: "4", store_id: twoWallets.id });
    expect(invoice.payments).toHaveLength(2);
    const page = await browser.page({ locale: "en-US" });
    await open(page, invoice.id);
    for (const [index, method] of invoice.payments.entries()) {
      const button = page.getByRole("button", { name: `LTC ${index + 1}` });
      await button.click();
      expect(await button.getAttribute("aria-pressed")).toBe("true");
      await expect.poll(() => page.getByTestId("address").textContent()).toBe(method.payment_address);
      expect(await page.getByTestId("qr").getAttribute("data-qr-text")).toBe(method.payment_url);
    }
  });

  it("copies the address and amount from the keyboard", async () => {
    const invoice = await newInvoice();
    const context = await browser.context({ locale: "en-US", permissions: ["clipboard-read", "clipboard-write"] });
    const page = await context.newPage();
    await open(page, invoice.id);
    const clipboard = () => page.evaluate("navigator.clipboard.readText()");
    await page.getByRole("button", { name: "Copy address" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(clipboard).toBe(invoice.payments[0].payment_address);
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    expect(await page.evaluate("document.activeElement.getAttribute('aria-label')")).toBe("Copy amount");
    await page.keyboard.press("Space");
    await expect.poll(clipboard).toBe("0.1");
  });

  it("shows the invalid screen when the merchant marks the invoice invalid", async () => {
    const invoice = await newInvoice();
    const page = await browser.page({ locale: "en-US" });
    await open(page, invoice.id);
    await page.getByTestId("amount").waitFor();
    const marked = await shop.app.call("POST", "/invoices/batch", {
      token: shop.token,
      body: { ids: [invoice.id], command: "mark_invalid" },
    });
    expect(marked.statusCode, marked.body).toBe(200);
    await page.getByTestId("status-invalid").waitFor();
  });

  it("redirects to the store's page once paid", async () => {
    const target = `${shop.app.baseUrl}/store/${storeId}`;
    const invoice = await newInvoice({ redirect_url: target });
    const page = await browser.page({ locale: "en-US" });
    await open(page, invoice.id);
    await shop.node.send(invoice.payments[0].payment_address, "0.1");
    await page.waitForURL(target, { timeout: 30_000 });
  });
});
