import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../helpers/browser.ts";
import { type ShopFixture, startShop } from "./checkout-fixtures.ts";

/** The customer's refund page: the offered amount, and the address form with the server's validation. */
describe("the refund page", () => {
  let shop: ShopFixture;
  let browser: TestBrowser;

  beforeAll(async () => {
    shop = await startShop();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });

  it("shows the refund, the server's error next to a bad address, then the submitted address", async () => {
    const store = await shop.storeWithWallet();
    const invoice = await shop.invoice({ price: "0.1", currency: "LTC", store_id: store.id });
    const created = await shop.app.call("POST", `/invoices/${invoice.id}/refunds`, {
      token: shop.token,
      body: { amount: "0.05", currency: "LTC" },
    });
    expect(created.statusCode, created.body).toBe(200);
    const refundId = created.json().id as string;

    const page = await browser.page({ locale: "en-US" });
    await page.goto(`${shop.app.baseUrl}/refunds/${refundId}`);
    await page.getByTestId("refund-form").waitFor();
    expect(await page.getByTestId("refund-amount").textContent()).toBe("0.05 LTC");
    expect(await page.getByText(`For invoice ${invoice.id}`).count()).toBe(1);

    const field = page.getByLabel("Your address to receive the refund");
    await field.fill("not-an-address");
    await page.getByRole("button", { name: "Request refund" }).click();
    await page.getByTestId("destination-error").waitFor();
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    expect(await field.getAttribute("aria-describedby")).toBe("refund-destination-error");

    const { address } = await shop.node.newAddress("bech32");
    await field.fill(address);
    await page.getByRole("button", { name: "Request refund" }).click();
    await page.getByTestId("refund-submitted").waitFor();
    expect(await page.getByTestId("refund-submitted").locator("code").textContent()).toBe(address);
    await page.reload();
    await page.getByTestId("refund-submitted").waitFor();
    expect(await page.getByTestId("refund-form").count()).toBe(0);
  });

  it("says when the refund does not exist", async () => {
    const page = await browser.page({ locale: "en-US" });
    await page.goto(`${shop.app.baseUrl}/refunds/no-such-refund`);
    await page.getByTestId("not-found").waitFor();
    expect(await page.getByRole("heading").textContent()).toBe("Refund not found");
  });
});
