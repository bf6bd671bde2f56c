import type { AddressInfo } from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/database.ts";
import { PostgresEventBus } from "../src/db/pg-event-bus.ts";
import type { EventBus } from "../src/kernel/events.ts";
import { createLogger } from "../src/kernel/logger.ts";
import { SseClient, WsClient } from "./helpers/live-clients.ts";
import { registerTestTopics, type TopicState } from "./helpers/live-topics.ts";
import { cleanEnv, freePort, NodeProcess, ROOT, waitFor } from "./helpers/processes.ts";
import { createTestApp, type TestApp } from "./helpers/test-app.ts";
import { createTestDatabase, type TestDatabase, testDialect } from "./helpers/test-db.ts";

/** A real bus that counts each topic's live subscriptions, to see streams unsubscribe. */
function countingBus(bus: EventBus) {
  const counts = new Map<string, number>();
  const wrapped: EventBus = {
    publish: (topic, message) => bus.publish(topic, message),
    subscribe: (topic, handler) => {
      counts.set(topic, (counts.get(topic) ?? 0) + 1);
      const off = bus.subscribe(topic, handler);
      let done = false;
      return () => {
        if (!done) counts.set(topic, (counts.get(topic) ?? 1) - 1);
        done = true;
        off();
      };
    },
    onResync: (listener) => bus.onResync(listener),
    close: () => bus.close(),
  };
  return { bus: wrapped, subscribers: (topic: string) => counts.get(topic) ?? 0 };
}

