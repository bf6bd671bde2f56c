import os from "node:os";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { ConfigError } from "../config/load-config.ts";
import type { Db } from "../db/database.ts";
import { newId } from "../kernel/ids.ts";
import type { Logger } from "../kernel/logger.ts";

export const DEFAULT_LEASE_SECONDS = 15;
const MIN_LEASE_SECONDS = 2;
const MAX_LEASE_SECONDS = 3600;

/** `TILL_LEADER_LEASE_SECONDS` (default 15): how long a lease lasts without renewal. */
export function leaseSecondsFromEnv(env: Record<string, string | undefined>): number {
  const raw = env.TILL_LEADER_LEASE_SECONDS;
  if (raw === undefined || raw === "") return DEFAULT_LEASE_SECONDS;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < MIN_LEASE_SECONDS || value > MAX_LEASE_SECONDS) {
    throw new ConfigError(
      `Invalid configuration: TILL_LEADER_LEASE_SECONDS=${JSON.stringify(raw)}: must be a whole number of seconds from ${MIN_LEASE_SECONDS} to ${MAX_LEASE_SECONDS}`,
    );
  }
  return value;
}

export type LeaseHandler = () => Promise<void> | void;

export interface LeaderLeaseOptions {
  db: Db;
  logger: Logger;
  /** How long the lease lasts without renewal; it is renewed every third of it. */
  leaseSeconds?: number;
  /** The lease's name: one leader per name. */
  name?: string;
  /** This process's holder id; by default host, pid and a random part (shown to operators in the table). */
  holder?: string;
}

/**
 * The leader lease: on PostgreSQL, a row in `leases` that one process at a time holds until `expires_at`
 * (the database's clock, so processes' clocks do not matter). Every process tries to take or renew it every
 * third of the lease time with one atomic insert-or-update-if-expired-or-mine; the holder renews it, the
 * others take it over once it has expired (its holder died or lost the database).
 *
 * A holder that cannot renew stops being leader (runs `onLost`) a sixth of the lease time before its last
 * renewal runs out, measured from when that renewal was sent, so its leader work has stopped before anyone
 * else can take the lease. `stop()` runs `onLost` and then deletes the row, so a successor starts within a
 * renewal interval.
 *
 * On SQLite there is one process by design: the lease is simply granted on `start()`.
 */
export class LeaderLease {
  readonly holder: string;
  readonly name: string;
  readonly leaseMs: number;
  private readonly acquiredHandlers: LeaseHandler[] = [];
  private readonly lostHandlers: LeaseHandler[] = [];
  private leader = false;
  private started = false;
  private stopped = false;
  private renewTimer: NodeJS.Timeout | null = null;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private attempt: Promise<void> | null = null;
  /** onAcquired / onLost runs, one after another in the order the changes happened. */
  private transitions: Promise<void> = Promise.resolve();

  constructor(private readonly options: LeaderLeaseOptions) {
    this.leaseMs = (options.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
    this.name = options.name ?? "leader";
    this.holder = options.holder ?? `${os.hostname()}/${process.pid}/${newId()}`;
  }

  /** Whether this process holds the lease now. */
  get isLeader(): boolean {
    return this.leader;
  }

  /** Runs `handler` each time this process becomes leader (handlers run in registration order). */
  onAcquired(handler: LeaseHandler): void {
    this.acquiredHandlers.push(handler);
  }

  /** Runs `handler` each time this process stops being leader, on stop too (in reverse registration order). */
  onLost(handler: LeaseHandler): void {
    this.lostHandlers.unshift(handler);
  }

  /** Tries to take the lease now (and runs `onAcquired` if it got it), then keeps trying or renewing. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.options.db.dialect === "sqlite") {
      this.become(true, "granted (SQLite: one process)");
      await this.transitions;
      return;
    }
    this.renewTimer = setInterval(() => void this.tryAcquire(), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
    await this.tryAcquire();
    await this.transitions;
  }

  /** Stops trying; if leader, runs `onLost` and then releases the lease for another process to take. */
  async stop(): Promise<void> {
    if (!this.started || this.stopped) return;
    this.stopped = true;
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    await this.attempt;
    this.become(false, "stopping");
    await this.transitions;
    if (this.options.db.dialect === "sqlite") return;
    try {
      const root = this.root();
      await root.deleteFrom("leases").where("name", "=", this.name).where("holder", "=", this.holder).execute();
    } catch (err) {
      this.options.logger.warn({ err, lease: this.name }, "could not release the leader lease; it will expire");
    }
  }

  /** Resolves once the onAcquired / onLost handlers of the changes so far have run. */
  settled(): Promise<void> {
    return this.transitions;
  }

  private root() {
    return this.options.db.detached(() => this.options.db.kysely);
  }

  private tryAcquire(): Promise<void> {
    if (this.attempt || this.stopped) return this.attempt ?? Promise.resolve();
    const sentAt = performance.now();
    this.attempt = this.claim()
      .then((granted) => {
        if (this.stopped) return;
        // Usable until a margin before the lease could run out: its expiry is at least sentAt + leaseMs.
        const stopAt = sentAt + this.leaseMs - this.marginMs;
        if (granted && stopAt > performance.now()) {
          this.armDeadline(stopAt);
          this.become(true, "acquired");
        } else if (!granted) {
          this.become(false, "held by another process");
        }
      })
      .catch((err) => {
        if (!this.stopped)
          this.options.logger.warn({ err, lease: this.name, leader: this.leader }, "leader lease attempt failed");
      })
      .finally(() => {
        this.attempt = null;
      });
    return this.attempt;
  }

  /** A sixth of the lease: the time leader work has to stop before another process may take over. */
  private get marginMs(): number {
    return this.leaseMs / 6;
  }

  /** One atomic statement: take the lease if it is free, expired or already this holder's. True when held. */
  private async claim(): Promise<boolean> {
    const now = sql`to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    const expires = sql`to_char((clock_timestamp() at time zone 'UTC') + make_interval(secs => ${this.leaseMs / 1000}::double precision), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    const result = await sql<{ holder: string }>`
      insert into leases (name, holder, expires_at, renewed_at)
      values (${this.name}, ${this.holder}, ${expires}, ${now})
      on conflict (name) do update
        set holder = excluded.holder, expires_at = excluded.expires_at, renewed_at = excluded.renewed_at
        where leases.holder = excluded.holder or leases.expires_at < excluded.renewed_at
      returning holder`.execute(this.root());
    return result.rows.length === 1;
  }

  private armDeadline(stopAt: number): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(
      () => {
        this.deadlineTimer = null;
        if (this.leader && !this.stopped) this.become(false, "not renewed in time");
      },
      Math.max(0, stopAt - performance.now()),
    );
    this.deadlineTimer.unref();
  }

  private become(leader: boolean, reason: string): void {
    if (this.leader === leader) return;
    this.leader = leader;
    if (!leader && this.deadlineTimer) {
      clearTimeout(this.deadlineTimer);
      this.deadlineTimer = null;
    }
    const log = this.options.logger;
    const fields = { lease: this.name, holder: this.holder, reason };
    if (leader) log.info(fields, "this process is now the leader");
    else if (this.stopped) log.info(fields, "this process is no longer the leader");
    else log.warn(fields, "this process is no longer the leader");
    const handlers = leader ? [...this.acquiredHandlers] : [...this.lostHandlers];
    this.transitions = this.transitions.then(async () => {
      for (const handler of handlers) {
        try {
          await handler();
        } catch (err) {
          log.error({ err, lease: this.name }, leader ? "starting leader work failed" : "stopping leader work failed");
        }
      }
    });
  }
}
