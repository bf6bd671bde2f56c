import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../helpers/browser.ts";
import { Receiver } from "../helpers/receiver.ts";
import { type ShopFixture, screenshot, startShop } from "./checkout-fixtures.ts";

interface Received {
  origin: string;
  data: { source: string; type: string; invoice_id?: string; status?: string; exception_status?: string };
}

/** A merchant's page on another origin opens the checkout with till.js and hears its status messages. */
describe("till.js", () => {
  let shop: ShopFixture;
  let browser: TestBrowser;
  let merchant: Receiver;

  beforeAll(async () => {
    shop = await startShop();
    browser = await launchBrowser();
    merchant = await Receiver.start();
    merchant.on("/shop.html", () => ({
      headers: { "content-type": "text/html; charset=utf-8" },
      body: `<!doctype html>
<html lang="en"><head><title>Merchant</title></head>
<body>
  <h1>A merchant's shop</h1>
  <script src="${shop.app.baseUrl}/till.js"></script>
  <script>
    window.received = [];
    window.entered = 0;
    window.left = 0;
    till.onModalReceiveMessage((event) => window.received.push({ origin: event.origin, data: event.data }));
    till.onModalWillEnter(() => window.entered++);
    till.onModalWillLeave(() => window.left++);
  </script>
</body></html>`,
    }));
  });
  afterAll(async () => {
    await merchant?.close();
    await browser?.close();
    await shop?.close();
  });

  it("serves till.js to any origin", async () => {
    const response = await fetch(`${shop.app.baseUrl}/till.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("javascript");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await response.text()).toContain("showInvoice");
  });

  it("opens the checkout in an iframe modal, passes on its status messages only, and closes", async () => {
    const store = await shop.storeWithWallet({ transaction_speed: 1 });
    const invoice = await shop.invoice({ price: "0.2", currency: "LTC", store_id: store.id });
    const page = await browser.page({ viewport: { width: 1280, height: 800 }, locale: "en-US", colorScheme: "light" });
    await page.goto(merchant.url("/shop.html"));
    const received = () => page.evaluate("window.received") as Promise<Received[]>;
    const statuses = async () => (await received()).filter((m) => m.data.type === "status").map((m) => m.data.status);

    await page.evaluate(`till.showInvoice(${JSON.stringify(invoice.id)})`);
    const iframe = page.locator('iframe[name="till-checkout"]');
    expect(await iframe.getAttribute("src")).toBe(`${shop.app.baseUrl}/i/${invoice.id}?modal=true`);
    expect(await page.evaluate("window.entered")).toBe(1);
    const checkout = page.frameLocator('iframe[name="till-checkout"]');
    await checkout.getByTestId("amount").waitFor();
    await expect.poll(statuses).toEqual(["pending"]);
    await screenshot(page, "checkout-modal");

    // A message from any other origin or window is not passed on, even if it looks like the checkout's.
    await page.evaluate(`window.postMessage({ source: "till", type: "status", status: "complete" }, "*")`);
    await shop.node.send(invoice.payments[0].payment_address, "0.2");
    await expect.poll(statuses, { timeout: 30_000 }).toEqual(["pending", "paid"]);
    const messages = await received();
    for (const message of messages) expect(message.origin).toBe(shop.app.baseUrl);
    expect(messages.at(-1)!.data).toMatchObject({
      source: "till",
      type: "status",
      invoice_id: invoice.id,
      status: "paid",
      exception_status: "none",
    });

    await checkout.getByRole("button", { name: "Close" }).click();
    await expect.poll(() => iframe.count()).toBe(0);
    expect(await page.evaluate("window.left")).toBe(1);
    expect((await received()).at(-1)!.data).toMatchObject({ type: "close" });
  });

  it("closes the modal from the merchant's page with hideFrame", async () => {
    const store = await shop.storeWithWallet();
    const invoice = await shop.invoice({ price: "0.2", currency: "LTC", store_id: store.id });
    const page = await browser.page();
    await page.goto(merchant.url("/shop.html"));
    await page.evaluate(`till.showInvoice(${JSON.stringify(invoice.id)})`);
    await page.frameLocator('iframe[name="till-checkout"]').getByTestId("amount").waitFor();
    await page.evaluate("till.hideFrame()");
    expect(await page.locator("iframe").count()).toBe(0);
    expect(await page.evaluate("window.left")).toBe(1);
  });
});
