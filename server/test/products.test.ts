import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, registerUser, type TestApp, tokenWith } from "./helpers/test-app.ts";
import { insertDiscount, insertStore, sendMultipart, tinyGif, tinyPng } from "./helpers/uploads.ts";

const MAX_UPLOAD = 4096;
const DAY = 86_400_000;

describe("products", () => {
  let app: TestApp;
  let owner: Awaited<ReturnType<typeof registerUser>>;
  let other: Awaited<ReturnType<typeof registerUser>>;
  let token: string;
  let otherToken: string;
  let storeId: string;

  const product = (fields: Record<string, unknown>) => ({
    name: "Thing",
    price: "1",
    quantity: 1,
    store_id: storeId,
    ...fields,
  });
  const createJson = (body: Record<string, unknown>, as = token) => app.call("POST", "/products", { token: as, body });
  const onDisk = (relative: string) => path.join(app.till.config.dataDir, relative);

  beforeAll(async () => {
    app = await createTestApp({ TILL_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) });
    await registerUser(app); // the superuser
    owner = await registerUser(app);
    other = await registerUser(app);
    token = await tokenWith(app, owner.token, ["product_management"]);
    otherToken = await tokenWith(app, other.token, ["product_management"]);
    storeId = await insertStore(app, owner.id, "USD");
  });
  afterAll(() => app.close());

  it("creates a product from multipart data JSON and a PNG image, and serves the image with CORS", async () => {
    const png = tinyPng();
    const response = await sendMultipart(app, "POST", "/products", token, {
      data: JSON.stringify({ name: "Poster", price: "9.99", quantity: "5", store_id: storeId, category: "art" }),
      image: { content: png, filename: "../../poster.png", type: "text/plain" },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      name: "Poster",
      price: "9.99",
      quantity: 5,
      store_id: storeId,
      user_id: owner.id,
      status: "active",
      category: "art",
      discounts: [],
      templates: {},
      metadata: {},
      image: `images/products/${body.id}.png`,
    });
    expect(typeof body.created).toBe("string");
    expect(readFileSync(onDisk(body.image)).equals(png)).toBe(true);

    const served = await app.call("GET", `/${body.image}`);
    expect(served.statusCode).toBe(200);
    expect(served.headers["content-type"]).toBe("image/png");
    expect(served.headers["access-control-allow-origin"]).toBe("*");
    expect(served.headers["content-disposition"]).toBeUndefined();
    expect(served.rawPayload.equals(png)).toBe(true);
  });

  it("creates from a JSON body, storing string and number prices exactly", async () => {
    const fromString = await createJson(product({ price: "9.99", quantity: "-1" }));
    const fromNumber = await createJson(product({ price: 9.99, quantity: -1 }));
    const precise = await createJson(product({ price: "12.345678901234567890" }));
    for (const response of [fromString, fromNumber, precise]) expect(response.statusCode).toBe(200);
    expect(fromString.json()).toMatchObject({ price: "9.99", quantity: -1, image: "" });
    expect(fromNumber.json()).toMatchObject({ price: "9.99", quantity: -1 });
    const rows = await app.till.db.kysely
      .selectFrom("products")
      .select(["id", "price"])
      .where("id", "in", [fromString.json().id, fromNumber.json().id, precise.json().id])
      .execute();
    const stored = Object.fromEntries(rows.map((r) => [r.id, r.price]));
    expect(stored[fromString.json().id]).toBe("9.99");
    expect(stored[fromNumber.json().id]).toBe("9.99");
    expect(stored[precise.json().id]).toBe("12.34567890123456789");
    expect(precise.json().price).toBe("12.35");
  });

  it("shows prices with the store currency's decimals", async () => {
    const btcStore = await insertStore(app, owner.id, "BTC");
    const jpyStore = await insertStore(app, owner.id, "JPY");
    const btc = await createJson(product({ price: "0.0001", store_id: btcStore }));
    const jpy = await createJson(product({ price: "1500", store_id: jpyStore }));
    expect(btc.json().price).toBe("0.00010000");
    expect(jpy.json().price).toBe("1500");
  });

  it("answers 422 naming the field for bad input, in multipart and JSON alike", async () => {
    const badPrice = await sendMultipart(app, "POST", "/products", token, {
      data: JSON.stringify(product({ price: "nine" })),
    });
    expect(badPrice.statusCode).toBe(422);
    expect(badPrice.json().detail[0].loc).toEqual(["body", "price"]);

    const negative = await createJson(product({ price: "-1" }));
    expect(negative.statusCode).toBe(422);
    expect(negative.json().detail[0].loc).toEqual(["body", "price"]);

    const quantity = await createJson(product({ quantity: "-2" }));
    expect(quantity.statusCode).toBe(422);
    expect(quantity.json().detail[0].loc).toEqual(["body", "quantity"]);

    const missing = await createJson({ price: "1", quantity: 1, store_id: storeId });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().detail).toContainEqual({ loc: ["body", "name"], msg: "Field required", type: "missing" });

    const brokenJson = await sendMultipart(app, "POST", "/products", token, { data: "{not json" });
    expect(brokenJson.statusCode).toBe(422);
    expect(brokenJson.json().detail[0].loc).toEqual(["body", "data"]);

    const notObject = await sendMultipart(app, "POST", "/products", token, { data: "[1,2]" });
    expect(notObject.statusCode).toBe(422);
  });

  it("refuses an image that is not a PNG, JPEG, GIF or WebP by its bytes", async () => {
    const response = await sendMultipart(app, "POST", "/products", token, {
      data: JSON.stringify(product({ name: "Fake image" })),
      image: { content: "<script>alert(1)</script>", filename: "x.png", type: "image/png" },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().detail[0].loc).toEqual(["body", "image"]);
    const rows = await app.till.db.kysely
      .selectFrom("products")
      .select("id")
      .where("name", "=", "Fake image")
      .execute();
    expect(rows).toEqual([]);
  });

  it("answers 413 for an image larger than the upload limit", async () => {
    const big = Buffer.concat([tinyPng(), Buffer.alloc(MAX_UPLOAD + 1)]);
    const response = await sendMultipart(app, "POST", "/products", token, {
      data: JSON.stringify(product({ name: "Huge" })),
      image: { content: big, filename: "big.png", type: "image/png" },
    });
    expect(response.statusCode).toBe(413);
  });

  it("edits fields and replaces, keeps or removes the image", async () => {
    const created = await sendMultipart(app, "POST", "/products", token, {
      data: JSON.stringify(product({ name: "Mug" })),
      image: { content: tinyPng(), filename: "mug.png" },
    });
    const id = created.json().id;
    const gif = await sendMultipart(app, "PATCH", `/products/${id}`, token, {
      data: JSON.stringify({ price: "4.5", status: "disabled" }),
      image: { content: tinyGif(), filename: "mug.gif", type: "image/gif" },
    });
    expect(gif.statusCode).toBe(200);
    expect(gif.json()).toMatchObject({
      name: "Mug",
      price: "4.50",
      status: "disabled",
      image: `images/products/${id}.gif`,
    });
    expect(existsSync(onDisk(`images/products/${id}.png`))).toBe(false);
    expect(readFileSync(onDisk(`images/products/${id}.gif`)).equals(tinyGif())).toBe(true);

    const kept = await app.call("PATCH", `/products/${id}`, { token, body: { name: "Big mug", quantity: "3" } });
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({ name: "Big mug", quantity: 3, image: `images/products/${id}.gif` });

    const removed = await sendMultipart(app, "PATCH", `/products/${id}`, token, {
      data: JSON.stringify({ image: "" }),
    });
    expect(removed.json().image).toBe("");
    expect(existsSync(onDisk(`images/products/${id}.gif`))).toBe(false);
    expect((await app.call("GET", `/images/products/${id}.gif`)).json()).toEqual({ detail: "Not Found" });
  });

  it("deletes the image file with the product, one by one and in batches", async () => {
    const ids: string[] = [];
    for (const name of ["A", "B", "C"]) {
      const response = await sendMultipart(app, "POST", "/products", token, {
        data: JSON.stringify(product({ name })),
        image: { content: tinyPng(), filename: "a.png" },
      });
      ids.push(response.json().id);
    }
    const deleted = await app.call("DELETE", `/products/${ids[0]}`, { token });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json().id).toBe(ids[0]);
    expect(existsSync(onDisk(`images/products/${ids[0]}.png`))).toBe(false);
    expect((await app.call("GET", `/products/${ids[0]}`, { token })).statusCode).toBe(404);

    const batch = await app.call("POST", "/products/batch", { token, body: { ids: ids.slice(1), command: "delete" } });
    expect(batch.json()).toBe(true);
    for (const id of ids.slice(1)) expect(existsSync(onDisk(`images/products/${id}.png`))).toBe(false);
  });

  it("refuses another user's store or discount with 403 and hides other users' products with 404", async () => {
    const foreignStore = await insertStore(app, other.id);
    const store = await createJson(product({ store_id: foreignStore }));
    expect(store.statusCode).toBe(403);
    expect(store.json().detail).toBe("Access denied: attempt to use objects not owned by current user");
    const missingStore = await createJson(product({ store_id: "NO-SUCH-STORE" }));
    expect(missingStore.statusCode).toBe(403);

    const foreignDiscount = await insertDiscount(app, other.id, new Date(Date.now() + DAY));
    expect((await createJson(product({ discounts: [foreignDiscount] }))).statusCode).toBe(403);

    const mine = (await createJson(product({ name: "Private" }))).json().id;
    expect((await app.call("GET", `/products/${mine}`, { token: otherToken })).statusCode).toBe(404);
    expect((await app.call("PATCH", `/products/${mine}`, { token: otherToken, body: { name: "x" } })).statusCode).toBe(
      404,
    );
    expect((await app.call("DELETE", `/products/${mine}`, { token: otherToken })).statusCode).toBe(404);
    await app.call("POST", "/products/batch", { token: otherToken, body: { ids: [mine], command: "delete" } });
    expect((await app.call("GET", `/products/${mine}`, { token })).statusCode).toBe(200);
    const moved = await app.call("PATCH", `/products/${mine}`, { token, body: { store_id: foreignStore } });
    expect(moved.statusCode).toBe(403);
  });

  it("needs product_management without a store", async () => {
    expect((await app.call("GET", "/products")).statusCode).toBe(401);
    expect((await app.call("GET", "/products/categories")).statusCode).toBe(401);
    const wrongScope = await tokenWith(app, owner.token, ["store_management"]);
    expect((await app.call("POST", "/products", { token: wrongScope, body: product({}) })).statusCode).toBe(403);
  });

  describe("public catalogue", () => {
    let shop: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      shop = await insertStore(app, owner.id, "USD");
      const active = await insertDiscount(app, owner.id, new Date(Date.now() + DAY));
      const expired = await insertDiscount(app, owner.id, new Date(Date.now() - DAY));
      const items = [
        { name: "Pen", price: "1.5", category: "office" },
        { name: "Book", price: "9.99", category: "books", discounts: [active] },
        { name: "Lamp", price: "100", category: "home", download_url: "https://secret.example/lamp" },
        { name: "Atlas", price: "10", category: "books", discounts: [expired] },
        { name: "Sticker", price: "0.1", category: "" },
      ];
      for (const item of items) {
        const response = await createJson({ quantity: 1, store_id: shop, ...item });
        expect(response.statusCode).toBe(200);
        ids[item.name] = response.json().id;
      }
    });

    const names = (body: { result: { name: string }[] }) => body.result.map((p) => p.name).sort();
    const list = (query: string) => app.call("GET", `/products?store=${shop}&limit=-1${query}`);

    it("lists a store's products anonymously in the list envelope", async () => {
      const response = await app.call("GET", `/products?store=${shop}&limit=2&offset=0`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.count).toBe(5);
      expect(body.result).toHaveLength(2);
      expect(body.previous).toBeNull();
      expect(body.next).toContain("offset=2");
      expect((await app.call("GET", `/products/count?store=${shop}`)).json()).toBe(5);
    });

    it("filters by category, exact price bounds and sale", async () => {
      expect(names((await list("&category=books")).json())).toEqual(["Atlas", "Book"]);
      expect(names((await list("&category=all")).json())).toHaveLength(5);
      expect(names((await list("&min_price=9.990")).json())).toEqual(["Atlas", "Book", "Lamp"]);
      expect(names((await list("&max_price=9.99")).json())).toEqual(["Book", "Pen", "Sticker"]);
      expect(names((await list("&min_price=1.5&max_price=10&category=books")).json())).toEqual(["Atlas", "Book"]);
      expect(names((await list("&sale=true")).json())).toEqual(["Book"]);
      expect((await app.call("GET", `/products/count?store=${shop}&min_price=9.99`)).json()).toBe(3);
      expect((await app.call("GET", `/products/count?store=${shop}&sale=true`)).json()).toBe(1);
      const paged = (
        await app.call("GET", `/products?store=${shop}&min_price=1&limit=1&offset=1&sort=price&desc=false`)
      ).json();
      expect(paged.count).toBe(4);
      expect(paged.result.map((p: { name: string }) => p.name)).toEqual(["Book"]);
      const bad = await list("&min_price=cheap");
      expect(bad.statusCode).toBe(422);
      expect(bad.json().detail[0].loc).toEqual(["query", "min_price"]);
    });

    it("sorts by price numerically", async () => {
      const asc = (await list("&sort=price&desc=false")).json().result.map((p: { name: string }) => p.name);
      expect(asc).toEqual(["Sticker", "Pen", "Book", "Atlas", "Lamp"]);
    });

    it("answers categories as a bare array and the highest price", async () => {
      const categories = await app.call("GET", `/products/categories?store=${shop}`);
      expect(categories.json()).toEqual(["all", "books", "home", "office"]);
      expect((await app.call("GET", `/products/maxprice?store=${shop}`)).json()).toBe("100");
      const empty = await insertStore(app, owner.id);
      expect((await app.call("GET", `/products/maxprice?store=${empty}`)).json()).toBe("0");
      expect((await app.call("GET", `/products/categories?store=${empty}`)).json()).toEqual(["all"]);
    });

    it("gets one product publicly only through its own store, hiding the download link", async () => {
      const lamp = await app.call("GET", `/products/${ids.Lamp}?store=${shop}`);
      expect(lamp.statusCode).toBe(200);
      expect(lamp.json()).toMatchObject({ name: "Lamp", price: "100.00", download_url: "" });
      expect((await app.call("GET", `/products/${ids.Lamp}?store=${storeId}`)).statusCode).toBe(404);
      expect((await app.call("GET", `/products/${ids.Lamp}`)).statusCode).toBe(401);
      const own = await app.call("GET", `/products/${ids.Lamp}`, { token });
      expect(own.json().download_url).toBe("https://secret.example/lamp");
      expect((await app.call("GET", `/products/${ids.Book}?store=${shop}`)).json().discounts).toHaveLength(1);
    });

    it("lists only the caller's own products without a store", async () => {
      const mine = (await app.call("GET", "/products?limit=-1", { token })).json();
      expect(mine.count).toBeGreaterThanOrEqual(5);
      expect(mine.result.every((p: { user_id: string }) => p.user_id === owner.id)).toBe(true);
      const theirs = (await app.call("GET", "/products?limit=-1", { token: otherToken })).json();
      expect(theirs.count).toBe(0);
      const sale = (await app.call("GET", "/products/count?sale=true", { token })).json();
      expect(sale).toBe(1);
      const own = await app.call("GET", `/products?query=store_id:${shop}&limit=-1`, { token });
      expect(own.json().count).toBe(5);
    });
  });
});
