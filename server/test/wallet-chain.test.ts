import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ElectrumTestServer, NodeIndex } from "./chain/electrum-test-server.ts";
import { type LitecoindNode, startLitecoind, waitFor } from "./chain/litecoind.ts";
import { createTestApp, registerUser, type TestApp } from "./helpers/test-app.ts";

const ABANDON = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

/**
 * Wallets against a real litecoind regtest node, on the database under test, through each backend: Core's RPC
 * directly, and the Electrum protocol (a test Electrum server answering from the same node).
 */
describe.each(["bitcoind", "electrum"] as const)("wallets on a litecoin regtest chain (%s backend)", (backend) => {
  let node: LitecoindNode;
  let index: NodeIndex | undefined;
  let electrum: ElectrumTestServer | undefined;
  let app: TestApp;
  let token: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    node = await startLitecoind();
    env = { TILL_CRYPTOS: "ltc", LTC_NETWORK: "regtest", LTC_BACKEND: backend, LTC_POLL_INTERVAL_MS: "100" };
    if (backend === "bitcoind") {
      env.LTC_BITCOIND_URL = node.url;
    } else {
      index = new NodeIndex(node);
      await index.start();
      electrum = await ElectrumTestServer.start(index);
      env.LTC_ELECTRUM_SERVERS = `tcp://127.0.0.1:${electrum.port}`;
    }
    app = await createTestApp(env);
    token = (await registerUser(app)).token;
    await app.till.startWatchers();
  });
  afterAll(async () => {
    await app?.close();
    await electrum?.stop();
    await index?.stop();
    await node?.stop();
  });

  const createWallet = async (xpub: string, extra: Record<string, unknown> = {}) => {
    const response = await app.call("POST", "/wallets", {
      token,
      body: { name: "w", currency: "ltc", xpub, ...extra },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const wallet = async (id: string) => (await app.call("GET", `/wallets/${id}`, { token })).json();
  const nextAddress = async (id: string) => (await app.call("POST", `/wallets/${id}/address`, { token })).json();

  /** The node's own derivation of a descriptor: an independent implementation to check ours against. */
  const nodeAddresses = async (descriptor: string, count: number) => {
    const body = descriptor.replace(/#.*$/, "");
    const info = await node.call<{ descriptor: string }>("getdescriptorinfo", body);
    return node.call<string[]>("deriveaddresses", info.descriptor, [0, count - 1]);
  };

  it("derives the same addresses as litecoind for a vpub, a BIP-39 mnemonic and a descriptor", async () => {
    const generated = (await app.call("POST", "/wallets/create", { token, body: { currency: "ltc" } })).json();
    const fromVpub = await createWallet(generated.key);
    const fromMnemonic = await createWallet(ABANDON, { additional_xpub_data: { bip39_purpose: 49 } });
    const fromDescriptor = await createWallet(
      fromVpub.descriptor.replace(/^wpkh\(\[[^\]]*\]/, "wpkh(").replace(/#.*$/, ""),
    );
    for (const created of [fromVpub, fromMnemonic, fromDescriptor]) {
      const expected = await nodeAddresses(created.descriptor, 10);
      const ours = [];
      for (let i = 0; i < 10; i++) ours.push((await nextAddress(created.id)).address);
      expect(ours).toEqual(expected);
    }
    expect(fromMnemonic.script_type).toBe("p2sh-p2wpkh");
  });

  it("finds an imported wallet's history beyond the gap of its first payment, and continues after it", async () => {
    const generated = (await app.call("POST", "/wallets/create", { token, body: { currency: "ltc" } })).json();
    const addresses = await nodeAddresses(generated.additional_data.descriptor, 30);
    await node.send(addresses[3]!, "1.25");
    await node.send(addresses[22]!, "0.5");
    await node.mine(1);
    const imported = await createWallet(generated.key);
    // The Electrum server may index the block a moment after the node mined it: the scan that follows its
    // notification brings the balance in, so wait for the scan's result rather than for the first scan.
    const synced = await waitFor(async () => {
      const current = await wallet(imported.id);
      return current.sync_status === "synced" && current.balance === "1.75" ? current : undefined;
    }, "the imported wallet's scan");
    expect(synced.balance).toBe("1.75");
    expect(synced.next_index).toBe(23);
    expect(synced.last_used_index).toBe(22);
    expect((await nextAddress(imported.id)).address).toBe(addresses[23]);
    const balance = (await app.call("GET", `/wallets/${imported.id}/balance`, { token })).json();
    expect(balance).toMatchObject({ confirmed: "1.75", unconfirmed: "0" });
  });

  it("sees a payment to a handed-out address in the mempool, then confirmed", async () => {
    const created = await createWallet(
      (await app.call("POST", "/wallets/create", { token, body: { currency: "ltc" } })).json().key,
    );
    const issued = await nextAddress(created.id);
    await node.send(issued.address, "0.3");
    const pending = await waitFor(async () => {
      const balance = (await app.call("GET", `/wallets/${created.id}/balance`, { token })).json();
      return balance.unconfirmed === "0.3" ? balance : undefined;
    }, "the unconfirmed payment");
    expect(pending.confirmed).toBe("0");
    await node.mine(1);
    await waitFor(async () => {
      const balance = (await app.call("GET", `/wallets/${created.id}/balance`, { token })).json();
      return balance.confirmed === "0.3" && balance.unconfirmed === "0";
    }, "the confirmed payment");
    const listed = (await app.call("GET", `/wallets/${created.id}/addresses`, { token })).json();
    expect(listed.result[0]).toMatchObject({ index: 0, address: issued.address, used: true });
  });

  it("finds a payment made while Till was stopped", async () => {
    const created = await createWallet(
      (await app.call("POST", "/wallets/create", { token, body: { currency: "ltc" } })).json().key,
    );
    const issued = await nextAddress(created.id);
    await waitFor(async () => (await wallet(created.id)).sync_status === "synced", "the first scan");
    await app.stop();
    await node.send(issued.address, "0.42");
    await node.mine(2);
    app = await createTestApp(env, app.database);
    await app.till.startWatchers();
    const found = await waitFor(async () => {
      const current = await wallet(created.id);
      return current.balance === "0.42" ? current : undefined;
    }, "the payment made while stopped");
    expect(found.last_used_index).toBe(0);
    expect((await nextAddress(created.id)).index).toBe(1);
  });

  it("reports the chain's sync state", async () => {
    const info = await waitFor(async () => {
      const rows = (await app.call("GET", "/manage/syncinfo", { token })).json();
      return rows[0]?.synchronized ? rows : undefined;
    }, "a synchronized backend");
    expect(info[0]).toMatchObject({ currency: "ltc", backend, running: true, connected: true });
    expect(info[0].blockchain_height).toBe(await node.height());
  });
});
