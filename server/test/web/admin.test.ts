import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { deflateSync } from "node:zlib";
import * as OTPAuth from "otpauth";
import type { Page } from "playwright-core";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LitecoindNode, litecoinTillEnv, startLitecoind, waitFor } from "../chain/litecoind.ts";
import { launchBrowser, type TestBrowser } from "../helpers/browser.ts";
import { Receiver } from "../helpers/receiver.ts";
import { createListeningApp, type ListeningApp } from "../helpers/web-app.ts";

const SCREENSHOTS = path.resolve(import.meta.dirname, "../../../docs/screenshots");
const EMAIL = "owner@example.com";
const PASSWORD = "correct horse battery";
const CHANGED_PASSWORD = "a changed horse battery";
const TOKEN_KEY = "till.admin.token";
// Page-side expressions (the server's TypeScript has no DOM types).
const BACKGROUND = "getComputedStyle(document.documentElement).backgroundColor";
const THEME_ATTRIBUTE = "document.documentElement.getAttribute('data-theme')";
const storedToken = (page: Page) =>
  page.evaluate(`localStorage.getItem(${JSON.stringify(TOKEN_KEY)})`) as Promise<string | null>;
/** An init script that signs a fresh browser context in with the token. */
const signedIn = (token: string) => `localStorage.setItem(${JSON.stringify(TOKEN_KEY)}, ${JSON.stringify(token)})`;

