import { HDKey } from "@scure/bip32";
import { mnemonicToSeedSync } from "@scure/bip39";
import { Transaction, WIF } from "@scure/btc-signer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppOptions, buildApp, type Till } from "../src/app/build-app.ts";
import { BitcoindRpc } from "../src/chains/bitcoin/bitcoind/rpc-client.ts";
import { parseConfig } from "../src/config/load-config.ts";
import { createLogger } from "../src/kernel/logger.ts";
import { Big } from "../src/kernel/money.ts";
import { type LitecoindNode, litecoinTillEnv, startLitecoind, waitFor } from "./chain/litecoind.ts";
import { Receiver } from "./helpers/receiver.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/test-db.ts";

/** Base units of a decimal LTC amount as litecoind prints it. */
const units = (value: string | number) => BigInt(new Big(String(value)).times(1e8).toFixed(0));

interface Running {
  till: Till;
  call(
    method: string,
    url: string,
    options?: { token?: string; body?: unknown },
  ): Promise<{ statusCode: number; body: string; json(): any }>;
}

/** Payouts and refunds sent from wallets on a real litecoind regtest chain, on the database under test. */
describe("payouts on a litecoin regtest chain", () => {
  let node: LitecoindNode;
  let database: TestDatabase;
  let app: Running;
  let token: string;
  let receiver: Receiver;
  const logs: string[] = [];
  const secrets: string[] = [];

  const env = (db: TestDatabase) => ({
    TILL_DATABASE_URL: db.url,
    TILL_DATA_DIR: db.dataDir,
    TILL_LOG_LEVEL: "info",
    ...litecoinTillEnv(node),
    TILL_FIXED_RATES: "LTC_USD=80",
    TILL_ALLOW_PRIVATE_WEBHOOKS: "true",
    TILL_LOGIN_RATE_LIMIT_PER_IP: "1000",
  });

  /** A Till whose logs (request logs included) are captured, to check that no key ever reaches them. */
  const start = async (db: TestDatabase, options: AppOptions = {}): Promise<Running> => {
    const config = parseConfig(env(db));
    const logger = createLogger("info", { write: (line: string) => void logs.push(line) });
    const till = await buildApp(config, logger, options);
    await till.startWatchers();
    till.services.jobs.start();
    return {
      till,
      call: (method, url, opts = {}) =>
        till.http.inject({
          method: method as "GET",
          url,
          headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
          ...(opts.body === undefined ? {} : { payload: opts.body as object }),
        }),
    };
  };

  beforeAll(async () => {
    node = await startLitecoind();
    database = await createTestDatabase();
    receiver = await Receiver.start();
    app = await start(database);
    const user = await app.call("POST", "/users", {
      body: { email: "payer@example.com", password: "correct horse battery" },
    });
    token = user.json().token;
  });
  afterAll(async () => {
    await app?.till.close();
    await database?.drop();
    await receiver?.close();
    await node?.stop();
  });

  /** A wallet from a fresh BIP-39 seed (kept by the test, as a merchant would), funded with confirmed coins. */
  const fundedWallet = async (amounts: string[], on: Running = app) => {
    const generated = (await on.call("POST", "/wallets/create", { token, body: { currency: "ltc" } })).json();
    secrets.push(generated.seed);
    const wallet = (
      await on.call("POST", "/wallets", { token, body: { name: "hot till", currency: "ltc", xpub: generated.key } })
    ).json();
    for (const amount of amounts) {
      const address = (await on.call("POST", `/wallets/${wallet.id}/address`, { token })).json().address;
      await node.send(address, amount);
    }
    await node.mine(1);
    return { id: wallet.id as string, seed: generated.seed as string };
  };

  const payout = async (body: Record<string, unknown>, on: Running = app) => {
    const response = await on.call("POST", "/payouts", { token, body });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const batch = (command: string, ids: string[], options?: unknown, on: Running = app) =>
    on.call("POST", "/payouts/batch", { token, body: { command, ids, ...(options ? { options } : {}) } });
  const get = async (id: string, on: Running = app) => (await on.call("GET", `/payouts/${id}`, { token })).json();
  const until = (id: string, status: string, on: Running = app) =>
    waitFor(async () => {
      const current = await get(id, on);
      return current.status === status ? current : undefined;
    }, `payout ${id} ${status}`);
  const decoded = (txid: string) =>
    node.call<{ vin: { txid: string; vout: number }[]; vout: { value: number; scriptPubKey: { hex: string } }[] }>(
      "getrawtransaction",
      txid,
      true,
    );
  const changeScripts = async (walletId: string) =>
    new Set((await app.till.services.walletRepo.addresses(walletId, 1, 0, 1000)).map((a) => a.script));
  /** The fee of a transaction: inputs (read from their transactions) less outputs. */
  const feeOf = async (txid: string) => {
    const tx = await decoded(txid);
    let total = 0n;
    for (const input of tx.vin) total += units((await decoded(input.txid)).vout[input.vout]!.value);
    return total - tx.vout.reduce((t, o) => t + units(o.value), 0n);
  };
  const scriptOf = async (address: string) =>
    (await node.walletCall<{ scriptPubKey: string }>("getaddressinfo", address)).scriptPubKey;

  it("sends one payout: exact amount, change to a change address, fee within max_fee, complete on confirmation", async () => {
    receiver.on("/payout-ipn", () => ({ status: 200 }));
    const wallet = await fundedWallet(["0.5", "0.4", "0.2"]);
    const destination = (await node.newAddress("bech32")).address;
    const created = await payout({
      amount: "0.3",
      currency: "LTC",
      destination,
      wallet_id: wallet.id,
      max_fee: "0.001",
      notification_url: receiver.url("/payout-ipn"),
    });
    expect(created).toMatchObject({ status: "pending", amount: "0.3", currency: "LTC", tx_hash: null });
    expect((await batch("approve", [created.id])).statusCode).toBe(200);
    const sent = await batch("send", [created.id], { wallets: { [wallet.id]: wallet.seed } });
    expect(sent.statusCode, sent.body).toBe(200);
    const afterSend = await get(created.id);
    // A fresh regtest chain has no fee estimate: the floor (1 sat/vB by default) is used, and said so.
    expect(afterSend).toMatchObject({
      status: "sent",
      sent_amount: "0.3",
      failure_reason: "",
      fee_rate: "1",
      fee_rate_source: "floor",
    });
    const tx = await decoded(afterSend.tx_hash);
    const destinationScript = await scriptOf(destination);
    const change = await changeScripts(wallet.id);
    expect(tx.vout).toHaveLength(2);
    expect(tx.vout.find((o) => o.scriptPubKey.hex === destinationScript)?.value).toBe(0.3);
    const changeOutput = tx.vout.find((o) => o.scriptPubKey.hex !== destinationScript)!;
    expect(change.has(changeOutput.scriptPubKey.hex)).toBe(true);
    const fee = await feeOf(afterSend.tx_hash);
    expect(fee).toBeGreaterThan(0n);
    expect(fee).toBeLessThanOrEqual(units("0.001"));
    expect(units(afterSend.tx_fee)).toBe(fee);
    await node.mine(1);
    const complete = await until(created.id, "complete");
    expect(units(complete.used_fee)).toBe(fee);
    const statuses = await waitFor(() => {
      const bodies = receiver.requests.filter((r) => r.path === "/payout-ipn").map((r) => JSON.parse(r.body));
      return bodies.length >= 4 ? bodies : undefined;
    }, "four IPNs");
    expect(statuses).toEqual(
      ["approved", "broadcasting", "sent", "complete"].map((status) => ({ id: created.id, status })),
    );
  });

  it("batches a wallet's approved payouts (coin and fiat amounts) into one transaction", async () => {
    const wallet = await fundedWallet(["1"]);
    const destinations = [
      (await node.newAddress("bech32")).address,
      (await node.newAddress("p2sh-segwit")).address,
      (await node.newAddress("legacy")).address,
    ];
    const payouts = [
      await payout({ amount: "0.1", currency: "LTC", destination: destinations[0], wallet_id: wallet.id }),
      await payout({ amount: "0.2", currency: "LTC", destination: destinations[1], wallet_id: wallet.id }),
      // 8 USD at 80 USD/LTC.
      await payout({ amount: "8", currency: "USD", destination: destinations[2], wallet_id: wallet.id, max_fee: "1" }),
    ];
    const ids = payouts.map((p) => p.id);
    await batch("approve", ids);
    const sent = await batch("send", ids, { wallets: { [wallet.id]: wallet.seed }, batch: true });
    expect(sent.statusCode, sent.body).toBe(200);
    const after = await Promise.all(ids.map((id) => get(id)));
    expect(new Set(after.map((p) => p.tx_hash)).size).toBe(1);
    expect(after.map((p) => p.status)).toEqual(["sent", "sent", "sent"]);
    const tx = await decoded(after[0].tx_hash);
    expect(tx.vin).toHaveLength(1);
    expect(tx.vout).toHaveLength(4);
    const expected = ["0.1", "0.2", "0.1"];
    for (const [i, address] of destinations.entries()) {
      const script = await scriptOf(address);
      expect(tx.vout.find((o) => o.scriptPubKey.hex === script)?.value).toBe(Number(expected[i]));
    }
    const change = await changeScripts(wallet.id);
    expect(tx.vout.filter((o) => change.has(o.scriptPubKey.hex))).toHaveLength(1);
    await node.mine(1);
    for (const id of ids) await until(id, "complete");
  });

  it("sends the whole balance with amount -1: every coin in, one output, no change", async () => {
    const wallet = await fundedWallet(["0.25", "0.15"]);
    const destination = (await node.newAddress("bech32")).address;
    const created = await payout({ amount: "-1", currency: "LTC", destination, wallet_id: wallet.id });
    await batch("approve", [created.id]);
    expect((await batch("send", [created.id], { wallets: { [wallet.id]: wallet.seed } })).statusCode).toBe(200);
    const sent = await get(created.id);
    const tx = await decoded(sent.tx_hash);
    expect(tx.vin).toHaveLength(2);
    expect(tx.vout).toHaveLength(1);
    const fee = await feeOf(sent.tx_hash);
    expect(units(tx.vout[0]!.value) + fee).toBe(units("0.4"));
    expect(units(sent.sent_amount)).toBe(units(tx.vout[0]!.value));
    // A payout whose transaction exists is kept for the record.
    expect((await app.call("DELETE", `/payouts/${created.id}`, { token })).statusCode).toBe(422);
    expect((await batch("delete", [created.id])).statusCode).toBe(422);
    expect((await get(created.id)).status).toBe("sent");
  });

  it("fails a payout whose fee is above max_fee, with the reason, and broadcasts nothing", async () => {
    const wallet = await fundedWallet(["0.3"]);
    const destination = (await node.newAddress("bech32")).address;
    const created = await payout({
      amount: "0.1",
      currency: "LTC",
      destination,
      wallet_id: wallet.id,
      max_fee: "0.00000010",
    });
    await batch("approve", [created.id]);
    const mempoolBefore = await node.call<string[]>("getrawmempool");
    const response = await batch("send", [created.id], { wallets: { [wallet.id]: wallet.seed } });
    expect(response.statusCode, response.body).toBe(200);
    const failed = await get(created.id);
    expect(failed.status).toBe("failed");
    expect(failed.failure_reason).toMatch(/above max_fee 0\.0000001 LTC/);
    expect(failed.tx_hash).toBeNull();
    expect(await node.call<string[]>("getrawmempool")).toEqual(mempoolBefore);
  });

  it("refuses a wrong key, a public key, missing funds and a bad destination with a 422 naming the field, changing nothing", async () => {
    const wallet = await fundedWallet(["0.2"]);
    const other = (await app.call("POST", "/wallets/create", { token, body: { currency: "ltc" } })).json();
    secrets.push(other.seed);
    const destination = (await node.newAddress("bech32")).address;
    const created = await payout({ amount: "0.1", currency: "LTC", destination, wallet_id: wallet.id });
    await batch("approve", [created.id]);
    const loc = ["body", "options", "wallets", wallet.id];
    const wrong = await batch("send", [created.id], { wallets: { [wallet.id]: other.seed } });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().detail[0].loc.slice(-3)).toEqual(loc.slice(-3));
    expect(wrong.json().detail[0].msg).toMatch(/not the key of wallet/);
    const publicKey = await batch("send", [created.id], { wallets: { [wallet.id]: other.key } });
    expect(publicKey.statusCode).toBe(422);
    expect(publicKey.json().detail[0].msg).toMatch(/public key/);
    const none = await batch("send", [created.id], {});
    expect(none.statusCode).toBe(422);
    const tooMuch = await payout({ amount: "5", currency: "LTC", destination, wallet_id: wallet.id });
    await batch("approve", [tooMuch.id]);
    const poor = await batch("send", [tooMuch.id], { wallets: { [wallet.id]: wallet.seed } });
    expect(poor.statusCode).toBe(422);
    expect(poor.json().detail[0].msg).toMatch(/Insufficient funds/);
    expect((await get(created.id)).status).toBe("approved");
    expect((await get(tooMuch.id)).status).toBe("approved");
    const mainnet = await app.call("POST", "/payouts", {
      token,
      body: {
        amount: "0.1",
        currency: "LTC",
        destination: "ltc1qg82rfhxmx0kmsx0s0j5qyy2xuvnl7j2y8kd4y2",
        wallet_id: wallet.id,
      },
    });
    expect(mainnet.statusCode).toBe(422);
    expect(mainnet.json().detail[0].loc).toEqual(["body", "destination"]);
  });

  it("re-broadcasts the stored transaction after a crash between signing and broadcasting: one transaction only", async () => {
    const crashDb = await createTestDatabase();
    const crashing = await start(crashDb, {
      afterPayoutSign: () => {
        throw new Error("crash after signing");
      },
    });
    let restarted: Running | null = null;
    try {
      const user = await crashing.call("POST", "/users", {
        body: { email: "crash@example.com", password: "correct horse battery" },
      });
      const saved = token;
      token = user.json().token;
      const wallet = await fundedWallet(["0.6"], crashing);
      const destination = (await node.newAddress("bech32")).address;
      const created = await payout({ amount: "0.2", currency: "LTC", destination, wallet_id: wallet.id }, crashing);
      await batch("approve", [created.id], undefined, crashing);
      const response = await batch("send", [created.id], { wallets: { [wallet.id]: wallet.seed } }, crashing);
      expect(response.statusCode).toBe(500);
      const stored = await get(created.id, crashing);
      expect(stored.status).toBe("broadcasting");
      expect(await node.call<string[]>("getrawmempool")).not.toContain(stored.tx_hash);
      await crashing.till.close();
      restarted = await start(crashDb);
      const sent = await until(created.id, "sent", restarted);
      expect(sent.tx_hash).toBe(stored.tx_hash);
      const mempool = await node.call<string[]>("getrawmempool");
      expect(mempool).toContain(stored.tx_hash);
      // The wallet's one coin is spent by that transaction and by no other.
      const coin = (await decoded(stored.tx_hash)).vin[0]!;
      const spenders: string[] = [];
      for (const txid of mempool) {
        if ((await decoded(txid)).vin.some((i) => i.txid === coin.txid && i.vout === coin.vout)) spenders.push(txid);
      }
      expect(spenders).toEqual([stored.tx_hash]);
      await node.mine(1);
      await until(created.id, "complete", restarted);
      token = saved;
    } finally {
      await restarted?.till.close();
      await crashDb.drop();
    }
  });

  it("exports a PSBT that litecoind signs with the imported key, and broadcasts the signed PSBT posted back", async () => {
    const wallet = await fundedWallet(["0.7"]);
    const destination = (await node.newAddress("bech32")).address;
    const created = await payout({
      amount: "0.15",
      currency: "LTC",
      destination,
      wallet_id: wallet.id,
      max_fee: "0.01",
    });
    await batch("approve", [created.id]);
    const exported = await app.call("GET", `/payouts/${created.id}/psbt`, { token });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.json()).toMatchObject({ amount: "0.15", destination });
    // Exporting takes nothing: the same coins and the same (untaken) change address each time.
    const again = await app.call("GET", `/payouts/${created.id}/psbt`, { token });
    expect(again.json().psbt).toBe(exported.json().psbt);
    const changeIndex = async () => (await app.till.services.walletRepo.findById(wallet.id))!.change_index;
    expect(await changeIndex()).toBe(0);
    // A second implementation signs: litecoind's legacy wallet with the receive keys imported.
    const account = HDKey.fromMasterSeed(mnemonicToSeedSync(wallet.seed)).derive("m/84'/1'/0'");
    const wif = WIF({ bech32: "rltc", pubKeyHash: 0x6f, scriptHash: 0x3a, wif: 0xef });
    await node.call("createwallet", "signer");
    const signer = new BitcoindRpc(`${node.url}/wallet/signer`, { keepAlive: false });
    for (let i = 0; i < 3; i++) {
      const key = account.deriveChild(0).deriveChild(i).privateKey!;
      await signer.call("importprivkey", [wif.encode(key), "", false]);
    }
    const processed = await signer.call<{ psbt: string; complete: boolean }>("walletprocesspsbt", [
      exported.json().psbt,
    ]);
    expect(processed.complete).toBe(true);
    const submitted = await app.call("POST", `/payouts/${created.id}/psbt`, { token, body: { psbt: processed.psbt } });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json()).toMatchObject({ status: "sent", sent_amount: "0.15" });
    // Its change address (the first) now counts as used: the next transaction's change goes elsewhere.
    expect(await changeIndex()).toBe(1);
    expect(await node.call<string[]>("getrawmempool")).toContain(submitted.json().tx_hash);
    await node.mine(1);
    await until(created.id, "complete");
  });

  it("refuses a posted PSBT that is not a PSBT, is not signed, or pays someone else", async () => {
    const wallet = await fundedWallet(["0.4"]);
    const destination = (await node.newAddress("bech32")).address;
    const created = await payout({ amount: "0.1", currency: "LTC", destination, wallet_id: wallet.id });
    await batch("approve", [created.id]);
    const post = (psbt: string) => app.call("POST", `/payouts/${created.id}/psbt`, { token, body: { psbt } });
    const garbage = await post("not a psbt");
    expect(garbage.statusCode).toBe(422);
    expect(garbage.json().detail[0].loc).toEqual(["body", "psbt"]);
    const unsigned = (await app.call("GET", `/payouts/${created.id}/psbt`, { token })).json().psbt;
    expect((await post(unsigned)).json().detail[0].msg).toMatch(/cannot be finalized/);
    // Signed by the wallet's key, but paying an address that is neither the destination nor the wallet.
    const tx = Transaction.fromPSBT(Buffer.from(unsigned, "base64"));
    const elsewhere = Buffer.from(await scriptOf((await node.newAddress("bech32")).address), "hex");
    tx.updateOutput(0, { script: elsewhere });
    const account = HDKey.fromMasterSeed(mnemonicToSeedSync(wallet.seed)).derive("m/84'/1'/0'");
    tx.sign(account.deriveChild(0).deriveChild(0).privateKey!);
    const redirected = await post(Buffer.from(tx.toPSBT()).toString("base64"));
    expect(redirected.statusCode).toBe(422);
    expect(redirected.json().detail[0].msg).toMatch(/pays neither the destination nor the wallet/);
    expect((await get(created.id)).status).toBe("approved");
  });

  it("never spends one coin twice when two sends run at once", async () => {
    const wallet = await fundedWallet(["0.5"]);
    const payouts = [
      await payout({
        amount: "0.1",
        currency: "LTC",
        destination: (await node.newAddress("bech32")).address,
        wallet_id: wallet.id,
      }),
      await payout({
        amount: "0.1",
        currency: "LTC",
        destination: (await node.newAddress("bech32")).address,
        wallet_id: wallet.id,
      }),
    ];
    await batch(
      "approve",
      payouts.map((p) => p.id),
    );
    const answers = await Promise.all(
      payouts.map((p) => batch("send", [p.id], { wallets: { [wallet.id]: wallet.seed } })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 422]);
    expect(answers.find((a) => a.statusCode === 422)!.json().detail[0].msg).toMatch(/Insufficient funds/);
    const statuses = await Promise.all(payouts.map(async (p) => (await get(p.id)).status));
    expect(statuses.sort()).toEqual(["approved", "sent"]);
  });

  it("sends from a hot wallet with its own sealed key, no key given", async () => {
    const generated = (
      await app.call("POST", "/wallets/create", { token, body: { currency: "ltc", hot_wallet: true } })
    ).json();
    secrets.push(generated.seed);
    const wallet = (
      await app.call("POST", "/wallets", {
        token,
        body: { name: "hot", currency: "ltc", xpub: generated.seed, hot_wallet: true },
      })
    ).json();
    const address = (await app.call("POST", `/wallets/${wallet.id}/address`, { token })).json().address;
    await node.send(address, "0.3");
    await node.mine(1);
    const created = await payout({
      amount: "0.1",
      currency: "LTC",
      destination: (await node.newAddress("bech32")).address,
      wallet_id: wallet.id,
    });
    await batch("approve", [created.id]);
    const sent = await batch("send", [created.id]);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()[0]).toMatchObject({ status: "sent", sent_amount: "0.1" });
  });

  it("fails a sent payout whose transaction another one replaced, saying so", async () => {
    const wallet = await fundedWallet(["0.5"]);
    const created = await payout({
      amount: "0.2",
      currency: "LTC",
      destination: (await node.newAddress("bech32")).address,
      wallet_id: wallet.id,
    });
    await batch("approve", [created.id]);
    await batch("send", [created.id], { wallets: { [wallet.id]: wallet.seed } });
    const sent = await get(created.id);
    expect(sent.status).toBe("sent");
    // The wallet's owner spends the same coin elsewhere with a higher fee (the payout signalled RBF).
    const input = (await decoded(sent.tx_hash)).vin[0]!;
    const funding = (await decoded(input.txid)).vout[input.vout]!;
    const child = HDKey.fromMasterSeed(mnemonicToSeedSync(wallet.seed)).derive("m/84'/1'/0'/0/0");
    const conflict = new Transaction();
    conflict.addInput({
      txid: input.txid,
      index: input.vout,
      witnessUtxo: { script: Buffer.from(funding.scriptPubKey.hex, "hex"), amount: units(funding.value) },
    });
    conflict.addOutput({
      script: Buffer.from(await scriptOf((await node.newAddress("bech32")).address), "hex"),
      amount: units(funding.value) - 100_000n,
    });
    conflict.sign(child.privateKey!);
    conflict.finalize();
    await node.call("sendrawtransaction", conflict.hex);
    await node.mine(1);
    const failed = await until(created.id, "failed");
    expect(failed.failure_reason).toMatch(/was replaced/);
  });

  it("never writes a key or seed given to send into the logs", async () => {
    expect(secrets.length).toBeGreaterThan(0);
    const all = logs.join("");
    expect(all.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(all).not.toContain(secret);
    const probe: string[] = [];
    createLogger("info", { write: (line: string) => void probe.push(line) }).info(
      { body: { command: "send", options: { wallets: { w1: secrets[0] } } }, seed: secrets[0], private_key: "xprv" },
      "probe",
    );
    expect(probe.join("")).not.toContain(secrets[0]);
    expect(probe.join("")).not.toContain("xprv");
  });
});
