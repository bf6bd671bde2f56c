import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ElectrumTestServer, NodeIndex } from "./chain/electrum-test-server.ts";
import { type LitecoindNode, startLitecoind, waitFor } from "./chain/litecoind.ts";
import { createTestApp, registerUser, type TestApp } from "./helpers/test-app.ts";

/** The same payout path over the Electrum backend: coins, fee, broadcast and confirmation through the protocol. */
describe("payouts over an Electrum server", () => {
  let node: LitecoindNode;
  let index: NodeIndex;
  let server: ElectrumTestServer;
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    node = await startLitecoind();
    index = new NodeIndex(node);
    await index.start();
    server = await ElectrumTestServer.start(index);
    app = await createTestApp({
      TILL_CRYPTOS: "ltc",
      LTC_NETWORK: "regtest",
      LTC_BACKEND: "electrum",
      LTC_ELECTRUM_SERVERS: server.url,
      TILL_FIXED_RATES: "LTC_USD=80",
    });
    token = (await registerUser(app)).token;
    await app.till.startWatchers();
    app.till.services.jobs.start();
  });
  afterAll(async () => {
    await app?.close();
    await server?.stop();
    await index?.stop();
    await node?.stop();
  });

  it("sends a payout from confirmed coins, with change, and completes it on confirmation", async () => {
    const generated = (await app.call("POST", "/wallets/create", { token, body: { currency: "ltc" } })).json();
    const wallet = (
      await app.call("POST", "/wallets", { token, body: { name: "w", currency: "ltc", xpub: generated.key } })
    ).json();
    for (const amount of ["0.4", "0.3"]) {
      const address = (await app.call("POST", `/wallets/${wallet.id}/address`, { token })).json().address;
      await node.send(address, amount);
    }
    await node.mine(1);
    const destination = (await node.newAddress("bech32")).address;
    const created = (
      await app.call("POST", "/payouts", {
        token,
        body: { amount: "0.5", currency: "LTC", destination, wallet_id: wallet.id, max_fee: "0.001" },
      })
    ).json();
    const batch = (command: string, options?: unknown) =>
      app.call("POST", "/payouts/batch", { token, body: { command, ids: [created.id], options } });
    await batch("approve");
    // The server learns of the block a little after the node: retry while the coins are not confirmed there yet.
    const sent = await waitFor(async () => {
      const response = await batch("send", { wallets: { [wallet.id]: generated.seed } });
      if (response.statusCode === 422 && /Insufficient funds/.test(response.body)) return undefined;
      return response;
    }, "the payout sent");
    expect(sent.statusCode, sent.body).toBe(200);
    const payout = sent.json()[0];
    expect(payout).toMatchObject({ status: "sent", sent_amount: "0.5" });
    const tx = await node.call<{ vin: unknown[]; vout: { value: number }[] }>(
      "getrawtransaction",
      payout.tx_hash,
      true,
    );
    expect(tx.vin).toHaveLength(2);
    expect(tx.vout).toHaveLength(2);
    expect(tx.vout.map((o) => o.value)).toContain(0.5);
    await node.mine(1);
    const complete = await waitFor(async () => {
      const current = (await app.call("GET", `/payouts/${created.id}`, { token })).json();
      return current.status === "complete" ? current : undefined;
    }, "complete");
    expect(complete.used_fee).toBe(payout.tx_fee);
  });
});
