import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../helpers/browser.ts";
import { pageErrors, type ShopFixture, screenshot, startShop, waitFor } from "./checkout-fixtures.ts";

/** A buyer in Chromium: the store page, the cart, the checkout, and a payment on a litecoin regtest chain. */
describe("buying in the store and paying at the checkout", () => {
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

  it("sells a product from the grid, shows the QR and amount, and turns paid then complete without a reload", async () => {
    const store = await shop.storeWithWallet({ transaction_speed: 1, email_required: true });
    const mug = await shop.product(store.id, { name: "Mug", price: "8", category: "kitchen" }, [200, 120, 40]);
    await shop.product(store.id, { name: "Poster", price: "4", category: "art" }, [40, 160, 90]);
    const page = await browser.page({ viewport: { width: 390, height: 844 }, locale: "en-US", colorScheme: "light" });
    const errors = pageErrors(page);

    // The first store of the superuser is the server's default store: /store shows it.
    await page.goto(`${shop.app.baseUrl}/store`);
    await expect.poll(() => page.getByTestId("store-name").textContent()).toBe("Corner Shop");
    await page.goto(`${shop.app.baseUrl}/store/${store.id}`);
    await expect.poll(() => page.getByTestId("product-card").count()).toBe(2);
    const image = page.getByTestId("product-card").first().locator("img");
    await expect.poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    await screenshot(page, "store-grid-mobile");

    await page.getByLabel("Search products").fill("mug");
    await expect.poll(() => page.getByTestId("product-card").count()).toBe(1);
    await page.getByLabel("Search products").fill("");
    await page.getByLabel("Category").selectOption("art");
    await expect
      .poll(() => page.getByTestId("product-card").allTextContents())
      .toEqual([expect.stringContaining("Poster")]);
    await page.getByLabel("Category").selectOption("all");
    await expect.poll(() => page.getByTestId("product-card").count()).toBe(2);

    await page.getByRole("button", { name: "Add to cart: Mug" }).click();
    await page.getByRole("button", { name: "Add to cart: Mug" }).click();
    await expect.poll(() => page.getByTestId("cart-count").textContent()).toBe("2");
    // The cart lives in the browser: it survives a reload.
    await page.reload();
    await expect.poll(() => page.getByTestId("cart-count").textContent()).toBe("2");
    await page.getByTestId("nav-cart").click();
    await page.getByLabel("Quantity: Mug").fill("1");
    await expect.poll(() => page.getByTestId("cart-total").textContent()).toBe("$8.00");
    await page.getByLabel("Email").fill("buyer@example.com");
    await page.getByRole("button", { name: "Checkout" }).click();
    await page.waitForURL(/\/i\/[^/]+$/);
    const invoiceId = new URL(page.url()).pathname.split("/").at(-1)!;

    const created = await shop.invoiceStatus(invoiceId);
    expect(created).toMatchObject({
      store_id: store.id,
      price: "8.00",
      currency: "USD",
      buyer_email: "buyer@example.com",
      product_quantities: { [mug.id]: 1 },
    });
    const method = created.payments[0];
    await expect.poll(() => page.getByTestId("amount").textContent()).toBe("0.1 LTC");
    expect(await page.getByTestId("fiat-amount").textContent()).toBe("8.00 USD");
    expect(await page.getByTestId("address").textContent()).toBe(method.payment_address);
    expect(await page.getByTestId("qr").getAttribute("data-qr-text")).toBe(method.payment_url);
    await expect.poll(() => page.getByTestId("qr").locator("svg").count()).toBe(1);
    expect(await page.getByTestId("open-wallet").getAttribute("href")).toBe(method.payment_url);
    expect(await page.getByTestId("countdown").textContent()).toMatch(/^1[45]:\d\d$/);
    await screenshot(page, "checkout-pending");

    // A marker on the window shows the page was never reloaded while the status moved on.
    await page.evaluate(() => Object.assign(globalThis, { stayedLoaded: true }));
    await shop.node.send(method.payment_address, "0.1");
    await page.getByTestId("status-paid").waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId("received").textContent()).toBe("Received: 0.1 LTCConfirmations: 0 of 1");
    await screenshot(page, "checkout-paid");
    await shop.node.mine(1);
    await page.getByTestId("status-complete").waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (globalThis as { stayedLoaded?: boolean }).stayedLoaded)).toBe(true);
    await screenshot(page, "checkout-complete");
    // The cart was emptied once the invoice was created.
    await page.goto(`${shop.app.baseUrl}/store/${store.id}`);
    await expect.poll(() => page.getByTestId("cart-count").textContent()).toBe("0");
    expect(errors).toEqual([]);
  });

  it("applies a promo code entered in the cart to the invoice's amount", async () => {
    const store = await shop.storeWithWallet();
    const discount = await shop.app.call("POST", "/discounts", {
      token: shop.token,
      body: {
        name: "Half price",
        percent: 50,
        promocode: "HALF",
        end_date: new Date(Date.now() + 86_400_000).toISOString(),
      },
    });
    expect(discount.statusCode, discount.body).toBe(200);
    await shop.product(store.id, { name: "Lamp", price: "8", discounts: [discount.json().id] });
    const page = await browser.page({ locale: "en-US" });
    await page.goto(`${shop.app.baseUrl}/store/${store.id}`);
    await page.getByRole("button", { name: "Add to cart: Lamp" }).click();
    await page.getByTestId("nav-cart").click();
    await page.getByLabel("Promo code").fill("HALF");
    await page.getByRole("button", { name: "Checkout" }).click();
    await page.waitForURL(/\/i\/[^/]+$/);
    const invoiceId = new URL(page.url()).pathname.split("/").at(-1)!;
    expect(await shop.invoiceStatus(invoiceId)).toMatchObject({ price: "8.00", promocode: "HALF" });
    // 8 USD at 80 USD/LTC is 0.1 LTC; half of it is due.
    await expect.poll(() => page.getByTestId("amount").textContent()).toBe("0.05 LTC");
  });

  it("shows a product page and the grid on a desktop screen", async () => {
    const store = await shop.storeWithWallet();
    const product = await shop.product(store.id, { name: "Tea", price: "3.5", description: "Green tea, 100 g" });
    for (const [name, rgb] of [
      ["Cup", [180, 60, 60]],
      ["Kettle", [60, 60, 180]],
      ["Spoon", [90, 150, 60]],
    ] as const) {
      await shop.product(store.id, { name, price: "12" }, [...rgb]);
    }
    const page = await browser.page({ viewport: { width: 1280, height: 800 }, locale: "en-US", colorScheme: "light" });
    await page.goto(`${shop.app.baseUrl}/store/${store.id}`);
    await expect.poll(() => page.getByTestId("product-card").count()).toBe(4);
    await screenshot(page, "store-grid");
    await page.getByRole("link", { name: "Tea" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Tea" }).count()).toBe(1);
    expect(page.url()).toBe(`${shop.app.baseUrl}/store/${store.id}/product/${product.id}`);
    await expect.poll(() => page.locator(".description").textContent()).toBe("Green tea, 100 g");
    await page.getByLabel("Quantity").fill("3");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect.poll(() => page.getByTestId("cart-count").textContent()).toBe("3");
    await page.goBack();
    await page.getByLabel("Highest price").fill("5");
    await expect.poll(() => page.getByTestId("product-card").count()).toBe(1);
  });

  it("pages through a catalogue of more than 12 products", async () => {
    const store = await shop.storeWithWallet();
    for (let i = 1; i <= 14; i++) await shop.product(store.id, { name: `Item ${i}`, price: `${i}` });
    const page = await browser.page({ locale: "en-US" });
    await page.goto(`${shop.app.baseUrl}/store/${store.id}`);
    await expect.poll(() => page.getByTestId("product-card").count()).toBe(12);
    expect(await page.getByText("Page 1 of 2").count()).toBe(1);
    await page.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => page.getByTestId("product-card").count()).toBe(2);
    expect(await page.getByText("Page 2 of 2").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Next" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Previous" }).click();
    await expect.poll(() => page.getByTestId("product-card").count()).toBe(12);
  });

  it("charges the amount typed on the POS keypad, less the discount, plus the tip", async () => {
    const store = await shop.storeWithWallet({ pos_screen_enabled: true });
    const page = await browser.page({ viewport: { width: 390, height: 844 }, locale: "en-US", colorScheme: "light" });
    await page.goto(`${shop.app.baseUrl}/store/${store.id}`);
    await page.getByTestId("nav-pos").click();
    for (const key of ["1", "2", ".", "5", "0", "7"])
      await page.getByRole("button", { name: key, exact: true }).click();
    // Two decimals at most for USD: the last digit is ignored.
    await expect.poll(() => page.getByTestId("pos-amount").textContent()).toBe("$12.50");
    await page.getByLabel("Discount (%)").fill("10");
    await page.getByText("10%", { exact: true }).click();
    // 12.50 − 10 % = 11.25; + 10 % tip = 12.375 → 12.38.
    await expect.poll(() => page.getByTestId("pos-charge").textContent()).toBe("Charge $12.38");
    await screenshot(page, "pos-keypad");
    await page.getByTestId("pos-charge").click();
    await page.waitForURL(/\/i\/[^/]+$/);
    const invoiceId = new URL(page.url()).pathname.split("/").at(-1)!;
    const invoice = await waitFor(async () => {
      const found = await shop.invoiceStatus(invoiceId);
      return found.id ? found : undefined;
    }, "the POS invoice");
    expect(invoice).toMatchObject({ price: "12.38", currency: "USD", store_id: store.id });
    await expect.poll(() => page.getByTestId("fiat-amount").textContent()).toBe("12.38 USD");
  });

  it("fits a 360 px wide phone screen on the grid, the cart and the keypad", async () => {
    const store = await shop.storeWithWallet({ email_required: true });
    await shop.product(store.id, { name: "A product with a rather long name that has to wrap", price: "1234567.89" });
    const page = await browser.page({ viewport: { width: 360, height: 740 }, locale: "ru-RU", isMobile: true });
    const overflow = () =>
      page.evaluate(() => {
        const root = (
          globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
        ).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
    await page.goto(`${shop.app.baseUrl}/store/${store.id}`);
    await page.getByTestId("product-card").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole("button", { name: /^В корзину/ }).click();
    await page.getByTestId("nav-cart").click();
    await page.getByTestId("cart-line").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByTestId("nav-pos").click();
    await page.getByTestId("pos-charge").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
  });

  it("hides the keypad when the store turns the POS screen off", async () => {
    const store = await shop.storeWithWallet({ pos_screen_enabled: false });
    const page = await browser.page();
    await page.goto(`${shop.app.baseUrl}/store/${store.id}`);
    await expect.poll(() => page.getByTestId("store-name").textContent()).toBe("Corner Shop");
    expect(await page.getByTestId("nav-pos").count()).toBe(0);
  });
});
