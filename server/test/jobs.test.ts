import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrator.ts";
import { JobError, JobQueue, type JobQueueOptions } from "../src/jobs/queue.ts";
import { cleanEnv, NodeProcess, ROOT, waitFor } from "./helpers/processes.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/test-db.ts";

let kindCounter = 0;
/** Every test uses its own kinds, so jobs of other tests in the shared table never reach its handlers. */
const uniqueKind = (name: string) => `${name}-${++kindCounter}-${Date.now().toString(36)}`;

describe("job queue", () => {
  let database: TestDatabase;
  let db: Db;
  const extraDbs: Db[] = [];
  const queues: JobQueue[] = [];

  const newQueue = (options: JobQueueOptions = {}, on: Db = db) => {
    const queue = new JobQueue(on, { pollIntervalMs: 20, ...options });
    queues.push(queue);
    return queue;
  };
  const jobRow = (id: number) =>
    db.kysely.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const waitForStatus = (id: number, status: string, timeoutMs = 10_000) =>
    waitFor(async () => ((await jobRow(id)).status === status ? jobRow(id) : false), {
      timeoutMs,
      intervalMs: 10,
      what: `job ${id} to be ${status}`,
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    db = openDatabase(database.url);
    await migrateToLatest(db);
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.stop()));
  });
  afterAll(async () => {
    for (const extra of extraDbs) await extra.close();
    await db.close();
    await database.drop();
  });

  it("runs an enqueued job once with its payload, then marks it done", async () => {
    const kind = uniqueKind("simple");
    const queue = newQueue();
    const seen: { payload: unknown; attempt: number; kind: string }[] = [];
    queue.handle<{ n: number }>(kind, async (payload, job) => {
      seen.push({ payload, attempt: job.attempt, kind: job.kind });
    });
    const { id, created } = await queue.enqueue(kind, { n: 42 });
    expect(created).toBe(true);
    expect((await jobRow(id)).status).toBe("queued");
    queue.start();
    const row = await waitForStatus(id, "done");
    expect(seen).toEqual([{ payload: { n: 42 }, attempt: 1, kind }]);
    expect(row).toMatchObject({ attempts: 1, locked_by: null, locked_until: null, last_error: null });
    expect((await queue.get(id))?.status).toBe("done");
  });

  it("commits a job with the transaction that enqueued it, and a rolled-back transaction leaves none", async () => {
    const kind = uniqueKind("outbox");
    const queue = newQueue();
    const ran: string[] = [];
    queue.handle<{ name: string }>(kind, async (payload) => {
      ran.push(payload.name);
    });
    queue.start();
    await expect(
      db.transaction(async () => {
        await queue.enqueue(kind, { name: "rolled back" });
        await db.kysely
          .insertInto("settings")
          .values({ name: `outbox-${kind}`, value: "{}", updated: new Date().toISOString() })
          .execute();
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    const committed = await db.transaction(async () => {
      const job = await queue.enqueue(kind, { name: "committed" });
      await db.kysely
        .insertInto("settings")
        .values({ name: `outbox2-${kind}`, value: "{}", updated: new Date().toISOString() })
        .execute();
      return job;
    });
    await waitForStatus(committed.id, "done");
    const rows = await db.kysely.selectFrom("jobs").select(["id", "payload"]).where("kind", "=", kind).execute();
    expect(rows.map((r) => JSON.parse(r.payload).name)).toEqual(["committed"]);
    expect(ran).toEqual(["committed"]);
    const settings = await db.kysely.selectFrom("settings").select("name").where("name", "like", `%${kind}`).execute();
    expect(settings.map((s) => s.name)).toEqual([`outbox2-${kind}`]);
  });

  it("keeps one job per dedupe key", async () => {
    const kind = uniqueKind("dedupe");
    const queue = newQueue();
    const first = await queue.enqueue(kind, { v: 1 }, { dedupeKey: `${kind}:x` });
    const again = await db.transaction(() => queue.enqueue(kind, { v: 2 }, { dedupeKey: `${kind}:x` }));
    const other = await queue.enqueue(kind, { v: 3 }, { dedupeKey: `${kind}:y` });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect(other.created).toBe(true);
    expect(other.id).not.toBe(first.id);
    const count = await db.kysely
      .selectFrom("jobs")
      .select(db.kysely.fn.countAll().as("n"))
      .where("kind", "=", kind)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
  });

  it("retries a failing job with growing waits, then gives it up as dead", async () => {
    const kind = uniqueKind("flaky");
    const queue = newQueue();
    const startedAt: number[] = [];
    queue.handle(
      kind,
      async (_payload, job) => {
        startedAt.push(Date.now());
        throw new Error(`boom ${job.attempt}`);
      },
      { backoff: { baseMs: 40, factor: 2, maxMs: 160 } },
    );
    const { id } = await queue.enqueue(kind, {}, { maxAttempts: 4 });
    queue.start();
    const row = await waitForStatus(id, "dead");
    expect(row.attempts).toBe(4);
    expect(row.last_error).toBe("boom 4");
    expect(startedAt).toHaveLength(4);
    // Each wait is at least half its step: 20, 40 and 80 ms (the steps are 40, 80, 160).
    const gaps = startedAt.slice(1).map((t, i) => t - startedAt[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
    // Dead jobs stay dead until an operator requeues them.
    expect(await queue.requeue(id)).toBe(true);
    expect(await queue.requeue(id)).toBe(false);
    await waitForStatus(id, "dead");
    expect(startedAt).toHaveLength(8);
  });

  it("records the error and retries until a job succeeds", async () => {
    const kind = uniqueKind("recovers");
    const queue = newQueue();
    let calls = 0;
    queue.handle(
      kind,
      async () => {
        calls++;
        if (calls < 3) throw new Error(`not yet (${calls})`);
      },
      { backoff: { baseMs: 10, factor: 2, maxMs: 20 } },
    );
    const { id } = await queue.enqueue(kind, {});
    queue.start();
    const row = await waitForStatus(id, "done");
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBe("not yet (2)");
  });

  it("does not retry a job that fails with retry: false", async () => {
    const kind = uniqueKind("permanent");
    const queue = newQueue();
    let calls = 0;
    queue.handle(kind, async () => {
      calls++;
      throw new JobError("HTTP 404", { retry: false });
    });
    const { id } = await queue.enqueue(kind, {}, { maxAttempts: 5 });
    queue.start();
    const row = await waitForStatus(id, "dead");
    expect(row).toMatchObject({ attempts: 1, last_error: "HTTP 404" });
    expect(calls).toBe(1);
  });

  it("does not start a job before its run time", async () => {
    const kind = uniqueKind("later");
    const queue = newQueue();
    let ranAt = 0;
    queue.handle(kind, async () => {
      ranAt = Date.now();
    });
    queue.start();
    const runAt = new Date(Date.now() + 300);
    const { id } = await queue.enqueue(kind, {}, { runAt });
    await waitForStatus(id, "done");
    expect(ranAt).toBeGreaterThanOrEqual(runAt.getTime());
  });

  it("runs jobs of one ordering key one at a time in enqueue order, while other keys go on", async () => {
    const kind = uniqueKind("ordered");
    const workers = [newQueue({ concurrency: 4 }), newQueue({ concurrency: 4 })];
    const order = new Map<string, number[]>();
    const running = new Set<string>();
    let overlaps = 0;
    let failedOnce = false;
    for (const worker of workers) {
      worker.handle<{ key: string; n: number }>(kind, async ({ key, n }) => {
        if (running.has(key)) overlaps++;
        running.add(key);
        try {
          await sleep(Math.random() * 5);
          if (key === "A" && n === 2 && !failedOnce) {
            failedOnce = true;
            // Retried only in a minute: until then A3–A5 must wait, B and C must not.
            throw new JobError("A2 fails once", { delayMs: 60_000 });
          }
          order.set(key, [...(order.get(key) ?? []), n]);
        } finally {
          running.delete(key);
        }
      });
    }
    const ids = new Map<string, number[]>();
    await db.transaction(async () => {
      for (let n = 1; n <= 5; n++) {
        for (const key of ["A", "B", "C"]) {
          const { id } = await workers[0]!.enqueue(kind, { key, n }, { orderingKey: `${kind}:${key}` });
          ids.set(key, [...(ids.get(key) ?? []), id]);
        }
      }
    });
    for (const worker of workers) worker.start();
    for (const id of [...ids.get("B")!, ...ids.get("C")!]) await waitForStatus(id, "done");
    const a2 = await waitFor(
      async () => {
        const row = await jobRow(ids.get("A")![1]!);
        return row.status === "queued" && row.attempts === 1 ? row : false;
      },
      { what: "A2 to wait for its retry" },
    );
    expect(a2.last_error).toBe("A2 fails once");
    expect(order.get("A")).toEqual([1]);
    for (const id of ids.get("A")!.slice(2)) expect((await jobRow(id)).status).toBe("queued");
    // Time for A2's retry: bring it forward instead of waiting a minute.
    await db.kysely.updateTable("jobs").set({ run_at: new Date().toISOString() }).where("id", "=", a2.id).execute();
    for (const id of ids.get("A")!) await waitForStatus(id, "done");
    expect(order.get("A")).toEqual([1, 2, 3, 4, 5]);
    expect(order.get("B")).toEqual([1, 2, 3, 4, 5]);
    expect(order.get("C")).toEqual([1, 2, 3, 4, 5]);
    expect(overlaps).toBe(0);
  });

  it("never runs a job twice with two workers, and runs every job", async () => {
    const kind = uniqueKind("contended");
    // PostgreSQL: a second pool, as a second process would have. SQLite is one process by design: one connection.
    const second = db.dialect === "postgres" ? openDatabase(database.url) : db;
    if (second !== db) extraDbs.push(second);
    const workers = [
      newQueue({ concurrency: 4, workerId: "w1" }),
      newQueue({ concurrency: 4, workerId: "w2" }, second),
    ];
    const runs = new Map<number, number>();
    const running = new Set<number>();
    const perWorker = new Map<string, number>();
    let overlaps = 0;
    for (const worker of workers) {
      worker.handle(kind, async (_payload, job) => {
        if (running.has(job.id)) overlaps++;
        running.add(job.id);
        await sleep(Math.random() * 3);
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        perWorker.set(worker.workerId, (perWorker.get(worker.workerId) ?? 0) + 1);
        running.delete(job.id);
      });
      worker.start();
    }
    const total = 300;
    const ids = await db.transaction(async () => {
      const list: number[] = [];
      for (let i = 0; i < total; i++) list.push((await workers[0]!.enqueue(kind, { i })).id);
      return list;
    });
    await waitFor(() => runs.size === total, { timeoutMs: 20_000, intervalMs: 20, what: "all jobs to run" });
    await waitFor(
      async () => {
        const row = await db.kysely
          .selectFrom("jobs")
          .select(db.kysely.fn.countAll().as("n"))
          .where("kind", "=", kind)
          .where("status", "=", "done")
          .executeTakeFirstOrThrow();
        return Number(row.n) === total;
      },
      { what: "all jobs to be done" },
    );
    expect([...runs.keys()].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(overlaps).toBe(0);
    if (db.dialect === "postgres") {
      // Both workers claimed from the same table at the same time.
      expect(perWorker.get("w1")).toBeGreaterThan(0);
      expect(perWorker.get("w2")).toBeGreaterThan(0);
    }
  });

  it("keeps the lease of a job that runs longer than the lease, so no other worker takes it", async () => {
    const kind = uniqueKind("long");
    const workers = [newQueue({ leaseMs: 90, workerId: "long-1" }), newQueue({ leaseMs: 90, workerId: "long-2" })];
    let runs = 0;
    for (const worker of workers) {
      worker.handle(kind, async () => {
        runs++;
        await sleep(600);
      });
      worker.start();
    }
    const { id } = await workers[0]!.enqueue(kind, {});
    const row = await waitForStatus(id, "done");
    expect(runs).toBe(1);
    expect(row.attempts).toBe(1);
  });

  it("claims again a job whose worker died, once its lease has run out", async () => {
    const kind = uniqueKind("crash");
    const { id } = await newQueue().enqueue(kind, { important: true });
    const child = new NodeProcess(
      ["--import", "tsx", path.join(ROOT, "server/test/helpers/job-worker.ts"), database.url, kind, "doomed-worker"],
      cleanEnv({}),
    );
    try {
      await child.waitForOutput(`started ${id}`);
      const claimed = await jobRow(id);
      expect(claimed).toMatchObject({ status: "running", locked_by: "doomed-worker", attempts: 1 });
      const exit = await child.kill("SIGKILL");
      expect(exit.signal).toBe("SIGKILL");
    } finally {
      await child.kill("SIGKILL");
    }
    const survivor = newQueue({ workerId: "survivor" });
    const seen: unknown[] = [];
    survivor.handle(kind, async (payload, job) => {
      seen.push({ payload, attempt: job.attempt });
    });
    survivor.start();
    const row = await waitForStatus(id, "done");
    expect(seen).toEqual([{ payload: { important: true }, attempt: 2 }]);
    expect(row.attempts).toBe(2);
  });

  it("gives up a job whose worker died during its last attempt", async () => {
    const kind = uniqueKind("last-crash");
    const queue = newQueue({ workerId: "after-crash" });
    let calls = 0;
    queue.handle(kind, async () => {
      calls++;
    });
    const { id } = await queue.enqueue(kind, {}, { maxAttempts: 1 });
    // As a worker that died while running the only attempt leaves it: claimed, lease in the past.
    await db.kysely
      .updateTable("jobs")
      .set({
        status: "running",
        attempts: 1,
        locked_by: "gone",
        locked_until: new Date(Date.now() - 1000).toISOString(),
      })
      .where("id", "=", id)
      .execute();
    queue.start();
    const row = await waitForStatus(id, "dead");
    expect(calls).toBe(0);
    expect(row.last_error).toContain("stopped");
  });

  it("stop waits for the running jobs to finish and be recorded", async () => {
    const kind = uniqueKind("graceful");
    const queue = newQueue();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    queue.handle(kind, async () => {
      started = true;
      await gate;
    });
    queue.start();
    const { id } = await queue.enqueue(kind, {});
    await waitFor(() => started, { what: "the job to start" });
    let stopped = false;
    const stopping = queue.stop().then(() => {
      stopped = true;
    });
    await sleep(50);
    expect(stopped).toBe(false);
    expect((await jobRow(id)).status).toBe("running");
    release();
    await stopping;
    expect((await jobRow(id)).status).toBe("done");
    // A stopped worker claims nothing more.
    const later = await queue.enqueue(kind, {});
    await sleep(100);
    expect((await jobRow(later.id)).status).toBe("queued");
  });
});
