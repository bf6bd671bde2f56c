import os from "node:os";
import { type Kysely, sql } from "kysely";
import type { Db } from "../db/database.ts";
import type { Database, JobsTable } from "../db/tables.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { newId } from "../kernel/ids.ts";
import { createLogger, type Logger } from "../kernel/logger.ts";
import { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.ts";

export type JobStatus = "queued" | "running" | "done" | "dead";

/** What a handler learns about the job it runs. */
export interface JobContext {
  id: number;
  kind: string;
  /** This attempt's number, from 1. */
  attempt: number;
  maxAttempts: number;
  orderingKey: string | null;
  dedupeKey: string | null;
  created: string;
}

export type JobHandler<P = unknown> = (payload: P, job: JobContext) => Promise<void>;

export interface HandlerOptions {
  /** The waits between attempts of this kind (default: 1 s doubling up to 1 h). */
  backoff?: BackoffPolicy;
}

/**
 * Thrown by a handler to say how its failure is treated: `retry: false` ends the job as `dead` now (a
 * failure that trying again cannot fix); `delayMs` replaces the backoff for the next attempt. Any other
 * error is retried with the kind's backoff until the job's attempts are used up.
 */
export class JobError extends Error {
  readonly retry: boolean;
  readonly delayMs: number | undefined;

  constructor(message: string, options: { retry?: boolean; delayMs?: number } = {}) {
    super(message);
    this.name = "JobError";
    this.retry = options.retry ?? true;
    this.delayMs = options.delayMs;
  }
}

export interface EnqueueOptions {
  /** When the job becomes due (default: now). */
  runAt?: Date;
  /** Alternatively, a delay from now. */
  delayMs?: number;
  /** At most one job ever exists per key: enqueuing it again returns the existing job (`created: false`). */
  dedupeKey?: string;
  /** Jobs with the same key run one at a time, in the order they were enqueued. */
  orderingKey?: string;
  /** Attempts before the job is given up as `dead` (default 10). */
  maxAttempts?: number;
}

export interface EnqueuedJob {
  id: number;
  /** False when a job with the same dedupe key already existed. */
  created: boolean;
}

export interface JobRecord {
  id: number;
  kind: string;
  payload: unknown;
  status: JobStatus;
  runAt: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  orderingKey: string | null;
  dedupeKey: string | null;
  lockedBy: string | null;
  lockedUntil: string | null;
  created: string;
  updated: string;
}

export interface JobQueueOptions {
  logger?: Logger;
  /** This worker's name in `locked_by` (default: host, pid and a random part). */
  workerId?: string;
  /** How often the worker looks for due jobs when nothing woke it (default 250 ms). */
  pollIntervalMs?: number;
  /** Jobs run at once by this worker (default 8). */
  concurrency?: number;
  /** How long a claim lasts; renewed every third of it while the job runs (default 20 s). */
  leaseMs?: number;
  /** Finished jobs are deleted this long after they finished (default 7 days); dead jobs are kept. */
  retainDoneMs?: number;
  defaultMaxAttempts?: number;
  clock?: Clock;
}

type JobRow = Omit<JobsTable, "id"> & { id: number | string };

interface RegisteredHandler {
  handler: JobHandler<any>;
  backoff: BackoffPolicy;
}

const ERROR_TEXT_LIMIT = 2000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * A durable job queue in the `jobs` table. `enqueue` writes through the ambient transaction, so a job
 * (an outbox row) commits or rolls back with the state change that caused it. The worker claims due jobs
 * with a lease (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so any number of processes can work the same table;
 * SQLite: one `UPDATE … RETURNING`), runs the handler registered for the kind, and then marks the job done,
 * schedules a retry with exponential backoff and jitter, or gives it up as `dead`. A job whose lease ran out
 * (its worker died) is claimed again: delivery is at least once. Jobs sharing an ordering key run one at a
 * time in enqueue order: a job does not start while an earlier job with its key is queued or running.
 */
export class JobQueue {
  readonly workerId: string;
  private readonly logger: Logger;
  private readonly pollIntervalMs: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly retainDoneMs: number;
  private readonly defaultMaxAttempts: number;
  private readonly clock: Clock;
  private readonly handlers = new Map<string, RegisteredHandler>();
  /** Jobs this worker is running, by id, with the attempt number that identifies this claim. */
  private readonly active = new Map<number, { attempts: number; done: Promise<void> }>();
  private loopDone: Promise<void> | null = null;
  private stopping = false;
  private wakeUp: (() => void) | null = null;
  private wakePending = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private lastPrune = 0;

  constructor(
    private readonly db: Db,
    options: JobQueueOptions = {},
  ) {
    this.logger = options.logger ?? createLogger("silent");
    this.workerId = options.workerId ?? `${os.hostname()}/${process.pid}/${newId()}`;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.leaseMs = options.leaseMs ?? 20_000;
    this.retainDoneMs = options.retainDoneMs ?? 7 * 86_400_000;
    this.defaultMaxAttempts = options.defaultMaxAttempts ?? 10;
    this.clock = options.clock ?? systemClock;
  }

  /** Registers the handler of a kind. Only kinds with a handler are claimed by this worker. */
  handle<P>(kind: string, handler: JobHandler<P>, options: HandlerOptions = {}): void {
    if (this.handlers.has(kind)) throw new Error(`a handler for job kind "${kind}" is already registered`);
    this.handlers.set(kind, { handler: handler as JobHandler<any>, backoff: options.backoff ?? DEFAULT_BACKOFF });
    this.nudge();
  }

  /**
   * Adds a job. Inside `db.transaction(…)` it is part of that transaction: rolled back with it, and not
   * visible to workers before the commit.
   */
  async enqueue(kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<EnqueuedJob> {
    const maxAttempts = options.maxAttempts ?? this.defaultMaxAttempts;
    if (!kind) throw new Error("a job needs a kind");
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error("maxAttempts must be a positive integer");
    const now = this.clock.now();
    const runAt = options.runAt ?? new Date(now.getTime() + Math.max(0, options.delayMs ?? 0));
    const kysely = this.db.kysely;
    const row = {
      kind,
      payload: JSON.stringify(payload ?? null),
      ordering_key: options.orderingKey ?? null,
      dedupe_key: options.dedupeKey ?? null,
      status: "queued",
      run_at: runAt.toISOString(),
      attempts: 0,
      max_attempts: maxAttempts,
      last_error: null,
      locked_by: null,
      locked_until: null,
      created: now.toISOString(),
      updated: now.toISOString(),
    };
    let insert = kysely.insertInto("jobs").values(row);
    if (options.dedupeKey) insert = insert.onConflict((oc) => oc.column("dedupe_key").doNothing());
    const inserted = await insert.returning("id").executeTakeFirst();
    if (!inserted) {
      const existing = await kysely
        .selectFrom("jobs")
        .select("id")
        .where("dedupe_key", "=", options.dedupeKey!)
        .executeTakeFirstOrThrow();
      return { id: Number(existing.id), created: false };
    }
    this.nudge();
    // Inside a transaction the job is invisible until the commit, which comes later: look again shortly.
    if (kysely.isTransaction) for (const ms of [10, 50]) setTimeout(() => this.nudge(), ms).unref();
    return { id: Number(inserted.id), created: true };
  }

  /** Wakes the worker to look for due jobs now (enqueue does this itself). */
  nudge(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wakePending = true;
  }

  get isRunning(): boolean {
    return this.loopDone !== null;
  }

  /** Starts the worker loop. */
  start(): void {
    if (this.loopDone) return;
    this.stopping = false;
    this.loopDone = this.db.detached(() => this.loop());
    this.heartbeat = setInterval(() => void this.renewLeases(), Math.max(20, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
  }

  /**
   * SQLite serves one process, so a job still marked running when the worker starts belongs to a process that
   * died (e.g. SIGKILL): it is claimable at once instead of after its lease, so the jobs ordered after it (the
   * same invoice's later notifications) are not held up. On PostgreSQL other live processes may be running
   * their jobs; there, leases expire on their own.
   */
  private async reclaimAfterCrash(): Promise<void> {
    if (this.db.dialect !== "sqlite") return;
    try {
      await this.root()
        .updateTable("jobs")
        .set({ locked_until: new Date(0).toISOString() })
        .where("status", "=", "running")
        .execute();
    } catch (err) {
      this.logger.warn({ err }, "could not reclaim the jobs of a previous process");
    }
  }

  /** Stops claiming jobs and waits for the running ones to finish and be recorded. */
  async stop(): Promise<void> {
    if (!this.loopDone) return;
    this.stopping = true;
    this.nudge();
    await this.loopDone;
    await Promise.allSettled([...this.active.values()].map((entry) => entry.done));
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.loopDone = null;
  }

  async get(id: number): Promise<JobRecord | undefined> {
    const row = await this.root().selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Puts a dead job back in the queue with fresh attempts (an operator's retry). True when it was dead. */
  async requeue(id: number): Promise<boolean> {
    const now = this.clock.now().toISOString();
    const result = await this.db.kysely
      .updateTable("jobs")
      .set({ status: "queued", attempts: 0, run_at: now, last_error: null, updated: now })
      .where("id", "=", id)
      .where("status", "=", "dead")
      .executeTakeFirst();
    const changed = Number(result.numUpdatedRows) === 1;
    if (changed) this.nudge();
    return changed;
  }

  /** The query builder outside any ambient transaction: the worker's statements commit on their own. */
  private root(): Kysely<Database> {
    return this.db.detached(() => this.db.kysely);
  }

  private async loop(): Promise<void> {
    await this.reclaimAfterCrash();
    while (!this.stopping) {
      const wanted = this.concurrency - this.active.size;
      let claimed: JobRow[] = [];
      if (wanted > 0 && this.handlers.size > 0) {
        try {
          claimed = await this.claim(wanted);
        } catch (err) {
          this.logger.warn({ err }, "claiming jobs failed; retrying");
        }
      }
      // Claimed jobs run even when a stop began meanwhile: they are leased to this worker, and stop waits.
      for (const row of claimed) this.run(row);
      if (this.stopping) break;
      if (claimed.length > 0 && claimed.length === wanted) continue;
      await this.prune();
      await this.sleep(this.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakePending || this.stopping) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.wakePending = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wakeUp = done;
    });
  }

  /** Claims up to `limit` due jobs (and jobs whose lease ran out) of the kinds this worker handles. */
  private async claim(limit: number): Promise<JobRow[]> {
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const until = new Date(now.getTime() + this.leaseMs).toISOString();
    const kinds = sql.join([...this.handlers.keys()]);
    const due = sql`j.kind in (${kinds})
      and ((j.status = 'queued' and j.run_at <= ${nowIso}) or (j.status = 'running' and j.locked_until < ${nowIso}))
      and (j.ordering_key is null or not exists (
        select 1 from jobs e
        where e.ordering_key = j.ordering_key and e.id < j.id and e.status in ('queued', 'running')))`;
    const set = sql`status = 'running', locked_by = ${this.workerId}, locked_until = ${until},
      attempts = jobs.attempts + 1, updated = ${nowIso}`;
    const query =
      this.db.dialect === "postgres"
        ? sql<JobRow>`with picked as (
            select j.id from jobs j where ${due}
            order by j.run_at, j.id limit ${limit}
            for update of j skip locked)
          update jobs set ${set} from picked where jobs.id = picked.id
          returning jobs.*`
        : sql<JobRow>`update jobs set ${set}
          where id in (select j.id from jobs j where ${due} order by j.run_at, j.id limit ${limit})
          returning *`;
    const { rows } = await query.execute(this.root());
    return rows.sort((a, b) => (a.run_at < b.run_at ? -1 : a.run_at > b.run_at ? 1 : Number(a.id) - Number(b.id)));
  }

  private run(row: JobRow): void {
    const id = Number(row.id);
    const registered = this.handlers.get(row.kind)!;
    const context: JobContext = {
      id,
      kind: row.kind,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
      orderingKey: row.ordering_key,
      dedupeKey: row.dedupe_key,
      created: row.created,
    };
    const done = (async () => {
      if (row.attempts > row.max_attempts) {
        // Reclaimed after its worker died during the last attempt: nothing is left to try.
        await this.finish(row, "dead", row.last_error ?? "the worker running the last attempt stopped");
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(row.payload);
      } catch {
        await this.finish(row, "dead", "the payload is not valid JSON");
        return;
      }
      try {
        await this.db.detached(() => registered.handler(payload, context));
      } catch (error) {
        await this.failed(row, registered, error);
        return;
      }
      await this.finish(row, "done", row.last_error);
    })()
      .catch((err) => {
        // The outcome could not be written (the database is gone): the lease runs out and the job runs again.
        this.logger.error({ err, job: id, kind: row.kind }, "recording a job's outcome failed");
      })
      .finally(() => {
        this.active.delete(id);
        this.nudge();
      });
    this.active.set(id, { attempts: row.attempts, done });
  }

  private async failed(row: JobRow, registered: RegisteredHandler, error: unknown): Promise<void> {
    const message = errorText(error);
    const permanent = error instanceof JobError && !error.retry;
    const id = Number(row.id);
    if (permanent || row.attempts >= row.max_attempts) {
      this.logger.warn(
        { job: id, kind: row.kind, attempt: row.attempts, error: message },
        permanent ? "job failed and is not retried" : "job failed on its last attempt",
      );
      await this.finish(row, "dead", message);
      return;
    }
    const delay =
      error instanceof JobError && error.delayMs !== undefined
        ? error.delayMs
        : backoffDelayMs(registered.backoff, row.attempts);
    const now = this.clock.now();
    const runAt = new Date(now.getTime() + delay).toISOString();
    this.logger.info(
      { job: id, kind: row.kind, attempt: row.attempts, error: message, retryAt: runAt },
      "job failed; retrying later",
    );
    const result = await this.root()
      .updateTable("jobs")
      .set({
        status: "queued",
        run_at: runAt,
        last_error: message,
        locked_by: null,
        locked_until: null,
        updated: now.toISOString(),
      })
      .where("id", "=", id)
      .where("locked_by", "=", this.workerId)
      .where("attempts", "=", row.attempts)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      this.logger.warn({ job: id, kind: row.kind }, "job lease was lost before it finished");
    }
  }

  /** Ends this claim of the job: only if it is still this worker's (the lease was not lost meanwhile). */
  private async finish(row: JobRow, status: "done" | "dead", lastError: string | null): Promise<void> {
    const result = await this.root()
      .updateTable("jobs")
      .set({
        status,
        last_error: lastError,
        locked_by: null,
        locked_until: null,
        updated: this.clock.now().toISOString(),
      })
      .where("id", "=", Number(row.id))
      .where("locked_by", "=", this.workerId)
      .where("attempts", "=", row.attempts)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      this.logger.warn({ job: Number(row.id), kind: row.kind }, "job lease was lost before it finished");
    }
  }

  /** Extends the leases of the jobs this worker is running, so a long job is not taken over. */
  private async renewLeases(): Promise<void> {
    if (this.active.size === 0) return;
    const until = new Date(this.clock.now().getTime() + this.leaseMs).toISOString();
    try {
      await this.root()
        .updateTable("jobs")
        .set({ locked_until: until })
        .where("id", "in", [...this.active.keys()])
        .where("locked_by", "=", this.workerId)
        .where("status", "=", "running")
        .execute();
    } catch (err) {
      this.logger.warn({ err }, "renewing job leases failed");
    }
  }

  private async prune(): Promise<void> {
    const now = this.clock.now().getTime();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    try {
      await this.root()
        .deleteFrom("jobs")
        .where("status", "=", "done")
        .where("updated", "<", new Date(now - this.retainDoneMs).toISOString())
        .execute();
    } catch (err) {
      this.logger.warn({ err }, "pruning finished jobs failed");
    }
  }
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text || "failed").slice(0, ERROR_TEXT_LIMIT);
}

function toRecord(row: JobRow): JobRecord {
  let payload: unknown = null;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    payload = row.payload;
  }
  return {
    id: Number(row.id),
    kind: row.kind,
    payload,
    status: row.status as JobStatus,
    runAt: row.run_at,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
    orderingKey: row.ordering_key,
    dedupeKey: row.dedupe_key,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    created: row.created,
    updated: row.updated,
  };
}