async function listen(app: TestApp): Promise<{ http: string; ws: string }> {
  await app.till.http.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.till.http.server.address() as AddressInfo;
  return { http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` };
}

let unique = 0;
const fresh = (prefix = "t") => `${prefix}-${Date.now().toString(36)}-${++unique}`;

describe("live streams (WebSocket and Server-Sent Events)", () => {
  let app: TestApp;
  let counting: ReturnType<typeof countingBus>;
  let base: { http: string; ws: string };
  const clients: { close(): void }[] = [];
  const track = <T extends { close(): void }>(client: T) => {
    clients.push(client);
    return client;
  };
  const publish = (id: string, message: TopicState) => app.till.events.publish(`test-topic:${id}`, message);

  beforeAll(async () => {
    app = await createTestApp();
    counting = countingBus(app.till.events);
    registerTestTopics(app.till.http, counting.bus, { heartbeatMs: 200 });
    base = await listen(app);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
  });

  it("a WebSocket gets the current state, then each new state until a final one, then closes with 1000", async () => {
    const id = fresh();
    const client = track(await WsClient.connect(`${base.ws}/ws/test-topics/${id}`));
    expect(await client.waitForMessages(1)).toEqual([{ status: "pending" }]);
    expect(counting.subscribers(`test-topic:${id}`)).toBe(1);

    await publish(id, { status: "paid", n: 1 });
    await client.waitForMessages(2);
    // A state equal to the one just sent is not sent again; a message on another topic never arrives.
    await publish(id, { status: "paid", n: 1 });
    await app.till.events.publish(`test-topic:${id}-other`, { status: "invalid" });
    await publish(id, { status: "confirmed", n: 2 });
    await client.waitForMessages(3);
    await publish(id, { status: "complete", n: 3 });

    expect(await client.waitForClose()).toEqual({ code: 1000, reason: "" });
    expect(client.messages).toEqual([
      { status: "pending" },
      { status: "paid", n: 1 },
      { status: "confirmed", n: 2 },
      { status: "complete", n: 3 },
    ]);
    await waitFor(() => counting.subscribers(`test-topic:${id}`) === 0, { what: "the stream to unsubscribe" });
  });

  it("a WebSocket on a final state gets that one message and a normal close; an unknown id closes with 1008", async () => {
    const done = track(await WsClient.connect(`${base.ws}/ws/test-topics/${fresh("done")}`));
    expect(await done.waitForClose()).toEqual({ code: 1000, reason: "" });
    expect(done.messages).toEqual([{ status: "complete" }]);

    const missingId = fresh("missing");
    const missing = track(await WsClient.connect(`${base.ws}/ws/test-topics/${missingId}`));
    expect(await missing.waitForClose()).toEqual({ code: 1008, reason: "Not found" });
    expect(missing.messages).toEqual([]);
    expect(counting.subscribers(`test-topic:${missingId}`)).toBe(0);

    // A plain GET on the WebSocket route is not a stream.
    expect((await fetch(`${base.http}/ws/test-topics/${fresh()}`)).status).toBe(404);
  });

  it("an SSE stream gets the current state, then each new state until a final one, then ends", async () => {
    const id = fresh();
    const client = track(await SseClient.connect(`${base.http}/test-topics/${id}/events`));
    expect(client.status).toBe(200);
    expect(client.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(client.headers["cache-control"]).toBe("no-cache, no-transform");
    expect(client.headers["x-request-id"]).toBeTruthy();
    expect(await client.waitForMessages(1)).toEqual([{ status: "pending" }]);

    await publish(id, { status: "paid", n: 1 });
    await client.waitForMessages(2);
    await publish(id, { status: "expired", n: 2 });
    await client.waitForEnd();
    expect(client.messages).toEqual([{ status: "pending" }, { status: "paid", n: 1 }, { status: "expired", n: 2 }]);
    await waitFor(() => counting.subscribers(`test-topic:${id}`) === 0, { what: "the stream to unsubscribe" });
  });

  it("an SSE stream on a final state sends it and ends; an unknown id answers 404", async () => {
    const done = track(await SseClient.connect(`${base.http}/test-topics/${fresh("done")}/events`));
    await done.waitForEnd();
    expect(done.status).toBe(200);
    expect(done.messages).toEqual([{ status: "complete" }]);

    const missing = track(await SseClient.connect(`${base.http}/test-topics/${fresh("missing")}/events`));
    await missing.waitForEnd();
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ detail: "Object not found" });
  });

  it("unsubscribes when a client goes away, and keeps others' streams alive with heartbeats", async () => {
    const id = fresh();
    const topic = `test-topic:${id}`;
    const ws = track(await WsClient.connect(`${base.ws}/ws/test-topics/${id}`));
    const sse = track(await SseClient.connect(`${base.http}/test-topics/${id}/events`));
    await ws.waitForMessages(1);
    await sse.waitForMessages(1);
    expect(counting.subscribers(topic)).toBe(2);

    // Heartbeats every 200 ms on this route: WebSocket pings and SSE comment lines.
    await waitFor(() => ws.pings >= 2, { what: "websocket pings" });
    await waitFor(() => sse.comments.filter((c) => c === "ping").length >= 2, { what: "SSE heartbeat comments" });

    ws.close();
    await waitFor(() => counting.subscribers(topic) === 1, { what: "the websocket's subscription to end" });
    sse.close();
    await waitFor(() => counting.subscribers(topic) === 0, { what: "the SSE subscription to end" });
    // Publishing to a topic nobody follows any more is fine.
    await publish(id, { status: "paid" });
  });

  it("ends open streams when the server closes, so shutdown is not held up", async () => {
    const other = await createTestApp();
    let closed = false;
    try {
      registerTestTopics(other.till.http, other.till.events);
      const urls = await listen(other);
      const ws = track(await WsClient.connect(`${urls.ws}/ws/test-topics/${fresh()}`));
      const sse = track(await SseClient.connect(`${urls.http}/test-topics/${fresh()}/events`));
      await ws.waitForMessages(1);
      await sse.waitForMessages(1);
      await other.close();
      closed = true;
      await ws.waitForClose();
      await sse.waitForEnd();
    } finally {
      if (!closed) await other.close();
    }
  });

  if (testDialect() === "postgres") {
    it("re-sends the current state after the event connection was lost and is back (messages may be missed)", async () => {
      const states = new Map<string, TopicState>();
      const other = await createTestApp();
      try {
        registerTestTopics(other.till.http, other.till.events, { states });
        const urls = await listen(other);
        const id = fresh();
        const ws = track(await WsClient.connect(`${urls.ws}/ws/test-topics/${id}`));
        await ws.waitForMessages(1);

        // The state changes while this process's listening connection is cut: its message would be missed.
        states.set(id, { status: "paid", n: 7 });
        const admin = new pg.Client({ connectionString: other.database.url });
        await admin.connect();
        try {
          const { rowCount } = await admin.query(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'till-events'",
          );
          expect(rowCount).toBe(1);
        } finally {
          await admin.end();
        }
        expect(await ws.waitForMessages(2, 20_000)).toEqual([{ status: "pending" }, { status: "paid", n: 7 }]);
      } finally {
        await other.close();
      }
    });
  }
});

if (testDialect() === "postgres") {
  describe("live streams across processes (PostgreSQL)", () => {
    let database: TestDatabase;
    let server: NodeProcess;
    let publisher: PostgresEventBus;
    let publisherDb: ReturnType<typeof openDatabase>;

    beforeAll(async () => {
      database = await createTestDatabase("postgres");
      server = new NodeProcess(
        ["--import", "tsx", path.join(ROOT, "server/test/helpers/live-server.ts")],
        cleanEnv({
          TILL_DATABASE_URL: database.url,
          TILL_DATA_DIR: database.dataDir,
          TILL_LOG_LEVEL: "silent",
          TILL_PORT: String(await freePort()),
        }),
      );
      await server.waitForOutput("listening ", 30_000);
      publisherDb = openDatabase(database.url);
      publisher = new PostgresEventBus({
        connectionString: database.url,
        db: publisherDb,
        logger: createLogger("silent"),
      });
    });

    afterAll(async () => {
      await server?.kill("SIGKILL");
      await publisher?.close();
      await publisherDb?.close();
      await database?.drop();
    });

    it("a WebSocket and an SSE client on one process receive what another process publishes", async () => {
      const port = /listening (\d+)/.exec(server.stdout)![1];
      const id = fresh();
      const ws = await WsClient.connect(`ws://127.0.0.1:${port}/ws/test-topics/${id}`);
      const sse = await SseClient.connect(`http://127.0.0.1:${port}/test-topics/${id}/events`);
      try {
        await ws.waitForMessages(1);
        await sse.waitForMessages(1);

        await publisher.publish(`test-topic:${id}`, { status: "paid", n: 1 });
        await ws.waitForMessages(2);
        await sse.waitForMessages(2);
        await publisher.publish(`test-topic:${id}`, { status: "complete", n: 2 });

        expect(await ws.waitForClose()).toEqual({ code: 1000, reason: "" });
        await sse.waitForEnd();
        const expected = [{ status: "pending" }, { status: "paid", n: 1 }, { status: "complete", n: 2 }];
        expect(ws.messages).toEqual(expected);
        expect(sse.messages).toEqual(expected);
      } finally {
        ws.close();
        sse.close();
      }
    });
  });
}