/** A valid 1×1 PNG, built here so the product image upload passes the server's content check. */
function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.from([0, 30, 94, 255]))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("the admin panel in Chromium", () => {
  let node: LitecoindNode;
  let app: ListeningApp;
  let browser: TestBrowser;
  let page: Page;
  let token: string;
  let storeId: string;
  let walletId: string;
  let seed: string;
  let receiver: Receiver;
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: string[] = [];

  const api = async <T = any>(method: string, url: string, body?: unknown, as = token): Promise<T> => {
    const response = await app.call(method, url, { token: as, body });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(200);
    return response.json() as T;
  };
  const open = async (route: string) => {
    await page.goto(app.baseUrl + route);
    await page.getByRole("navigation", { name: "Main" }).waitFor();
  };
  const screenshot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `admin-${name}.png`) });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    node = await startLitecoind();
    app = await createListeningApp({
      ...litecoinTillEnv(node),
      TILL_FIXED_RATES: "LTC_USD=80",
      // A web build made elsewhere (e.g. while web/dist is being rebuilt) can be pointed at.
      ...(process.env.TILL_WEB_DIR ? { TILL_WEB_DIR: process.env.TILL_WEB_DIR } : {}),
    });
    await app.till.startWatchers();
    app.till.services.jobs.start();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, _session, done) {
        let text = "";
        stream.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        stream.on("end", () => {
          mails.push(text);
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    receiver = await Receiver.start();
    browser = await launchBrowser();
    page = await browser.page({ viewport: { width: 1280, height: 860 }, colorScheme: "light" });
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    await app?.close();
    await node?.stop();
  });

  it("registers the first user in the UI, who becomes superuser and lands on the dashboard", async () => {
    await page.goto(`${app.baseUrl}/admin`);
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await page.getByRole("link", { name: "Server settings" }).waitFor();
    token = (await storedToken(page))!;
    expect((await api("GET", "/users/me")).is_superuser).toBe(true);
  });

  it("creates a wallet from a vpub, a store and a product with an image in the UI", async () => {
    const generated = await api<{ key: string; seed: string }>("POST", "/wallets/create", { currency: "ltc" });
    const key = generated.key;
    seed = generated.seed;
    expect(key).toMatch(/^vpub/);
    await open("/admin/wallets");
    await page.getByRole("button", { name: "New wallet" }).click();
    const walletDialog = page.getByRole("dialog", { name: "New wallet" });
    await walletDialog.getByLabel("Name").fill("Regtest LTC");
    await walletDialog.getByLabel("Currency").selectOption("ltc");
    await walletDialog.getByLabel(/Public key/).fill(key);
    await walletDialog.getByRole("button", { name: "Create" }).click();
    await walletDialog.waitFor({ state: "detached" });
    await page.getByRole("link", { name: "Regtest LTC" }).waitFor();
    const [wallet] = (await api("GET", "/wallets")).result;
    expect(wallet).toMatchObject({ name: "Regtest LTC", currency: "ltc", xpub: key });
    walletId = wallet.id;

    await page.getByRole("button", { name: "Expand row" }).click();
    await page.getByText(key, { exact: true }).waitFor();

    await page.getByRole("link", { name: "Regtest LTC" }).click();
    await page.getByRole("heading", { name: /Regtest LTC/ }).waitFor();
    await page.getByRole("button", { name: "Hand out a new address" }).click();
    await page
      .getByRole("table", { name: "Addresses" })
      .getByText(/^rltc1/)
      .waitFor();
    expect(await page.getByText(/gap limit/).count()).toBe(0);
    for (let i = 0; i < 21; i++) await api("POST", `/wallets/${wallet.id}/address`);
    await page.reload();
    await page
      .getByRole("alert")
      .getByText(/More than 20 addresses were handed out/)
      .waitFor();

    await page.getByRole("link", { name: "Stores" }).click();
    await page.getByRole("button", { name: "New store" }).click();
    const storeDialog = page.getByRole("dialog", { name: "New store" });
    await storeDialog.getByLabel("Name").fill("Corner Shop");
    await storeDialog.getByLabel("Wallets").selectOption([wallet.id]);
    await storeDialog.getByRole("button", { name: "Create" }).click();
    await page.getByRole("link", { name: "Corner Shop" }).waitFor();
    const [store] = (await api("GET", "/stores")).result;
    expect(store).toMatchObject({ name: "Corner Shop", default_currency: "USD", wallets: [wallet.id] });
    storeId = store.id;

    await page.getByRole("link", { name: "Products" }).click();
    await page.getByRole("button", { name: "New product" }).click();
    const productDialog = page.getByRole("dialog", { name: "New product" });
    await productDialog.getByLabel("Name").fill("Coffee beans");
    await productDialog.getByLabel("Price").fill("12.50");
    await productDialog.getByLabel("Store").selectOption(storeId);
    await productDialog
      .getByLabel("Image")
      .setInputFiles({ name: "beans.png", mimeType: "image/png", buffer: tinyPng() });
    await productDialog.getByRole("button", { name: "Create" }).click();
    await page.getByRole("cell", { name: "Coffee beans" }).waitFor();
    const [product] = (await api("GET", "/products")).result;
    expect(product).toMatchObject({ name: "Coffee beans", price: "12.50", store_id: storeId });
    expect(product.image).toMatch(/^images\/products\//);
    await page.locator(`tr[data-row-id="${product.id}"] img.thumb`).waitFor();
  });

  it("shows the API's validation error inside the dialog next to the field; Escape closes the dialog", async () => {
    await open("/admin/products");
    await page.getByRole("button", { name: "New product" }).click();
    const dialog = page.getByRole("dialog", { name: "New product" });
    // The browser moves focus into the modal.
    expect(await page.evaluate("document.querySelector('dialog[open]').contains(document.activeElement)")).toBe(true);
    await dialog.getByLabel("Name").fill("Broken");
    await dialog.getByLabel("Price").fill("-5");
    await dialog.getByRole("button", { name: "Create" }).click();
    const priceField = dialog.locator(".field", { has: page.getByLabel("Price") });
    const message = priceField.locator(".field-error");
    await message.waitFor();
    expect(await message.textContent()).toMatch(/0|greater|negative/i);
    expect(await dialog.getByLabel("Price").getAttribute("aria-invalid")).toBe("true");
    expect(
      await dialog
        .locator(".field", { has: page.getByLabel("Name") })
        .locator(".field-error")
        .count(),
    ).toBe(0);
    await screenshot("dialog");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect((await api("GET", "/products")).count).toBe(1);
  });

  it("searches, sorts and batch-deletes in the datatable", async () => {
    for (const name of ["bravo-note", "alpha-note", "charlie-note"]) {
      await api("POST", "/templates", { name, text: `Hello from ${name}` });
    }
    await open("/admin/templates");
    const table = page.getByRole("region", { name: "Templates" }).getByRole("table");
    const names = () => table.locator("tbody tr td:nth-child(3)").allTextContents();
    await waitFor(async () => (await names()).length === 3 || undefined, "three templates listed");

    await page.getByRole("searchbox", { name: "Search" }).fill("bravo");
    await waitFor(async () => JSON.stringify(await names()) === '["bravo-note"]' || undefined, "search result");
    await page.getByRole("searchbox", { name: "Search" }).fill("");
    await page.getByRole("combobox", { name: "Created" }).selectOption("custom");
    await page.getByLabel("From").fill("2000-01-01");
    await page.getByLabel("To", { exact: true }).fill("2000-01-02");
    await table.getByText("Nothing here yet").waitFor();
    await page.getByRole("combobox", { name: "Created" }).selectOption("-1d");
    await waitFor(async () => (await names()).length === 3 || undefined, "created in the last 24 hours");

    await table.getByRole("button", { name: "Name" }).click();
    await waitFor(
      async () => JSON.stringify(await names()) === '["alpha-note","bravo-note","charlie-note"]' || undefined,
      "ascending by name",
    );
    await table.getByRole("button", { name: /Name/ }).click();
    await waitFor(
      async () => JSON.stringify(await names()) === '["charlie-note","bravo-note","alpha-note"]' || undefined,
      "descending by name",
    );
    expect(await table.locator("th[aria-sort]").getAttribute("aria-sort")).toBe("descending");

    const ids = Object.fromEntries(
      (await api("GET", "/templates")).result.map((t: { id: string; name: string }) => [t.name, t.id]),
    );
    await page.getByRole("checkbox", { name: `Select row ${ids["alpha-note"]}` }).check();
    await page.getByRole("checkbox", { name: `Select row ${ids["charlie-note"]}` }).check();
    await page.getByRole("region", { name: "Batch actions" }).getByText("2 selected").waitFor();
    await screenshot("datatable");
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Delete selected" }).click();
    await waitFor(async () => JSON.stringify(await names()) === '["bravo-note"]' || undefined, "after batch delete");
    const left = await api("GET", "/templates");
    expect(left.result.map((t: { name: string }) => t.name)).toEqual(["bravo-note"]);

    await page.locator(`tr[data-row-id="${ids["bravo-note"]}"]`).getByRole("button", { name: "Preview" }).click();
    const preview = page.getByRole("dialog", { name: "Preview bravo-note" });
    await preview.getByRole("button", { name: "Render" }).click();
    expect(await preview.getByTestId("preview-output").textContent()).toBe("Hello from bravo-note");
    await page.keyboard.press("Escape");
    await preview.waitFor({ state: "detached" });
  });

  it("lists an invoice created through the API, paid on chain, with its payments ledger in an expandable row", async () => {
    const invoice = await api("POST", "/invoices", { price: "8", store_id: storeId, order_id: "order-42" });
    const method = invoice.payments[0];
    const txid = await node.send(method.payment_address, method.amount);
    // The store needs no confirmation (transaction speed 0), so a payment seen in the mempool settles it.
    const paid = await waitFor(async () => {
      const current = await api("GET", `/invoices/${invoice.id}`);
      return current.ledger.length > 0 && current.status !== "pending" ? current : undefined;
    }, "the payment in the ledger");
    const pending = await api("POST", "/invoices", { price: "3", store_id: storeId, order_id: "order-43" });

    await open("/admin/invoices");
    const row = page.locator(`tr[data-row-id="${invoice.id}"]`);
    await row.getByText(paid.status, { exact: true }).waitFor();
    const status = page.getByRole("combobox", { name: "Status" });
    await status.selectOption("expired");
    await row.waitFor({ state: "detached" });
    await status.selectOption(paid.status);
    await row.getByRole("button", { name: "Expand row" }).click();
    const ledger = page.getByRole("table", { name: "Payments ledger" });
    await ledger.getByText(txid, { exact: true }).waitFor();
    expect(await ledger.locator("tbody tr").count()).toBe(1);
    expect(await ledger.textContent()).toContain(`${method.amount} LTC`);
    await screenshot("invoices");

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const csv = await (await download).createReadStream();
    let exported = "";
    for await (const chunk of csv) exported += chunk.toString();
    expect(exported).toContain(invoice.id);
    expect(exported).toContain(txid);

    await row.locator("xpath=following-sibling::tr[1]").getByRole("button", { name: "Refund…" }).click();
    const refundDialog = page.getByRole("dialog", { name: "Refund" });
    expect(await refundDialog.getByLabel("Amount").inputValue()).toBe("8.00");
    await refundDialog.getByRole("button", { name: "Create refund" }).click();
    const refundLink = page.getByRole("status").getByRole("link", { name: /\/refunds\// });
    await refundLink.waitFor();
    const refundId = (await refundLink.textContent())!.split("/refunds/")[1]!;
    expect(await api("GET", `/invoices/refunds/${refundId}`)).toMatchObject({
      invoice_id: invoice.id,
      amount: "8",
      currency: "USD",
    });

    // The invoice-specific batch commands.
    await status.selectOption("pending");
    const pendingRow = page.locator(`tr[data-row-id="${pending.id}"]`);
    await pendingRow.getByRole("checkbox").check();
    await page.getByRole("button", { name: "Mark invalid" }).click();
    await pendingRow.waitFor({ state: "detached" });
    expect((await api("GET", `/invoices/${pending.id}`)).status).toBe("invalid");
  });

  it("creates a payout, approves it and sends it signed with the wallet's seed", async () => {
    await node.mine(1);
    await waitFor(async () => {
      const { confirmed } = await api("GET", `/wallets/${walletId}/balance`);
      return !/^0(\.0*)?$/.test(confirmed) || undefined;
    }, "the paid invoice's coins confirmed in the wallet");
    const destination = (await node.newAddress("bech32")).address;

    await open("/admin/payouts");
    await page.getByRole("button", { name: "New payout" }).click();
    const dialog = page.getByRole("dialog", { name: "New payout" });
    await dialog.getByLabel("Wallet", { exact: true }).selectOption(walletId);
    await dialog.getByLabel(/^Amount/).fill("0.01");
    await dialog.getByLabel("Destination address").fill(destination);
    await dialog.getByRole("button", { name: "Create" }).click();
    await dialog.waitFor({ state: "detached" });
    const [payout] = (await api("GET", "/payouts")).result;
    expect(payout).toMatchObject({ status: "pending", destination, wallet_id: walletId });
    const row = page.locator(`tr[data-row-id="${payout.id}"]`);
    await row.getByText("pending", { exact: true }).waitFor();

    await row.getByRole("checkbox").check();
    await page.getByRole("button", { name: "Approve" }).click();
    await row.getByText("approved", { exact: true }).waitFor();

    await row.getByRole("checkbox").check();
    await page.getByRole("button", { name: "Send selected…" }).click();
    const send = page.getByRole("dialog", { name: "Send 1 payout(s)" });
    await send.getByLabel("Wallet to sign with").selectOption(walletId);
    await send.getByLabel("Seed or private key of that wallet").fill(seed);
    await send.getByRole("button", { name: "Send" }).click();
    await send.waitFor({ state: "detached" });
    const sent = await waitFor(async () => {
      const current = await api("GET", `/payouts/${payout.id}`);
      return current.tx_hash && current.status !== "approved" ? current : undefined;
    }, "the payout broadcast");
    const onNode = await node.call<{ txid: string }>("getrawtransaction", sent.tx_hash, true);
    expect(onNode.txid).toBe(sent.tx_hash);
    await page.reload();
    await row.getByRole("button", { name: "Expand row" }).click();
    await page.getByText(sent.tx_hash, { exact: true }).waitFor();
  });

  it("edits checkout settings and adds a webhook on the store settings page", async () => {
    await open(`/admin/stores/${storeId}`);
    const checkout = page.getByRole("region", { name: "Checkout settings" });
    await checkout.getByLabel("Invoice expiration (minutes)").fill("45");
    await checkout.getByLabel("Ask the buyer's email").check();
    await checkout.getByRole("button", { name: "Save" }).click();
    await checkout.getByText("Saved.").waitFor();
    const store = await api("GET", `/stores/${storeId}`);
    expect(store.checkout_settings).toMatchObject({ expiration: 45, email_required: true });

    await checkout.getByLabel("Confirmations required (0–6)").fill("9");
    await checkout.getByRole("button", { name: "Save" }).click();
    await checkout
      .locator(".field", { has: page.getByLabel("Confirmations required (0–6)") })
      .locator(".field-error")
      .waitFor();

    const email = page.getByRole("region", { name: "Email settings" });
    await email.getByLabel("From address").fill("shop@example.com");
    await email.getByLabel("SMTP host").fill("127.0.0.1");
    await email.getByLabel("SMTP port").fill(String(smtpPort));
    await email.getByLabel("Security").selectOption("none");
    await email.getByRole("button", { name: "Save" }).click();
    await email.getByText("Saved.").waitFor();
    await email.getByLabel("Send a test message to (optional)").fill("me@example.com");
    await email.getByRole("button", { name: "Test email settings" }).click();
    await email.getByText("A test message was sent to me@example.com.").waitFor();
    await waitFor(() => mails.length === 1 || undefined, "the test message at the SMTP server");
    expect(mails[0]).toContain("To: me@example.com");
    expect(mails[0]).toContain("From: shop@example.com");

    const webhooks = page.getByRole("region", { name: "Webhooks" });
    await webhooks.getByRole("button", { name: "Add webhook" }).click();
    const dialog = page.getByRole("dialog", { name: "New webhook" });
    await dialog.getByLabel("URL").fill(receiver.url("/hooks/till"));
    await dialog.getByLabel("Events").selectOption(["invoice.created"]);
    await dialog.getByRole("button", { name: "Create" }).click();
    await webhooks.getByText("Signing secret (shown once)").waitFor();
    await webhooks.getByText(receiver.url("/hooks/till")).waitFor();
    await api("POST", "/invoices", { price: "1", store_id: storeId });
    await waitFor(() => receiver.to("/hooks/till").length === 1 || undefined, "the webhook delivery");
    await webhooks.getByRole("button", { name: "Deliveries" }).click();
    const deliveries = webhooks.getByRole("table", { name: "Deliveries" });
    await deliveries.getByRole("cell", { name: "invoice.created" }).waitFor();
    await deliveries.getByRole("button", { name: "Redeliver" }).click();
    await waitFor(() => receiver.to("/hooks/till").length === 2 || undefined, "the redelivery");
    await waitFor(
      async () => (await deliveries.locator("tbody tr").count()) === 2 || undefined,
      "two deliveries listed",
    );

    const rules = page.getByRole("region", { name: "Rate rules" });
    await rules.getByLabel("Rules").fill("X_USD = fixed(X_USD) * 1.1");
    const preview = rules.getByRole("table", { name: "Rate preview" });
    // The live preview evaluates the rules as typed, before they are saved.
    await expect
      .poll(() =>
        preview
          .locator("tbody td:nth-child(2)")
          .first()
          .textContent({ timeout: 1000 })
          .catch(() => null),
      )
      .toBe("88");
    await preview.getByRole("cell", { name: "LTC_USD", exact: true }).waitFor();
    await rules.getByRole("button", { name: "Save and preview" }).click();
    await expect.poll(() => preview.locator("tbody td:nth-child(2)").first().textContent()).toBe("88");
    await page.getByRole("heading", { name: "Corner Shop settings" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, "admin-store-settings.png"), fullPage: true });
  });

  it("builds the notification provider form from the server's schema and links the provider to a store", async () => {
    await open("/admin/notifications");
    await page.getByRole("button", { name: "New notification provider" }).click();
    const dialog = page.getByRole("dialog", { name: "New notification provider" });
    await dialog.getByLabel("Name").fill("Team chat");
    await dialog.getByLabel("Provider").selectOption("Telegram");
    const tokenInput = dialog.getByLabel("Bot token");
    expect(await tokenInput.getAttribute("type")).toBe("password");
    await tokenInput.fill("123456:secret-bot-token");
    await dialog.getByLabel("Chat ID").fill("-100200300");
    await dialog.getByRole("link", { name: "How to set up Telegram" }).waitFor();
    await dialog.getByRole("button", { name: "Create" }).click();
    await page.getByRole("cell", { name: "Team chat" }).waitFor();
    const [provider] = (await api("GET", "/notifications")).result;
    expect(provider).toMatchObject({ name: "Team chat", provider: "Telegram" });
    expect(provider.data.chat_id).toBe("-100200300");
    expect(JSON.stringify(provider)).not.toContain("secret-bot-token");

    await open(`/admin/stores/${storeId}`);
    const general = page.getByRole("region", { name: "General" });
    await general.getByLabel("Notification providers").selectOption([provider.id]);
    await general.getByRole("button", { name: "Save" }).click();
    await general.getByText("Saved.").waitFor();
    expect((await api("GET", `/stores/${storeId}`)).notifications).toEqual([provider.id]);

    const [template] = (await api("GET", "/templates")).result;
    const templates = page.getByRole("region", { name: "Templates" });
    await templates.getByLabel('Template for "notification"').selectOption(template.id);
    await templates.getByRole("button", { name: "Save" }).click();
    await waitFor(
      async () => (await api("GET", `/stores/${storeId}`)).templates.notification === template.id || undefined,
      "the store's notification template",
    );
  });

  it("shows sync status, rate provider health and policies on the server settings page", async () => {
    await open("/admin/server");
    await page.getByRole("table", { name: "Sync status" }).getByRole("cell", { name: "ltc" }).first().waitFor();
    await page
      .getByRole("table", { name: "Rate provider health" })
      .getByRole("cell", { name: "fixed" })
      .first()
      .waitFor();
    const serverEmail = page.getByRole("region", { name: "Server email" });
    await serverEmail.getByLabel("From address").fill("till@example.com");
    await serverEmail.getByLabel("SMTP host").fill("127.0.0.1");
    await serverEmail.getByLabel("SMTP port").fill(String(smtpPort));
    await serverEmail.getByLabel("Security").selectOption("none");
    await serverEmail.getByRole("button", { name: "Save" }).click();
    await serverEmail.getByText("Saved.").waitFor();
    await serverEmail.getByRole("button", { name: "Test server email" }).click();
    await serverEmail.getByText("The mail server accepted the connection and the login.").waitFor();
    expect((await api("GET", "/manage/policies")).email_settings).toMatchObject({ host: "127.0.0.1", port: smtpPort });
    const policies = page.getByRole("region", { name: "Policies" });
    await policies.getByLabel("Disable registration").check();
    await policies.getByRole("button", { name: "Save" }).click();
    await policies.getByText("Saved.").waitFor();
    expect((await api("GET", "/manage/policies")).disable_registration).toBe(true);
    const users = page.getByRole("region", { name: "Users" });
    await users.getByRole("cell", { name: EMAIL }).waitFor();
  });

  it("creates an API token with a per-object scope and shows it only once", async () => {
    await open("/admin/profile");
    await page.getByRole("button", { name: "New token" }).click();
    const dialog = page.getByRole("dialog", { name: "New API token" });
    await dialog.getByLabel("Name (app id)").fill("pos-terminal");
    await dialog.getByRole("checkbox", { name: "invoice_management" }).check();
    await dialog.getByRole("combobox", { name: "Scope" }).selectOption("store_management");
    await dialog.getByRole("combobox", { name: "Object" }).selectOption(storeId);
    await dialog.getByRole("button", { name: "Add" }).click();
    expect(await dialog.getByTestId("selected-scopes").textContent()).toBe(
      `invoice_management, store_management:${storeId}`,
    );
    await dialog.getByRole("button", { name: "Create token" }).click();
    const shown = page.getByTestId("new-token");
    await shown.waitFor();
    const secret = (await shown.textContent())!.trim();
    expect(secret.length).toBeGreaterThan(20);
    const tokens = await api("GET", "/token", undefined);
    const created = tokens.result.find((t: { app_id: string }) => t.app_id === "pos-terminal");
    expect(created.permissions).toEqual(["invoice_management", `store_management:${storeId}`]);
    expect((await app.call("GET", `/stores/${storeId}`, { token: secret })).statusCode).toBe(200);
    expect((await app.call("GET", "/wallets", { token: secret })).statusCode).toBe(403);
    // Listed afterwards without the secret, and gone from the page once reloaded.
    await page.getByRole("cell", { name: "pos-terminal" }).waitFor();
    await page.reload();
    await page.getByRole("cell", { name: "pos-terminal" }).waitFor();
    expect(await page.getByTestId("new-token").count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    const passwordForm = page.getByRole("region", { name: "Change password" });
    await passwordForm.getByLabel("Current password").fill("not my password");
    await passwordForm.getByLabel("New password").fill(CHANGED_PASSWORD);
    await passwordForm.getByLabel("Sign out every other session").uncheck();
    await passwordForm.getByRole("button", { name: "Change password" }).click();
    await passwordForm
      .locator(".field", { has: page.getByLabel("Current password") })
      .getByText("Old password is incorrect")
      .waitFor();
    await passwordForm.getByLabel("Current password").fill(PASSWORD);
    await passwordForm.getByRole("button", { name: "Change password" }).click();
    await passwordForm.getByText("Password changed.").waitFor();

    const preferences = page.getByRole("region", { name: "Preferences" });
    await preferences.getByLabel("Currency of the total balance").fill("LTC");
    await preferences.getByRole("button", { name: "Save" }).click();
    await waitFor(async () => (await api("GET", "/users/me")).settings.balance_currency === "LTC" || undefined, "LTC");
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByText("Total balance (LTC)").waitFor();
    await page.getByRole("link", { name: "Profile" }).click();
    await preferences.getByLabel("Currency of the total balance").fill("USD");
    await preferences.getByRole("button", { name: "Save" }).click();
    await waitFor(async () => (await api("GET", "/users/me")).settings.balance_currency === "USD" || undefined, "USD");
    expect((await app.call("GET", `/stores/${storeId}`, { token: secret })).statusCode).toBe(200);

    // The panel used with that limited token: what it may not see is explained, not blank.
    const limited = await browser.page();
    await limited.addInitScript(signedIn(secret));
    await limited.goto(`${app.baseUrl}/admin/wallets`);
    await limited
      .getByRole("alert")
      .getByText(/\(403\)/)
      .waitFor();
    await limited.goto(`${app.baseUrl}/admin/stores/${storeId}`);
    await limited.getByRole("heading", { name: "Corner Shop settings" }).waitFor();
    await open("/admin/stores/no-such-store");
    await page.getByText(/not found/i).waitFor();
  });

  it("switches to dark mode, keeps the choice, and follows the system theme by default", async () => {
    await open("/admin");
    const background = () => page.evaluate(BACKGROUND);
    expect(await background()).toBe("rgb(255, 255, 255)");
    await page.getByRole("combobox", { name: "Theme" }).selectOption("dark");
    expect(await page.evaluate(THEME_ATTRIBUTE)).toBe("dark");
    expect(await background()).toBe("rgb(18, 20, 23)");
    await page.reload();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    expect(await background()).toBe("rgb(18, 20, 23)");
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await screenshot("dark");
    await page.getByRole("combobox", { name: "Theme" }).selectOption("system");
    expect(await background()).toBe("rgb(255, 255, 255)");

    const darkSystem = await browser.page({ colorScheme: "dark" });
    await darkSystem.addInitScript(signedIn(token));
    await darkSystem.goto(`${app.baseUrl}/admin`);
    await darkSystem.getByRole("heading", { name: "Dashboard" }).waitFor();
    expect(await darkSystem.evaluate(THEME_ATTRIBUTE)).toBeNull();
    expect(await darkSystem.evaluate(BACKGROUND)).toBe("rgb(18, 20, 23)");
  });

  it("is usable on a 360 px wide phone: the navigation collapses into a menu and nothing scrolls sideways", async () => {
    const phone = await browser.page({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await phone.addInitScript(signedIn(token));
    const noSideScroll = () =>
      phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth");
    for (const route of ["/admin", "/admin/invoices", `/admin/stores/${storeId}`]) {
      await phone.goto(app.baseUrl + route);
      await phone.getByRole("button", { name: "Menu" }).waitFor();
      await phone.locator("h1").first().waitFor();
      expect(await noSideScroll(), route).toBe(true);
    }
    const nav = phone.getByRole("navigation", { name: "Main" });
    expect(await nav.isVisible()).toBe(false);
    await phone.getByRole("button", { name: "Menu" }).click();
    await nav.getByRole("link", { name: "Products" }).click();
    await phone.getByRole("heading", { name: "Products" }).waitFor();
    expect(phone.url()).toBe(`${app.baseUrl}/admin/products`);
    expect(await nav.isVisible()).toBe(false);
    expect(await noSideScroll()).toBe(true);
    await phone.getByRole("button", { name: "Menu" }).click();
    await nav.getByRole("link", { name: "Invoices" }).waitFor();
    await phone.screenshot({ path: path.join(SCREENSHOTS, "admin-mobile.png") });
  });

  it("logs out, refuses a wrong password with a clear message and logs back in", async () => {
    await open("/admin");
    await page.getByRole("combobox", { name: "Theme" }).selectOption("light");
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await page.getByRole("img", { name: /Daily sales in USD/ }).waitFor();
    await screenshot("dashboard");
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("heading", { name: "Sign in to Till" }).waitFor();
    expect(await storedToken(page)).toBeNull();
    expect((await app.call("GET", "/users/me", { token })).statusCode).toBe(401);

    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Wrong email or password.").waitFor();
    await page.getByLabel("Email").fill("nobody@example.com");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("No account with this email.").waitFor();

    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(CHANGED_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    token = (await storedToken(page))!;
    expect((await api("GET", "/users/me")).email).toBe(EMAIL);
  });
  it("sets up an authenticator app in the profile, asks for its code at sign-in, and resets a forgotten password through the emailed link", async () => {
    await open("/admin/profile");
    const security = page.getByRole("region", { name: "Two-factor authentication" });
    await security.getByRole("button", { name: "Set up an authenticator app" }).click();
    await security.getByRole("img", { name: "QR code of the authenticator key" }).waitFor();
    const totp = new OTPAuth.TOTP({
      secret: OTPAuth.Secret.fromBase32((await security.getByTestId("totp-key").textContent())!),
    });
    await security.getByLabel("Code from the app").fill("123");
    await security.getByRole("button", { name: "Enable" }).click();
    await security.locator(".field-error").waitFor();
    await security.getByLabel("Code from the app").fill(totp.generate());
    await security.getByRole("button", { name: "Enable" }).click();
    const codes = (await security.getByTestId("recovery-codes").textContent())!.split("\n");
    expect(codes).toHaveLength(10);
    await security.getByRole("button", { name: "Disable the authenticator app" }).waitFor();
    expect((await api("GET", "/users/me")).tfa_enabled).toBe(true);

    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(CHANGED_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Two-factor authentication" }).waitFor();
    const codeInput = page.getByLabel("Code from your authenticator app");
    await codeInput.fill("000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.locator(".field", { has: codeInput }).locator(".field-error").waitFor();
    // The code that enabled the app cannot be replayed within its window: a recovery code signs in instead.
    await codeInput.fill(codes[0]!);
    await page.getByRole("button", { name: "Verify" }).click();
    // Signed in again on the page where the user logged out.
    await page.getByRole("heading", { name: "Profile" }).waitFor();
    token = (await storedToken(page))!;
    await api("POST", "/users/2fa/disable");

    // The server mails the reset link through its own SMTP settings, saved on the server settings page.
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("button", { name: "Forgot password?" }).click();
    const before = mails.length;
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await page.getByText("If an account exists for this email").waitFor();
    const mail = await waitFor(() => mails.length > before && mails[mails.length - 1], "the reset email");
    const link = /https?:\/\/[^\s"<>]+\/admin\/forgotpassword\/[A-Za-z0-9_=-]+/.exec(mail.replace(/=\r?\n/g, ""))?.[0];
    expect(link).toBeDefined();
    await page.goto(link!);
    await page.getByLabel("New password").fill("a brand new passphrase");
    await page.getByRole("button", { name: "Set password" }).click();
    await page.getByText("Your password was changed.").waitFor();
    await page.getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill("a brand new passphrase");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  });
  it("registers a passkey in the profile and signs in with it as the second factor", async () => {
    // WebAuthn needs a domain: the same Till, reached as localhost, with a virtual authenticator.
    const origin = app.baseUrl.replace("127.0.0.1", "localhost");
    const context = await browser.context();
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await tab.goto(`${origin}/admin`);
    await tab.getByLabel("Email").fill(EMAIL);
    await tab.getByLabel("Password").fill("a brand new passphrase");
    await tab.getByRole("button", { name: "Sign in" }).click();
    await tab.getByRole("heading", { name: "Dashboard" }).waitFor();
    await tab.getByRole("link", { name: "Profile" }).click();
    const security = tab.getByRole("region", { name: "Two-factor authentication" });
    await security.getByRole("textbox", { name: "Name" }).fill("test key");
    await security.getByRole("button", { name: "Add a passkey" }).click();
    await security.getByText("test key").waitFor();

    await tab.getByRole("button", { name: "Log out" }).click();
    await tab.getByLabel("Email").fill(EMAIL);
    await tab.getByLabel("Password").fill("a brand new passphrase");
    await tab.getByRole("button", { name: "Sign in" }).click();
    await tab.getByRole("heading", { name: "Two-factor authentication" }).waitFor();
    await tab.getByRole("button", { name: "Use a passkey" }).click();
    await tab.getByRole("heading", { name: "Profile" }).waitFor();
    await tab.getByText("Signed in as").waitFor();
  });
});
