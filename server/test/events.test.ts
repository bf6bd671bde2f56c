import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrator.ts";
import { PostgresEventBus } from "../src/db/pg-event-bus.ts";
import { type EventBus, EventTooLargeError, InMemoryEventBus, MAX_EVENT_BYTES } from "../src/kernel/events.ts";
import { createLogger } from "../src/kernel/logger.ts";
import { waitFor } from "./helpers/processes.ts";
import { createTestApp, type TestApp } from "./helpers/test-app.ts";
import { createTestDatabase, type TestDatabase, testDialect } from "./helpers/test-db.ts";

const silent = createLogger("silent");
let unique = 0;
const topic = (name = "t") => `${name}:${Date.now().toString(36)}-${++unique}`;

/** A message of exactly `bytes` bytes once in its envelope on `bus`'s topic `name` (ASCII padding). */
function messageOfEnvelopeSize(name: string, bytes: number) {
  const envelope = (pad: string) => JSON.stringify({ origin: "0".repeat(26), topic: name, message: { pad } });
  return { pad: "x".repeat(bytes - Buffer.byteLength(envelope(""))) };
}

describe("the event bus of the database under test", () => {
  let app: TestApp;
  /** On PostgreSQL, a second connection's bus on the same database: another process as far as NOTIFY goes. */
  let otherDb: Db | null = null;
  let other: PostgresEventBus | null = null;

  beforeAll(async () => {
    app = await createTestApp();
    if (app.till.db.dialect === "postgres") {
      otherDb = openDatabase(app.database.url);
      other = new PostgresEventBus({ connectionString: app.database.url, db: otherDb, logger: silent });
      await other.start();
    }
  });

  afterAll(async () => {
    await other?.close();
    await otherDb?.close();
    await app?.close();
  });

  /**
   * Resolves once everything this process published before has come back through PostgreSQL (and been
   * skipped): a marker sent from the other bus afterwards is delivered to the listener after them.
   */
  async function roundTrip(bus: EventBus): Promise<void> {
    if (!other) return;
    const name = topic("barrier");
    let arrived = false;
    const off = bus.subscribe(name, () => {
      arrived = true;
    });
    await other.publish(name, {});
    await waitFor(() => arrived, { what: "the barrier message" });
    off();
  }

  it("picks the implementation by database: LISTEN/NOTIFY on PostgreSQL, in-process on SQLite", () => {
    const expected = testDialect() === "postgres" ? PostgresEventBus : InMemoryEventBus;
    expect(app.till.events).toBeInstanceOf(expected);
  });

  it("delivers to the topic's subscribers exactly once, synchronously, until they unsubscribe", async () => {
    const bus = app.till.events;
    const name = topic();
    const first: unknown[] = [];
    const second: unknown[] = [];
    const elsewhere: unknown[] = [];
    const offFirst = bus.subscribe(name, (m) => first.push(m));
    bus.subscribe(name, (m) => second.push(m));
    bus.subscribe(topic(), (m) => elsewhere.push(m));

    await bus.publish(name, { n: 1, at: new Date("2024-01-02T03:04:05Z") });
    // Delivered before publish resolves, as JSON (the date became a string).
    expect(first).toEqual([{ n: 1, at: "2024-01-02T03:04:05.000Z" }]);
    offFirst();
    await bus.publish(name, { n: 2 });
    await roundTrip(bus);

    expect(first).toEqual([{ n: 1, at: "2024-01-02T03:04:05.000Z" }]);
    expect(second).toEqual([{ n: 1, at: "2024-01-02T03:04:05.000Z" }, { n: 2 }]);
    expect(elsewhere).toEqual([]);
  });

  it("keeps delivering to the other subscribers when one throws", async () => {
    const bus = app.till.events;
    const name = topic();
    const got: unknown[] = [];
    bus.subscribe(name, () => {
      throw new Error("subscriber bug");
    });
    bus.subscribe(name, (m) => got.push(m));
    await bus.publish(name, { ok: true });
    expect(got).toEqual([{ ok: true }]);
  });

  it("refuses a message over PostgreSQL's NOTIFY limit before delivering it anywhere, and carries one at the limit", async () => {
    const bus = app.till.events;
    const name = topic();
    const got: unknown[] = [];
    bus.subscribe(name, (m) => got.push(m));
    const receivedElsewhere: unknown[] = [];
    other?.subscribe(name, (m) => receivedElsewhere.push(m));

    const tooBig = messageOfEnvelopeSize(name, MAX_EVENT_BYTES + 1);
    const refused = await bus.publish(name, tooBig).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(EventTooLargeError);
    expect((refused as Error).message).toContain(`${MAX_EVENT_BYTES} bytes`);
    expect((refused as Error).message).toContain(name);
    expect(got).toEqual([]);

    // Multi-byte characters count as bytes, not characters.
    await expect(bus.publish(name, { text: "€".repeat(3000) })).rejects.toBeInstanceOf(EventTooLargeError);

    const atLimit = messageOfEnvelopeSize(name, MAX_EVENT_BYTES);
    await bus.publish(name, atLimit);
    expect(got).toEqual([atLimit]);
    if (other) await waitFor(() => receivedElsewhere.length === 1, { what: "the message at the limit elsewhere" });
  });

  if (testDialect() === "postgres") {
    it("carries messages between connections both ways, in publishing order", async () => {
      const bus = app.till.events;
      const name = topic();
      const here: number[] = [];
      const there: number[] = [];
      bus.subscribe<{ n: number }>(name, (m) => here.push(m.n));
      other!.subscribe<{ n: number }>(name, (m) => there.push(m.n));

      const count = 300;
      // Not awaited one by one: the bus keeps them in order itself.
      await Promise.all(Array.from({ length: count }, (_, n) => bus.publish(name, { n })));
      await waitFor(() => there.length >= count, { what: `${count} messages on the other connection` });
      expect(there).toEqual(Array.from({ length: count }, (_, n) => n));

      await other!.publish(name, { n: count });
      await waitFor(() => here.length > count, { what: "the other connection's message" });
      await roundTrip(bus);
      expect(here).toEqual(Array.from({ length: count + 1 }, (_, n) => n));
      expect(there).toEqual(Array.from({ length: count + 1 }, (_, n) => n));
    });
  }
});

