import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type LitecoindNode, litecoinTillEnv, startLitecoind } from "./chain/litecoind.ts";
import { WsClient } from "./helpers/live-clients.ts";
import { cleanEnv, ensureBuilt, freePort, MAIN, NodeProcess, waitFor } from "./helpers/processes.ts";
import { Receiver } from "./helpers/receiver.ts";
import { createTestDatabase, type TestDatabase, testDialect } from "./helpers/test-db.ts";

/**
 * Invoices across real `till serve` processes: killed with SIGKILL while a payment confirms, and (on
 * PostgreSQL) two processes where the leader dies and the survivor's websocket still sees the payment.
 */
describe("invoices across process deaths", () => {
  let node: LitecoindNode;
  let receiver: Receiver;
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const servers: NodeProcess[] = [];
  let token = "";

  async function startServer(): Promise<{ process: NodeProcess; url: string }> {
    const port = await freePort();
    const server = new NodeProcess([MAIN, "serve"], { ...env, TILL_PORT: String(port) });
    servers.push(server);
    await server.waitForOutput(`listening at http://127.0.0.1:${port}`, 30_000);
    return { process: server, url: `http://127.0.0.1:${port}` };
  }

  const api = async (url: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(url + path, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  };

  const invoiceOn = (url: string, id: string) => api(url, "GET", `/invoices/${id}`);
  const untilStatus = (url: string, id: string, status: string, timeoutMs = 20_000) =>
    waitFor(
      async () => {
        const invoice = await invoiceOn(url, id).catch(() => null);
        return invoice?.status === status ? invoice : null;
      },
      { timeoutMs, what: `invoice ${id} to be ${status}` },
    );

  async function storeAndInvoice(url: string) {
    const key = (await api(url, "POST", "/wallets/create", { currency: "ltc" })).key;
    const wallet = await api(url, "POST", "/wallets", { name: "w", currency: "ltc", xpub: key });
    const store = await api(url, "POST", "/stores", {
      name: "Shop",
      default_currency: "USD",
      wallets: [wallet.id],
      checkout_settings: { transaction_speed: 1 },
    });
    return api(url, "POST", "/invoices", {
      price: "0.2",
      currency: "LTC",
      store_id: store.id,
      notification_url: receiver.url("/ipn"),
    });
  }

  const ipnStatuses = (id: string) =>
    receiver
      .to("/ipn")
      .map((r) => JSON.parse(r.body) as { id: string; status: string })
      .filter((body) => body.id === id)
      .map((body) => body.status);

  beforeAll(async () => {
    await ensureBuilt();
    node = await startLitecoind();
    receiver = await Receiver.start();
    database = await createTestDatabase();
    env = cleanEnv({
      TILL_DATABASE_URL: database.url,
      TILL_DATA_DIR: database.dataDir,
      TILL_HOST: "127.0.0.1",
      TILL_LOG_LEVEL: "info",
      TILL_LEADER_LEASE_SECONDS: "3",
      ...litecoinTillEnv(node),
      TILL_FIXED_RATES: "LTC_USD=80",
      TILL_ALLOW_PRIVATE_WEBHOOKS: "true",
    });
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.kill("SIGKILL")));
  });

  afterAll(async () => {
    await receiver?.close();
    await node?.stop();
    await database?.drop();
  });

  async function signIn(url: string) {
    if (token) return;
    const user = await api(url, "POST", "/users", { email: "merchant@example.com", password: "process-death-pw" });
    token = user.token;
  }

  it("killed with SIGKILL while a payment confirms: after a restart the invoice is complete and the IPN delivered", {
    timeout: 120_000,
  }, async () => {
    const first = await startServer();
    await signIn(first.url);
    const invoice = await storeAndInvoice(first.url);
    await node.send(invoice.payments[0].payment_address, "0.2");
    await untilStatus(first.url, invoice.id, "paid");

    const killed = await first.process.kill("SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    // The payment confirms while no Till is running.
    await node.mine(1);

    const second = await startServer();
    const complete = await untilStatus(second.url, invoice.id, "complete", 30_000);
    expect(complete).toMatchObject({ exception_status: "none", sent_amount: "0.2" });
    expect(complete.ledger).toEqual([expect.objectContaining({ state: "confirmed", confirmations: 1 })]);
    // At least once, in order: the merchant hears `paid` (sent before or after the kill) and then `complete`.
    const statuses = await waitFor(() => ipnStatuses(invoice.id).includes("complete") && ipnStatuses(invoice.id), {
      timeoutMs: 30_000,
      what: "the complete IPN after the restart",
    });
    expect(statuses.indexOf("paid")).toBeGreaterThanOrEqual(0);
    expect(statuses.lastIndexOf("paid")).toBeLessThan(statuses.indexOf("complete"));
  });

  if (testDialect() === "postgres") {
    it("two processes: the leader is killed, the other takes over and its websocket sees the payment", {
      timeout: 120_000,
    }, async () => {
      const a = await startServer();
      await signIn(a.url);
      const b = await startServer();
      const ready = async (url: string) => (await (await fetch(`${url}/health/ready`)).json()) as { leader: boolean };
      const [leader, survivor] = await waitFor(
        async () => {
          const [ra, rb] = await Promise.all([ready(a.url), ready(b.url)]);
          if (ra.leader === rb.leader) return null;
          return ra.leader ? [a, b] : [b, a];
        },
        { timeoutMs: 15_000, what: "one leader" },
      );

      const invoice = await storeAndInvoice(survivor!.url);
      const socket = await WsClient.connect(`${survivor!.url.replace("http", "ws")}/ws/invoices/${invoice.id}`);
      await socket.waitForMessages(1);
      expect(socket.messages[0]).toMatchObject({ status: "pending" });

      await leader!.process.kill("SIGKILL");
      await waitFor(async () => (await ready(survivor!.url)).leader, {
        timeoutMs: 15_000,
        what: "the survivor to take the lease",
      });
      await node.send(invoice.payments[0].payment_address, "0.2");
      const messages = await waitFor(
        () => socket.messages.some((m) => (m as { status: string }).status === "paid") && socket.messages,
        { timeoutMs: 20_000, what: "the paid status on the survivor's websocket" },
      );
      expect(messages.at(-1)).toMatchObject({ status: "paid", exception_status: "none", sent_amount: "0.2" });
      await node.mine(1);
      await socket.waitForClose(20_000);
      expect(socket.messages.at(-1)).toMatchObject({ status: "complete" });
      await waitFor(() => ipnStatuses(invoice.id).includes("complete"), {
        timeoutMs: 20_000,
        what: "the complete IPN from the survivor",
      });
    });
  }
});
