import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Big } from "../src/kernel/money.ts";
import { type LitecoindNode, litecoinTillEnv, startLitecoind, waitFor } from "./chain/litecoind.ts";
import { WsClient } from "./helpers/live-clients.ts";
import { Receiver } from "./helpers/receiver.ts";
import { createTestApp, registerUser, type TestApp } from "./helpers/test-app.ts";

/** Invoices paid on a real litecoind regtest chain, through the bitcoind backend, on the database under test. */
describe("invoices on a litecoin regtest chain", () => {
  let node: LitecoindNode;
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    node = await startLitecoind();
    app = await createTestApp({
      ...litecoinTillEnv(node),
      TILL_FIXED_RATES: "LTC_USD=80",
      TILL_ALLOW_PRIVATE_WEBHOOKS: "true",
    });
    token = (await registerUser(app)).token;
    await app.till.startWatchers();
    app.till.services.jobs.start();
  });
  afterAll(async () => {
    await app?.close();
    await node?.stop();
  });

  const storeWithWallet = async (checkout: Record<string, unknown> = {}) => {
    const key = (await app.call("POST", "/wallets/create", { token, body: { currency: "ltc" } })).json().key;
    const wallet = (
      await app.call("POST", "/wallets", { token, body: { name: "w", currency: "ltc", xpub: key } })
    ).json();
    const store = await app.call("POST", "/stores", {
      token,
      body: { name: "Shop", default_currency: "USD", wallets: [wallet.id], checkout_settings: checkout },
    });
    expect(store.statusCode, store.body).toBe(200);
    return store.json();
  };
  const invoice = async (id: string) => (await app.call("GET", `/invoices/${id}`)).json();
  // Moves the expiry into the past instead of waiting for it, then lets the tracker look again.
  const expireNow = async (id: string) => {
    await app.till.db.kysely
      .updateTable("invoices")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", id)
      .execute();
    await app.till.services.tracker.refresh(id);
  };
  const until = (id: string, check: (i: Record<string, any>) => boolean, what: string) =>
    waitFor(async () => {
      const current = await invoice(id);
      return check(current) ? current : undefined;
    }, what);

  it("prices at the locked rate, hands out a fresh address per invoice, and answers Bitcart's checkout fields", async () => {
    const store = await storeWithWallet();
    const created = await app.call("POST", "/invoices", { body: { price: "12", store_id: store.id } });
    expect(created.statusCode, created.body).toBe(200);
    const body = created.json();
    expect(body).toMatchObject({ status: "pending", exception_status: "none", price: "12.00", currency: "USD" });
    expect(body.payments[0]).toMatchObject({ currency: "ltc", amount: "0.15000000", rate: "80", divisibility: 8 });
    expect(body.payments[0].payment_url).toBe(`litecoin:${body.payments[0].payment_address}?amount=0.15`);
    expect(body.time_left).toBeGreaterThan(0);
    const second = (await app.call("POST", "/invoices", { body: { price: "12", store_id: store.id } })).json();
    expect(second.payments[0].payment_address).not.toBe(body.payments[0].payment_address);
  });

  it("adds the network fee of a typical payment when the store asks, and shows the recommended fee", async () => {
    // A fresh regtest chain has no fee estimates: the backend answers the floor, 1 sat/vB.
    await waitFor(() => app.till.services.feeRates.get("ltc", 2), "a fee estimate");
    const store = await storeWithWallet({ include_network_fee: true, recommended_fee_target_blocks: 2 });
    const created = await app.call("POST", "/invoices", {
      body: { price: "0.1", currency: "LTC", store_id: store.id },
    });
    expect(created.json().payments[0]).toMatchObject({ amount: "0.10000141", recommended_fee: "1" });
    expect(created.json().payments[0].payment_url).toContain("amount=0.10000141");
    const plain = await storeWithWallet({ recommended_fee_target_blocks: 2 });
    const without = await app.call("POST", "/invoices", {
      body: { price: "0.1", currency: "LTC", store_id: plain.id },
    });
    expect(without.json().payments[0]).toMatchObject({ amount: "0.10000000", recommended_fee: "1" });
  });

  it("moves an exact payment from pending to paid to complete for a store needing one confirmation", async () => {
    const store = await storeWithWallet({ transaction_speed: 1 });
    const created = (
      await app.call("POST", "/invoices", { body: { price: "0.5", currency: "LTC", store_id: store.id } })
    ).json();
    const method = created.payments[0];
    expect(method.amount).toBe("0.50000000");
    const txid = await node.send(method.payment_address, "0.5");
    const paid = await until(created.id, (i) => i.status === "paid", "paid in the mempool");
    expect(paid).toMatchObject({
      exception_status: "none",
      sent_amount: "0.5",
      paid_currency: "ltc",
      payment_id: method.id,
    });
    expect(paid.tx_hashes).toEqual([txid]);
    expect(paid.ledger).toMatchObject([{ txid, amount: "0.50000000", state: "mempool", confirmations: 0 }]);
    await node.mine(1);
    const complete = await until(created.id, (i) => i.status === "complete", "complete after a confirmation");
    expect(complete.ledger[0]).toMatchObject({ confirmations: 1, state: "confirmed" });
  });

  it("completes at first sight for transaction speed 0", async () => {
    const store = await storeWithWallet({ transaction_speed: 0 });
    const created = (
      await app.call("POST", "/invoices", { body: { price: "0.15", currency: "LTC", store_id: store.id } })
    ).json();
    await node.send(created.payments[0].payment_address, "0.15");
    const complete = await until(created.id, (i) => i.status === "complete", "complete from the mempool");
    expect(complete.ledger).toMatchObject([{ state: "mempool", confirmations: 0 }]);
  });

  it("stays confirmed until the sixth confirmation for transaction speed 6", async () => {
    const store = await storeWithWallet({ transaction_speed: 6 });
    const created = (
      await app.call("POST", "/invoices", { body: { price: "0.25", currency: "LTC", store_id: store.id } })
    ).json();
    await node.send(created.payments[0].payment_address, "0.25");
    await until(created.id, (i) => i.status === "paid", "paid");
    await node.mine(5);
    const confirmed = await until(
      created.id,
      (i) => i.status === "confirmed" && i.ledger[0].confirmations === 5,
      "confirmed with 5 confirmations",
    );
    expect(confirmed.exception_status).toBe("none");
    await node.mine(1);
    const complete = await until(created.id, (i) => i.status === "complete", "complete at 6 confirmations");
    expect(complete.ledger[0].confirmations).toBe(6);
  });

  it("pushes each status change to the invoice's websocket, in Bitcart's message shape, and closes when final", async () => {
    const store = await storeWithWallet({ transaction_speed: 1 });
    const created = (
      await app.call("POST", "/invoices", { body: { price: "0.7", currency: "LTC", store_id: store.id } })
    ).json();
    const address = await app.till.http.listen({ port: 0, host: "127.0.0.1" });
    const socket = await WsClient.connect(`${address.replace("http", "ws")}/ws/invoices/${created.id}`);
    try {
      await socket.waitForMessages(1);
      expect(socket.messages[0]).toEqual({
        status: "pending",
        exception_status: "none",
        sent_amount: "0",
        paid_currency: null,
        payment_id: null,
      });
      await node.send(created.payments[0].payment_address, "0.7");
      await until(created.id, (i) => i.status === "paid", "paid");
      await node.mine(1);
      await socket.waitForClose();
      const statuses = socket.messages.map((m) => (m as { status: string }).status);
      expect(statuses).toContain("paid");
      expect(statuses.at(-1)).toBe("complete");
      expect(socket.messages.at(-1)).toMatchObject({
        sent_amount: "0.7",
        paid_currency: "ltc",
        payment_id: created.payments[0].id,
      });
    } finally {
      socket.close();
    }
  });

  it("sends Bitcart's IPN and signed webhooks for each change, retrying a receiver that fails for a while", async () => {
    const receiver = await Receiver.start();
    try {
      // The IPN endpoint fails twice before it recovers: the notifications are retried, in order.
      receiver.on("/ipn", (_request, index) => ({ status: index < 2 ? 500 : 200 }));
      receiver.on("/hook", () => ({ status: 200 }));
      const store = await storeWithWallet({ transaction_speed: 1 });
      const hook = await app.call("POST", `/stores/${store.id}/webhooks`, {
        token,
        body: { url: receiver.url("/hook"), event_types: ["*"] },
      });
      expect(hook.statusCode, hook.body).toBe(200);
      const secret = hook.json().secret as string;
      const created = (
        await app.call("POST", "/invoices", {
          body: { price: "0.9", currency: "LTC", store_id: store.id, notification_url: receiver.url("/ipn") },
        })
      ).json();
      await node.send(created.payments[0].payment_address, "0.9");
      await until(created.id, (i) => i.status === "paid", "paid");
      await node.mine(1);
      await until(created.id, (i) => i.status === "complete", "complete");
      const ipns = await waitFor(() => {
        const delivered = receiver.to("/ipn").filter((_, i) => i >= 2);
        return delivered.some((r) => JSON.parse(r.body).status === "complete") && delivered;
      }, "the IPNs, after the receiver recovered");
      expect(ipns.map((r) => JSON.parse(r.body))).toEqual([
        { id: created.id, status: "paid" },
        { id: created.id, status: "complete" },
      ]);
      const hooks = await waitFor(() => {
        const received = receiver.to("/hook");
        return received.some((r) => JSON.parse(r.body).type === "invoice.complete") && received;
      }, "the webhooks");
      const types = hooks.map((r) => JSON.parse(r.body).type);
      expect(types).toEqual(
        expect.arrayContaining(["invoice.created", "invoice.payment_received", "invoice.paid", "invoice.complete"]),
      );
      expect(types.indexOf("invoice.created")).toBeLessThan(types.indexOf("invoice.paid"));
      expect(types.indexOf("invoice.paid")).toBeLessThan(types.indexOf("invoice.complete"));
      for (const request of hooks) {
        const expected = createHmac("sha256", secret).update(request.body).digest("hex");
        expect(request.headers["till-sig"]).toBe(`sha256=${expected}`);
      }
      expect(JSON.parse(hooks.at(-1)!.body).data.invoice).toMatchObject({ id: created.id, status: "complete" });
    } finally {
      await receiver.close();
    }
  });

  it("keeps a partially paid invoice pending until the rest arrives", async () => {
    const store = await storeWithWallet({ transaction_speed: 0 });
    const created = (
      await app.call("POST", "/invoices", { body: { price: "1", currency: "LTC", store_id: store.id } })
    ).json();
    const address = created.payments[0].payment_address;
    await node.send(address, "0.4");
    const partial = await until(created.id, (i) => i.exception_status === "paid_partial", "partial payment");
    expect(partial.status).toBe("pending");
    expect(partial.sent_amount).toBe("0.4");
    await node.send(address, "0.6");
    const complete = await until(created.id, (i) => i.status === "complete", "the rest of the payment");
    expect(complete.sent_amount).toBe("1");
    expect(complete.ledger).toHaveLength(2);
  });

  it("marks an overpayment paid_over", async () => {
    const store = await storeWithWallet({ transaction_speed: 0 });
    const created = (
      await app.call("POST", "/invoices", { body: { price: "0.2", currency: "LTC", store_id: store.id } })
    ).json();
    await node.send(created.payments[0].payment_address, "0.25");
    const done = await until(created.id, (i) => i.status === "complete", "overpaid invoice");
    expect(done.exception_status).toBe("paid_over");
  });

  it("expires an unpaid invoice at its expiry time, and records a late payment as paid_late", async () => {
    const store = await storeWithWallet({ transaction_speed: 0 });
    const created = (
      await app.call("POST", "/invoices", { body: { price: "0.3", currency: "LTC", store_id: store.id } })
    ).json();
    await expireNow(created.id);
    expect((await invoice(created.id)).status).toBe("expired");
    await node.send(created.payments[0].payment_address, "0.3");
    const late = await until(created.id, (i) => i.exception_status === "paid_late", "the late payment");
    expect(late.ledger).toHaveLength(1);
  });

  it("keeps a payment seen in the mempool just before expiry: the invoice does not expire and completes", async () => {
    const store = await storeWithWallet({ transaction_speed: 1 });
    const created = (
      await app.call("POST", "/invoices", { body: { price: "0.12", currency: "LTC", store_id: store.id } })
    ).json();
    await node.send(created.payments[0].payment_address, "0.12");
    await until(created.id, (i) => i.status === "paid", "paid in the mempool");
    // The expiry time passes while the payment is still unconfirmed.
    await expireNow(created.id);
    expect(await invoice(created.id)).toMatchObject({ status: "paid", exception_status: "none" });
    await node.mine(1);
    const complete = await until(created.id, (i) => i.status === "complete", "complete after expiry time");
    expect(complete.exception_status).toBe("none");
  });

  it("refuses anonymous invoices when the store forbids them, and unknown payment methods", async () => {
    const store = await storeWithWallet({ allow_anonymous_invoice_creation: false });
    expect((await app.call("POST", "/invoices", { body: { price: "1", store_id: store.id } })).statusCode).toBe(403);
    expect((await app.call("POST", "/invoices", { token, body: { price: "1", store_id: store.id } })).statusCode).toBe(
      200,
    );
    const bad = await app.call("POST", "/invoices", {
      token,
      body: { price: "1", store_id: store.id, payment_methods: ["nope"] },
    });
    expect(bad.statusCode).toBe(422);
    const noRate = await app.call("POST", "/invoices", {
      token,
      body: { price: "1", currency: "EUR", store_id: store.id },
    });
    expect(noRate.statusCode).toBe(422);
    expect(noRate.body).toContain("LTC_EUR");
  });

  it("gives 200 invoices created in parallel 200 distinct addresses", async () => {
    const store = await storeWithWallet();
    const responses = await Promise.all(
      Array.from({ length: 200 }, () => app.call("POST", "/invoices", { body: { price: "1", store_id: store.id } })),
    );
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    const addresses = responses.map((r) => r.json().payments[0].payment_address);
    expect(new Set(addresses).size).toBe(200);
  });

  it("moves a complete invoice back to paid when a reorg takes its block away, and completes it again", async () => {
    const store = await storeWithWallet({ transaction_speed: 1 });
    const created = (
      await app.call("POST", "/invoices", { body: { price: "0.35", currency: "LTC", store_id: store.id } })
    ).json();
    await node.send(created.payments[0].payment_address, "0.35");
    await until(created.id, (i) => i.status === "paid", "paid");
    const [block] = await node.mine(1);
    await until(created.id, (i) => i.status === "complete", "complete");
    await node.call("invalidateblock", block);
    const reorged = await until(created.id, (i) => i.status === "paid", "back to paid after the reorg");
    expect(reorged.ledger[0].confirmations).toBe(0);
    await node.call("reconsiderblock", block);
    await until(created.id, (i) => i.status === "complete", "complete again");
  });

  it("follows an RBF fee bump: the replaced payment stops counting, the replacement pays the invoice", async () => {
    const store = await storeWithWallet({ transaction_speed: 1 });
    const created = (
      await app.call("POST", "/invoices", { body: { price: "0.45", currency: "LTC", store_id: store.id } })
    ).json();
    const first = await node.send(created.payments[0].payment_address, "0.45", { replaceable: true });
    await until(created.id, (i) => i.status === "paid", "paid by the first transaction");
    const bumped = await node.walletCall<{ txid: string }>("bumpfee", first);
    const replaced = await until(
      created.id,
      // The view reads the invoice and its ledger in separate statements: wait for both to show the change.
      (i) =>
        i.status !== "pending" &&
        i.ledger.some((p: { txid: string; state: string }) => p.txid === first && p.state === "replaced") &&
        i.ledger.some((p: { txid: string }) => p.txid === bumped.txid),
      "the replacement in the ledger",
    );
    expect(replaced.status).toBe("paid");
    expect(replaced.tx_hashes).toEqual([bumped.txid]);
    await node.mine(1);
    await until(created.id, (i) => i.status === "complete", "complete with the replacement");
  });

  it("takes a double-spent payment back: a conflicting transaction mined instead leaves the money gone", async () => {
    const store = await storeWithWallet({ transaction_speed: 1 });
    const created = (
      await app.call("POST", "/invoices", { body: { price: "0.4", currency: "LTC", store_id: store.id } })
    ).json();
    const paying = await node.send(created.payments[0].payment_address, "0.4", { replaceable: true });
    await until(created.id, (i) => i.status === "paid", "paid by the first transaction");

    // The payer spends the same coins again, to itself, with a higher fee, and that transaction is mined.
    const original = await node.call<{ vin: { txid: string; vout: number }[] }>("getrawtransaction", paying, true);
    let inputs = new Big(0);
    for (const input of original.vin) {
      const previous = await node.call<{ vout: { value: string }[] }>("getrawtransaction", input.txid, true);
      inputs = inputs.plus(previous.vout[input.vout]!.value);
    }
    const self = await node.newAddress("bech32");
    const unsigned = await node.call<string>(
      "createrawtransaction",
      original.vin.map((i) => ({ txid: i.txid, vout: i.vout })),
      { [self.address]: inputs.minus("0.01").toFixed(8) },
    );
    const signed = await node.walletCall<{ hex: string; complete: boolean }>("signrawtransactionwithwallet", unsigned);
    expect(signed.complete).toBe(true);
    const conflicting = await node.call<string>("sendrawtransaction", signed.hex);
    await node.mine(1);

    const back = await until(
      created.id,
      // The view reads the invoice and its ledger in separate statements: wait for both to show the change.
      (i) =>
        i.status !== "paid" &&
        i.ledger.some((p: { txid: string; state: string }) => p.txid === paying && p.state === "replaced"),
      "the double-spent payment marked replaced",
    );
    expect(back).toMatchObject({ status: "pending", sent_amount: "0" });
    expect(back.ledger.map((p: { txid: string }) => p.txid)).not.toContain(conflicting);

    // Once it expires with the money gone, the invoice is invalid with failed_confirm, not silently expired.
    await expireNow(created.id);
    expect(await invoice(created.id)).toMatchObject({ status: "invalid", exception_status: "failed_confirm" });
  });

  it("sells products: checks stock at creation and takes them off the stock once, when the invoice completes", async () => {
    const store = await storeWithWallet({ transaction_speed: 0 });
    const product = await app.call("POST", "/products", {
      token,
      body: { name: "Mug", price: "4", quantity: "3", store_id: store.id },
    });
    expect(product.statusCode, product.body).toBe(200);
    const productId = product.json().id;
    const tooMany = await app.call("POST", "/invoices", {
      body: { price: "20", store_id: store.id, products: { [productId]: 5 } },
    });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json().detail[0].loc).toEqual(["body", "products"]);
    const created = (
      await app.call("POST", "/invoices", {
        body: { price: "0.1", currency: "LTC", store_id: store.id, products: { [productId]: 2 } },
      })
    ).json();
    expect(created).toMatchObject({
      products: [productId],
      product_names: { [productId]: "Mug" },
      product_quantities: { [productId]: 2 },
    });
    await node.send(created.payments[0].payment_address, "0.1");
    await until(created.id, (i) => i.status === "complete", "complete");
    const stock = await waitFor(async () => {
      const current = (await app.call("GET", `/products/${productId}`, { token })).json();
      return current.quantity === 1 ? current : undefined;
    }, "the stock to go down");
    expect(stock.quantity).toBe(1);
    await app.till.services.tracker.refresh(created.id);
    await app.till.services.jobs.stop();
    app.till.services.jobs.start();
    expect((await app.call("GET", `/products/${productId}`, { token })).json().quantity).toBe(1);
  });

  it("exports complete invoices as JSON and CSV, with payments on request", async () => {
    const json = await app.call("GET", "/invoices/export?export_format=json&add_payments=true", { token });
    expect(json.statusCode).toBe(200);
    expect(json.headers["content-disposition"]).toMatch(/^attachment; filename="till-export-\d{8}-\d{6}\.json"$/);
    const exported = json.json() as { status: string; payments: unknown[] }[];
    expect(exported.length).toBeGreaterThan(0);
    expect(exported.every((i) => i.status === "complete" && Array.isArray(i.payments))).toBe(true);
    const csv = await app.call("GET", "/invoices/export?export_format=csv", { token });
    expect(csv.headers["content-type"]).toContain("text/csv");
    const [header, ...lines] = csv.body.trim().split("\n");
    expect(header!.split(",")).toEqual(expect.arrayContaining(["id", "status", "price", "sent_amount"]));
    expect(lines).toHaveLength(exported.length);
    expect(header).not.toContain("payments");
  });

  it("lets the customer fill in empty contact fields only", async () => {
    const store = await storeWithWallet();
    const created = (
      await app.call("POST", "/invoices", { body: { price: "1", store_id: store.id, notes: "gift" } })
    ).json();
    const updated = await app.call("PATCH", `/invoices/${created.id}/customer`, {
      body: { buyer_email: "Buyer@Example.com", notes: "changed" },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ buyer_email: "buyer@example.com", notes: "gift" });
  });

  it("gets or creates by order id, idempotently", async () => {
    const store = await storeWithWallet();
    const first = await app.call("POST", "/invoices/order_id/order-42", { body: { price: "5", store_id: store.id } });
    const again = await app.call("POST", "/invoices/order_id/order-42", { body: { price: "5", store_id: store.id } });
    expect(first.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(first.json().order_id).toBe("order-42");
  });
});
