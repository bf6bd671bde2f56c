import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LitecoindNode, litecoinTillEnv, startLitecoind, waitFor } from "./chain/litecoind.ts";
import { TestSmtpServer } from "./fixtures/smtp-server.ts";
import { Receiver } from "./helpers/receiver.ts";
import { createTestApp, registerUser, type TestApp } from "./helpers/test-app.ts";

/** Bitcart's refund flow end to end on a litecoin regtest chain: offer, customer's address, payout, refunded. */
describe("refunds", () => {
  let node: LitecoindNode;
  let app: TestApp;
  let merchant: Awaited<ReturnType<typeof registerUser>>;
  let receiver: Receiver;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    node = await startLitecoind();
    receiver = await Receiver.start();
    smtp = await TestSmtpServer.start();
    app = await createTestApp({
      ...litecoinTillEnv(node),
      TILL_FIXED_RATES: "LTC_USD=80",
      TILL_ALLOW_PRIVATE_WEBHOOKS: "true",
    });
    merchant = await registerUser(app, "merchant@example.com");
    await app.till.startWatchers();
    app.till.services.jobs.start();
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await receiver?.close();
    await node?.stop();
  });

  const token = () => merchant.token;

  it("refunds a paid invoice: email with the link, public page, customer's address, approved payout sent, invoice refunded", async () => {
    receiver.on("/ipn", () => ({ status: 200 }));
    const generated = (await app.call("POST", "/wallets/create", { token: token(), body: { currency: "ltc" } })).json();
    const wallet = (
      await app.call("POST", "/wallets", { token: token(), body: { name: "w", currency: "ltc", xpub: generated.key } })
    ).json();
    const store = (
      await app.call("POST", "/stores", {
        token: token(),
        body: { name: "Corner Shop", default_currency: "USD", wallets: [wallet.id], email_settings: smtp.settings() },
      })
    ).json();
    const invoice = (
      await app.call("POST", "/invoices", {
        body: {
          price: "8",
          store_id: store.id,
          buyer_email: "buyer@example.com",
          notification_url: receiver.url("/ipn"),
        },
      })
    ).json();
    await node.send(invoice.payments[0].payment_address, invoice.payments[0].amount);
    await node.mine(1);
    await waitFor(async () => {
      const current = (await app.call("GET", `/invoices/${invoice.id}`)).json();
      return current.status === "complete" || undefined;
    }, "invoice complete");

    const created = await app.call("POST", `/invoices/${invoice.id}/refunds`, {
      token: token(),
      body: { amount: "4", currency: "USD", admin_host: "https://shop.example.com/", send_email: true },
    });
    expect(created.statusCode, created.body).toBe(200);
    const refund = created.json();
    expect(refund).toMatchObject({
      amount: "4",
      currency: "USD",
      invoice_id: invoice.id,
      wallet_id: wallet.id,
      payout_id: null,
      destination: null,
    });
    const [email] = await waitFor(() => {
      const mails = smtp.to("buyer@example.com");
      return mails.length > 0 ? mails : undefined;
    }, "the refund email");
    expect(email!.text).toContain(`https://shop.example.com/refunds/${refund.id}`);

    const page = await app.call("GET", `/invoices/refunds/${refund.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.json()).toEqual(refund);
    // Bitcart's invoice field names the invoice's latest refund.
    expect((await app.call("GET", `/invoices/${invoice.id}`)).json().refund_id).toBe(refund.id);
    expect((await app.call("GET", "/invoices/refunds/nope")).statusCode).toBe(404);

    for (const bad of ["not an address", "ltc1qg82rfhxmx0kmsx0s0j5qyy2xuvnl7j2y8kd4y2"]) {
      const refused = await app.call("POST", `/invoices/refunds/${refund.id}/submit`, { body: { destination: bad } });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().detail[0].loc).toEqual(["body", "destination"]);
    }
    const destination = (await node.newAddress("bech32")).address;
    const submitted = await app.call("POST", `/invoices/refunds/${refund.id}/submit`, { body: { destination } });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json()).toMatchObject({ id: refund.id, destination });
    const payoutId = submitted.json().payout_id as string;
    expect(payoutId).toBeTruthy();
    const again = await app.call("POST", `/invoices/refunds/${refund.id}/submit`, { body: { destination } });
    expect(again.statusCode).toBe(409);
    const [notice] = await waitFor(() => {
      const mails = smtp.to("merchant@example.com");
      return mails.length > 0 ? mails : undefined;
    }, "the merchant's notice");
    expect(notice!.text).toContain(destination);

    // 4 USD at the invoice's locked rate of 80 USD/LTC.
    const payout = (await app.call("GET", `/payouts/${payoutId}`, { token: token() })).json();
    expect(payout).toMatchObject({
      status: "pending",
      amount: "0.05",
      currency: "LTC",
      destination,
      wallet_id: wallet.id,
      store_id: store.id,
      notification_url: receiver.url("/ipn"),
    });
    const batch = (command: string, options?: unknown) =>
      app.call("POST", "/payouts/batch", { token: token(), body: { command, ids: [payoutId], options } });
    expect((await batch("approve")).statusCode).toBe(200);
    const sent = await batch("send", { wallets: { [wallet.id]: generated.seed } });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()[0]).toMatchObject({ status: "sent", sent_amount: "0.05" });
    await waitFor(async () => {
      const current = (await app.call("GET", `/invoices/${invoice.id}`)).json();
      return current.status === "refunded" || undefined;
    }, "invoice refunded");
    await node.mine(1);
    await waitFor(async () => {
      const current = (await app.call("GET", `/payouts/${payoutId}`, { token: token() })).json();
      return current.status === "complete" || undefined;
    }, "payout complete");
    const ipns = await waitFor(() => {
      const bodies = receiver.requests.filter((r) => r.path === "/ipn").map((r) => JSON.parse(r.body));
      const payoutStatuses = bodies.filter((b) => b.id === payoutId).map((b) => b.status);
      const invoiceStatuses = bodies.filter((b) => b.id === invoice.id).map((b) => b.status);
      return payoutStatuses.length >= 4 && invoiceStatuses.includes("refunded")
        ? { payoutStatuses, invoiceStatuses }
        : undefined;
    }, "payout and invoice IPNs");
    expect(ipns.payoutStatuses).toEqual(["approved", "broadcasting", "sent", "complete"]);
    expect(ipns.invoiceStatuses.at(-1)).toBe("refunded");
  });

  it("emails by default, linking to the web app on the API's origin when no admin_host is given", async () => {
    const key = (await app.call("POST", "/wallets/create", { token: token(), body: { currency: "ltc" } })).json().key;
    const wallet = (
      await app.call("POST", "/wallets", { token: token(), body: { name: "w2", currency: "ltc", xpub: key } })
    ).json();
    const store = (
      await app.call("POST", "/stores", {
        token: token(),
        body: { name: "Shop 2", default_currency: "USD", wallets: [wallet.id], email_settings: smtp.settings() },
      })
    ).json();
    const invoice = (
      await app.call("POST", "/invoices", {
        body: { price: "8", store_id: store.id, buyer_email: "second@example.com" },
      })
    ).json();
    const refund = (
      await app.call("POST", `/invoices/${invoice.id}/refunds`, {
        token: token(),
        body: { amount: "0.1", currency: "LTC" },
      })
    ).json();
    expect(refund).toMatchObject({ amount: "0.1", currency: "LTC", wallet_id: wallet.id });
    const [email] = await waitFor(() => {
      const mails = smtp.to("second@example.com");
      return mails.length > 0 ? mails : undefined;
    }, "the refund email");
    expect(email!.text).toMatch(new RegExp(`https?://[^/\\s]+/refunds/${refund.id}`));
  });

  it("refuses a refund for an invoice of another merchant, and answers 404 for unknown refunds", async () => {
    const other = await registerUser(app);
    const missing = await app.call("POST", "/invoices/nope/refunds", {
      token: other.token,
      body: { amount: "1", currency: "USD" },
    });
    expect(missing.statusCode).toBe(404);
    const submit = await app.call("POST", "/invoices/refunds/nope/submit", { body: { destination: "x" } });
    expect(submit.statusCode).toBe(404);
  });
});
