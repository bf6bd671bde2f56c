import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TillApiError, TillClient } from "../../sdk/src/index.ts";
import { type LitecoindNode, litecoinTillEnv, startLitecoind, waitFor } from "./chain/litecoind.ts";
import { createTestApp, registerUser, type TestApp } from "./helpers/test-app.ts";

/** The SDK's payouts and refunds against a running Till on a litecoin regtest chain. */
describe("payouts and refunds through the SDK", () => {
  let node: LitecoindNode;
  let app: TestApp;
  let till: TillClient;
  let anonymous: TillClient;

  beforeAll(async () => {
    node = await startLitecoind();
    app = await createTestApp({
      ...litecoinTillEnv(node),
      TILL_FIXED_RATES: "LTC_USD=80",
    });
    await app.till.startWatchers();
    app.till.services.jobs.start();
    await app.till.http.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.till.http.server.address() as AddressInfo;
    anonymous = new TillClient({ baseUrl: `http://127.0.0.1:${port}` });
    till = anonymous.withToken((await registerUser(app)).token);
  });
  afterAll(async () => {
    await app?.close();
    await node?.stop();
  });

  it("creates, approves and sends a payout, exports its PSBT, and runs a refund", async () => {
    const generated = await till.http.post<{ seed: string; key: string }>("/wallets/create", { currency: "ltc" });
    const wallet = await till.http.post<{ id: string }>("/wallets", {
      name: "w",
      currency: "ltc",
      xpub: generated.key,
    });
    const address = (await till.http.post<{ address: string }>(`/wallets/${wallet.id}/address`)).address;
    await node.send(address, "1");
    await node.mine(1);

    const destination = (await node.newAddress("bech32")).address;
    const payout = await till.payouts.create({ amount: "0.2", currency: "LTC", destination, wallet_id: wallet.id });
    expect(payout).toMatchObject({ status: "pending", amount: "0.2" });
    expect((await till.payouts.update(payout.id, { max_fee: "0.01" })).max_fee).toBe("0.01");
    expect(await till.payouts.approve([payout.id])).toBe(true);
    const unsigned = await till.payouts.psbt(payout.id);
    expect(unsigned).toMatchObject({ amount: "0.2", destination, fee_rate_source: "floor" });
    const [sent] = await till.payouts.send([payout.id], { wallets: { [wallet.id]: generated.seed } });
    expect(sent).toMatchObject({ id: payout.id, status: "sent" });
    expect(await till.payouts.count()).toBe(1);

    const wrong = await till.payouts
      .create({ amount: "0.1", currency: "LTC", destination: "nope", wallet_id: wallet.id })
      .catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(TillApiError);
    expect((wrong as TillApiError).status).toBe(422);

    const other = await till.payouts.create({ amount: "0.1", currency: "LTC", destination, wallet_id: wallet.id });
    expect(await till.payouts.cancel([other.id])).toBe(true);
    expect((await till.payouts.get(other.id)).status).toBe("cancelled");

    const store = await till.stores.create({ name: "Shop", wallets: [wallet.id] } as never);
    const invoice = await anonymous.http.post<{ id: string }>("/invoices", { price: "8", store_id: store.id });
    const refund = await till.refunds.create(invoice.id, { amount: "8", currency: "USD", send_email: false });
    expect(await anonymous.refunds.get(refund.id)).toEqual(refund);
    const submitted = await anonymous.refunds.submit(refund.id, destination);
    expect(submitted.payout_id).toBeTruthy();
    // 8 USD at the invoice's locked rate of 80 USD/LTC.
    expect(await till.payouts.get(submitted.payout_id!)).toMatchObject({ status: "pending", amount: "0.1" });

    await node.mine(1);
    await waitFor(
      async () => ((await till.payouts.get(payout.id)).status === "complete" ? true : undefined),
      "complete",
    );
  });
});
