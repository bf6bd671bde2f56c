import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, registerUser, type TestApp } from "./helpers/test-app.ts";

/**
 * Invoice creation without a reachable chain backend: addresses are derived locally and rates come from
 * the cache, so a merchant can take orders while the node is down (payments are seen once it is back).
 */
describe("invoice creation with the chain backend unreachable", () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await createTestApp({
      TILL_CRYPTOS: "ltc",
      LTC_NETWORK: "regtest",
      LTC_BACKEND: "bitcoind",
      // Nothing listens on port 1: every call to the backend fails.
      LTC_BITCOIND_URL: "http://user:pass@127.0.0.1:1",
      TILL_FIXED_RATES: "LTC_USD=80",
    });
    token = (await registerUser(app)).token;
  });
  afterAll(async () => {
    await app?.close();
  });

  const storeWithProduct = async () => {
    const key = (await app.call("POST", "/wallets/create", { token, body: { currency: "ltc" } })).json().key;
    const wallet = (
      await app.call("POST", "/wallets", { token, body: { name: "w", currency: "ltc", xpub: key } })
    ).json();
    const store = (
      await app.call("POST", "/stores", {
        token,
        body: { name: "Shop", default_currency: "USD", wallets: [wallet.id] },
      })
    ).json();
    const product = (
      await app.call("POST", "/products", {
        token,
        body: { name: "Mug", price: "40", quantity: "-1", store_id: store.id },
      })
    ).json();
    return { store, product, wallet };
  };
  const discount = async (body: Record<string, unknown>) => {
    const response = await app.call("POST", "/discounts", {
      token,
      body: { name: "d", end_date: "2099-01-01T00:00:00Z", ...body },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().id as string;
  };
  const linkDiscounts = async (productId: string, ids: string[]) => {
    const patched = await app.call("PATCH", `/products/${productId}`, { token, body: { discounts: ids } });
    expect(patched.statusCode, patched.body).toBe(200);
  };
  const buy = (storeId: string, productId: string, extra: Record<string, unknown> = {}) =>
    app.call("POST", "/invoices", { body: { price: "40", store_id: storeId, products: { [productId]: 1 }, ...extra } });

  it("creates an invoice with a fresh address while the node cannot be reached", async () => {
    const { store } = await storeWithProduct();
    const first = await app.call("POST", "/invoices", { body: { price: "8", store_id: store.id } });
    const second = await app.call("POST", "/invoices", { body: { price: "8", store_id: store.id } });
    expect(first.statusCode, first.body).toBe(200);
    expect(second.statusCode, second.body).toBe(200);
    expect(first.json().payments[0]).toMatchObject({ amount: "0.10000000", rate: "80" });
    expect(first.json().payments[0].payment_address).toMatch(/^rltc1/);
    expect(second.json().payments[0].payment_address).not.toBe(first.json().payments[0].payment_address);
  });

  it("applies the product's best discount for the payment currency and the promocode given", async () => {
    const { store, product } = await storeWithProduct();
    const open = await discount({ percent: 10 });
    const coded = await discount({ percent: 25, promocode: "SPRING" });
    const otherCoin = await discount({ percent: 50, currencies: "btc" });
    await linkDiscounts(product.id, [open, coded, otherCoin]);

    const plain = (await buy(store.id, product.id)).json();
    // 40 USD - 10% = 36 USD at 80 USD/LTC.
    expect(plain.payments[0]).toMatchObject({ amount: "0.45000000", discount: open });
    expect(plain).toMatchObject({ price: "40.00", discount: open });

    const withCode = (await buy(store.id, product.id, { promocode: "SPRING" })).json();
    expect(withCode.payments[0]).toMatchObject({ amount: "0.37500000", discount: coded });
    expect(withCode.promocode).toBe("SPRING");

    const wrongCode = (await buy(store.id, product.id, { promocode: "spring" })).json();
    expect(wrongCode.payments[0]).toMatchObject({ amount: "0.45000000", discount: open });
  });

  it("ignores ended discounts and invoices without products", async () => {
    const { store, product } = await storeWithProduct();
    const ended = await discount({ percent: 30, end_date: "2001-01-01T00:00:00Z" });
    await linkDiscounts(product.id, [ended]);
    const bought = (await buy(store.id, product.id)).json();
    expect(bought.payments[0]).toMatchObject({ amount: "0.50000000", discount: null });
    expect(bought.discount).toBeNull();
    const live = await discount({ percent: 30 });
    await linkDiscounts(product.id, [live]);
    const noProducts = (await app.call("POST", "/invoices", { body: { price: "40", store_id: store.id } })).json();
    expect(noProducts.payments[0]).toMatchObject({ amount: "0.50000000", discount: null });
  });

  it("never applies another user's discount, even one linked by id", async () => {
    const { store, product } = await storeWithProduct();
    const other = await registerUser(app);
    const foreign = await app.call("POST", "/discounts", {
      token: other.token,
      body: { name: "x", percent: 90, end_date: "2099-01-01T00:00:00Z" },
    });
    const linked = await app.call("PATCH", `/products/${product.id}`, {
      token,
      body: { discounts: [foreign.json().id] },
    });
    expect(linked.statusCode).not.toBe(500);
    const bought = (await buy(store.id, product.id)).json();
    expect(bought.payments[0]).toMatchObject({ amount: "0.50000000", discount: null });
  });
});