if (testDialect() === "postgres") {
  describe("the PostgreSQL event bus's listening connection", () => {
    let database: TestDatabase;
    const dbs: Db[] = [];
    const buses: PostgresEventBus[] = [];

    async function newBus(): Promise<PostgresEventBus> {
      const db = openDatabase(database.url);
      dbs.push(db);
      const bus = new PostgresEventBus({
        connectionString: database.url,
        db,
        logger: silent,
        reconnect: { initialMs: 50, maxMs: 500 },
      });
      buses.push(bus);
      await bus.start();
      return bus;
    }

    async function listenerPids(): Promise<number[]> {
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ pid: number }>(
          "select pid from pg_stat_activity where datname = current_database() and application_name = 'till-events' order by pid",
        );
        return rows.map((r) => r.pid);
      } finally {
        await admin.end();
      }
    }

    async function terminate(pids: number[]): Promise<void> {
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        await admin.query("select pg_terminate_backend(pid) from unnest($1::int[]) as pid", [pids]);
      } finally {
        await admin.end();
      }
    }

    beforeAll(async () => {
      database = await createTestDatabase("postgres");
      const db = openDatabase(database.url);
      await migrateToLatest(db);
      await db.close();
    });

    afterAll(async () => {
      for (const bus of buses) await bus.close();
      for (const db of dbs) await db.close();
      await database?.drop();
    });

    it("reconnects after losing its connection, listens again and tells resync listeners", async () => {
      const receiver = await newBus();
      const sender = await newBus();
      const name = topic();
      const received: number[] = [];
      receiver.subscribe<{ n: number }>(name, (m) => received.push(m.n));
      let resyncs = 0;
      receiver.onResync(() => {
        resyncs += 1;
      });

      await sender.publish(name, { n: 0 });
      await waitFor(() => received.length === 1, { what: "the first message" });
      const before = await listenerPids();
      expect(before).toHaveLength(2);

      // Cut every listening connection; the receiver's comes back on its own and hears the sender again.
      await terminate(before);
      await waitFor(() => resyncs === 1, { timeoutMs: 15_000, what: "the receiver to reconnect" });
      expect(receiver.isListening).toBe(true);
      const after = await waitFor(async () => {
        const pids = await listenerPids();
        return pids.length === 2 && pids;
      });
      expect(after.filter((pid) => before.includes(pid))).toEqual([]);

      await sender.publish(name, { n: 1 });
      await waitFor(() => received.length === 2, { what: "a message after the reconnection" });
      expect(received).toEqual([0, 1]);
    });

    it("delivers its own messages locally exactly once whether its listening connection is up or not", async () => {
      const bus = await newBus();
      const witness = await newBus();
      const name = topic();
      const got: number[] = [];
      bus.subscribe<{ n: number }>(name, (m) => got.push(m.n));
      const seenByWitness: number[] = [];
      witness.subscribe<{ n: number }>(name, (m) => seenByWitness.push(m.n));

      await bus.publish(name, { n: 1 });
      // Its own notification comes back through PostgreSQL and is skipped: the witness has seen it by then,
      // and a marker from the witness arrives after it.
      await waitFor(() => seenByWitness.length === 1, { what: "the witness to see message 1" });
      let marker = false;
      bus.subscribe(`${name}:marker`, () => {
        marker = true;
      });
      await witness.publish(`${name}:marker`, {});
      await waitFor(() => marker, { what: "the marker" });
      expect(got).toEqual([1]);

      // With every listening connection cut, the message still reaches this process's subscribers, once.
      const pids = await listenerPids();
      await terminate(pids);
      await bus.publish(name, { n: 2 });
      expect(got).toEqual([1, 2]);
      await waitFor(() => bus.isListening && witness.isListening, { timeoutMs: 15_000, what: "both to reconnect" });
      marker = false;
      await witness.publish(`${name}:marker`, {});
      await waitFor(() => marker, { what: "the marker after reconnection" });
      expect(got).toEqual([1, 2]);
    });

    it("keeps publishing and delivering locally while the database refuses its listening connection, then listens", async () => {
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      // A role that may not log in yet: the bus's first connection attempts fail.
      const role = `till_evt_${Date.now().toString(36)}`;
      await admin.query(`create role ${role} nologin`);
      const url = new URL(database.url);
      url.username = role;
      const db = openDatabase(database.url);
      const bus = new PostgresEventBus({
        connectionString: url.toString(),
        db,
        logger: silent,
        reconnect: { initialMs: 50, maxMs: 200 },
      });
      const name = topic();
      try {
        await bus.start();
        expect(bus.isListening).toBe(false);
        const got: number[] = [];
        bus.subscribe<{ n: number }>(name, (m) => got.push(m.n));
        let resynced = false;
        bus.onResync(() => {
          resynced = true;
        });
        await bus.publish(name, { n: 1 });
        expect(got).toEqual([1]);

        await admin.query(`alter role ${role} login`);
        await waitFor(() => bus.isListening, { timeoutMs: 15_000, what: "the bus to listen once allowed" });
        expect(resynced).toBe(true);
        const sender = await newBus();
        await sender.publish(name, { n: 2 });
        await waitFor(() => got.length === 2, { what: "a message from another connection" });
        expect(got).toEqual([1, 2]);
      } finally {
        await bus.close();
        await db.close();
        await admin.query(`drop role ${role}`);
        await admin.end();
      }
    });
  });
}
