import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/load-config.ts";
import { type Db, openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrator.ts";
import { DEFAULT_LEASE_SECONDS, LeaderLease, leaseSecondsFromEnv } from "../src/jobs/leader-lease.ts";
import { createLogger } from "../src/kernel/logger.ts";
import { type LitecoindNode, litecoinTillEnv, startLitecoind } from "./chain/litecoind.ts";
import { cleanEnv, ensureBuilt, freePort, MAIN, NodeProcess, waitFor } from "./helpers/processes.ts";
import { createTestApp, registerUser, type TestApp } from "./helpers/test-app.ts";
import { createTestDatabase, type TestDatabase, testDialect } from "./helpers/test-db.ts";

const silent = createLogger("silent");

describe("TILL_LEADER_LEASE_SECONDS", () => {
  it("defaults to 15 seconds and accepts whole seconds from 2 to 3600", () => {
    expect(DEFAULT_LEASE_SECONDS).toBe(15);
    expect(leaseSecondsFromEnv({})).toBe(15);
    expect(leaseSecondsFromEnv({ TILL_LEADER_LEASE_SECONDS: "" })).toBe(15);
    expect(leaseSecondsFromEnv({ TILL_LEADER_LEASE_SECONDS: "3" })).toBe(3);
    expect(leaseSecondsFromEnv({ TILL_LEADER_LEASE_SECONDS: "3600" })).toBe(3600);
    for (const bad of ["abc", "1", "0", "-5", "2.5", "3601"]) {
      expect(() => leaseSecondsFromEnv({ TILL_LEADER_LEASE_SECONDS: bad })).toThrow(ConfigError);
      expect(() => leaseSecondsFromEnv({ TILL_LEADER_LEASE_SECONDS: bad })).toThrow(/TILL_LEADER_LEASE_SECONDS/);
    }
  });
});

interface LeaseRow {
  holder: string;
  expires_at: string;
  renewed_at: string;
}

describe("the leader lease", () => {
  let database: TestDatabase;
  const dbs: Db[] = [];
  const leases: LeaderLease[] = [];
  let observer: Db;

  const openDb = () => {
    const db = openDatabase(database.url);
    dbs.push(db);
    return db;
  };

  /** A lease on its own connection pool, recording its onAcquired / onLost calls. */
  function newLease(leaseSeconds = 2, db = openDb()) {
    const lease = new LeaderLease({ db, logger: silent, leaseSeconds });
    leases.push(lease);
    const calls: string[] = [];
    lease.onAcquired(() => void calls.push("acquired"));
    lease.onLost(() => void calls.push("lost"));
    return { lease, calls, db };
  }

  const row = async (): Promise<LeaseRow | undefined> =>
    observer.kysely.selectFrom("leases").selectAll().where("name", "=", "leader").executeTakeFirst();

  beforeAll(async () => {
    database = await createTestDatabase();
    observer = openDatabase(database.url);
    await migrateToLatest(observer);
  });

  afterAll(async () => {
    for (const lease of leases) await lease.stop();
    for (const db of dbs) await db.close();
    await observer?.close();
    await database?.drop();
  });

  if (testDialect() === "sqlite") {
    it("is simply granted on SQLite (one process by design), and given back on stop", async () => {
      const { lease, calls } = newLease();
      expect(lease.isLeader).toBe(false);
      await lease.start();
      expect(lease.isLeader).toBe(true);
      expect(calls).toEqual(["acquired"]);
      await lease.stop();
      expect(lease.isLeader).toBe(false);
      expect(calls).toEqual(["acquired", "lost"]);
      expect(await row()).toBeUndefined();
    });
  }

  if (testDialect() === "postgres") {
    /** The database's clock (the lease's clock), in the lease table's text format. */
    const pgNow = async () => {
      const { rows } = await sql<{ now: string }>`
        select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as now`.execute(
        observer.kysely,
      );
      return rows[0]!.now;
    };

    it("is held by exactly one of two processes, which keeps renewing it", async () => {
      const a = newLease();
      const b = newLease();
      await Promise.all([a.lease.start(), b.lease.start()]);
      const leaders = [a, b].filter((x) => x.lease.isLeader);
      expect(leaders).toHaveLength(1);
      const [leader] = leaders;
      const follower = leader === a ? b : a;
      expect(leader!.calls).toEqual(["acquired"]);
      expect(follower.calls).toEqual([]);
      const first = (await row())!;
      expect(first.holder).toBe(leader!.lease.holder);
      expect(first.holder).toContain(`/${process.pid}/`);

      // Two renewals later (every 2/3 s here) nothing has changed hands.
      await waitFor(async () => (await row())!.renewed_at > first.renewed_at, { what: "a renewal" });
      const second = (await row())!;
      await waitFor(async () => (await row())!.renewed_at > second.renewed_at, { what: "another renewal" });
      const third = (await row())!;
      expect(third.holder).toBe(leader!.lease.holder);
      expect(third.expires_at > first.expires_at).toBe(true);
      expect(leader!.lease.isLeader).toBe(true);
      expect(follower.lease.isLeader).toBe(false);
      expect(leader!.calls).toEqual(["acquired"]);
      expect(follower.calls).toEqual([]);

      // A graceful stop: leader work stops first, then the row goes, and the other takes over.
      let rowWhenStopping: LeaseRow | undefined;
      leader!.lease.onLost(async () => {
        rowWhenStopping = await row();
      });
      await leader!.lease.stop();
      expect(leader!.calls).toEqual(["acquired", "lost"]);
      expect(rowWhenStopping?.holder).toBe(leader!.lease.holder);
      await waitFor(() => follower.lease.isLeader, { timeoutMs: 10_000, what: "the follower to take over" });
      await follower.lease.settled();
      expect(follower.calls).toEqual(["acquired"]);
      expect((await row())!.holder).toBe(follower.lease.holder);
      await follower.lease.stop();
      expect(await row()).toBeUndefined();
    });

    it("stops leader work before its lease expires when it cannot renew, and only then can another take over", async () => {
      const doomed = newLease(3);
      await doomed.lease.start();
      expect(doomed.lease.isLeader).toBe(true);
      const held = (await row())!;
      let lostAt: string | null = null;
      doomed.lease.onLost(async () => {
        lostAt = await pgNow();
      });

      const waiting = newLease(3);
      await waiting.lease.start();
      expect(waiting.lease.isLeader).toBe(false);

      // The leader loses its database: renewals fail from now on.
      await doomed.db.close();
      await waitFor(() => lostAt, { timeoutMs: 10_000, what: "the leader to give up" });
      expect(doomed.lease.isLeader).toBe(false);
      const lastExpiry = (await row())!.expires_at;
      expect(lastExpiry >= held.expires_at).toBe(true);
      // It gave up while its lease was still valid, so no one else could have started yet.
      expect(lostAt! < lastExpiry).toBe(true);
      expect(waiting.lease.isLeader).toBe(false);

      await waitFor(() => waiting.lease.isLeader, { timeoutMs: 15_000, what: "the other to take over" });
      const taken = (await row())!;
      expect(taken.holder).toBe(waiting.lease.holder);
      expect(taken.renewed_at > lastExpiry).toBe(true);
      await waiting.lease.stop();
    });
  }
});

/** `till serve` processes on one database, seen through HTTP as an operator sees them. */
describe("leadership among `till serve` processes", () => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const servers: NodeProcess[] = [];
  let token = "";

  async function startServer(): Promise<{ process: NodeProcess; url: string }> {
    const port = await freePort();
    const server = new NodeProcess([MAIN, "serve"], { ...env, TILL_PORT: String(port), TILL_LOG_LEVEL: "info" });
    servers.push(server);
    await server.waitForOutput(`listening at http://127.0.0.1:${port}`, 30_000);
    return { process: server, url: `http://127.0.0.1:${port}` };
  }

  const ready = async (url: string) => {
    const response = await fetch(`${url}/health/ready`);
    return (await response.json()) as { status: string; leader: boolean };
  };

  const watchersRunning = async (url: string) => {
    const response = await fetch(`${url}/manage/syncinfo`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { currency: string; running: boolean }[]).find((c) => c.currency === "btc")!
      .running;
  };

  beforeAll(async () => {
    await ensureBuilt();
    database = await createTestDatabase();
    env = cleanEnv({
      TILL_DATABASE_URL: database.url,
      TILL_DATA_DIR: database.dataDir,
      TILL_HOST: "127.0.0.1",
      TILL_LOG_LEVEL: "silent",
      TILL_LEADER_LEASE_SECONDS: "3",
      // Watchers point at a port nobody listens on: they run (and retry) without reaching the internet.
      BTC_ELECTRUM_SERVERS: "tcp://127.0.0.1:9",
    });
    const created = new NodeProcess(
      [MAIN, "create-superuser", "--email", "ops@example.com", "--password", "leader-lease-pw"],
      env,
    );
    const exit = await created.exited;
    expect(exit.code, created.describe()).toBe(0);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.kill("SIGKILL")));
    await database?.drop();
  });

  async function login(url: string) {
    const response = await fetch(`${url}/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ops@example.com", password: "leader-lease-pw", permissions: ["full_control"] }),
    });
    expect(response.status).toBe(200);
    token = ((await response.json()) as { access_token: string }).access_token;
  }

  it("refuses an invalid TILL_LEADER_LEASE_SECONDS with exit 2 and one line naming it", async () => {
    const bad = new NodeProcess([MAIN, "serve"], {
      ...env,
      TILL_PORT: String(await freePort()),
      TILL_LEADER_LEASE_SECONDS: "0",
    });
    const exit = await bad.exited;
    expect(exit.code).toBe(2);
    expect(exit.stdout).toBe("");
    expect(exit.stderr.trim().split("\n")).toHaveLength(1);
    expect(exit.stderr).toContain("TILL_LEADER_LEASE_SECONDS");
  });

  if (testDialect() === "sqlite") {
    it("one process on SQLite is the leader and runs the watchers", async () => {
      const only = await startServer();
      await login(only.url);
      await waitFor(async () => (await ready(only.url)).leader, { what: "the process to lead" });
      expect(await watchersRunning(only.url)).toBe(true);
      await only.process.kill("SIGTERM");
    });
  }

  if (testDialect() === "postgres") {
    it("exactly one of two processes leads; killed, the other takes over within the lease time", {
      timeout: 90_000,
    }, async () => {
      const first = await startServer();
      const second = await startServer();
      await login(first.url);

      // Exactly one leader, and only it runs the chain watchers.
      const [leader, follower] = await waitFor(
        async () => {
          const states = await Promise.all([ready(first.url), ready(second.url)]);
          const leaders = states.filter((s) => s.leader).length;
          expect(leaders).toBeLessThanOrEqual(1);
          if (leaders === 0) return null;
          return states[0]!.leader ? [first, second] : [second, first];
        },
        { timeoutMs: 15_000, what: "a leader" },
      );
      await waitFor(async () => await watchersRunning(leader!.url), { what: "the leader's watchers" });
      expect(await watchersRunning(follower!.url)).toBe(false);
      expect((await ready(follower!.url)).leader).toBe(false);

      // kill -9: no release; the lease runs out (3 s) and the survivor takes it over.
      const killed = await leader!.process.kill("SIGKILL");
      expect(killed.signal).toBe("SIGKILL");
      const became = await waitFor(async () => (await ready(follower!.url)).leader, {
        timeoutMs: 15_000,
        what: "the survivor to become leader",
      });
      expect(became).toBe(true);
      expect(await ready(follower!.url)).toMatchObject({ status: "ok", leader: true });
      await waitFor(async () => await watchersRunning(follower!.url), { what: "the survivor's watchers" });

      // A new process joins as a follower; the leader stops gracefully (SIGTERM) and hands over.
      const third = await startServer();
      expect((await ready(third.url)).leader).toBe(false);
      expect(await watchersRunning(third.url)).toBe(false);
      const stopped = await follower!.process.kill("SIGTERM");
      expect(stopped.code).toBe(0);
      await waitFor(async () => (await ready(third.url)).leader, {
        timeoutMs: 10_000,
        what: "the new process to take over after a graceful stop",
      });
      await waitFor(async () => await watchersRunning(third.url), { what: "the new leader's watchers" });
    });
  }
});

if (testDialect() === "postgres") {
  describe("addresses handed out by a follower (PostgreSQL)", () => {
    let node: LitecoindNode;
    let leader: TestApp;
    let follower: TestApp;

    beforeAll(async () => {
      node = await startLitecoind();
      const env = {
        ...litecoinTillEnv(node),
      };
      leader = await createTestApp(env);
      follower = await createTestApp(env, leader.database);
      await leader.till.lease.start();
      await follower.till.lease.start();
    });

    afterAll(async () => {
      await follower?.stop();
      await leader?.close();
      await node?.stop();
    });

    it("are watched by the leader's chain watchers: a payment to one is seen", async () => {
      expect(leader.till.isLeader()).toBe(true);
      expect(follower.till.isLeader()).toBe(false);
      await leader.till.lease.settled();
      expect(leader.till.services.chains.backend("ltc")).toBeDefined();
      expect(follower.till.services.chains.backend("ltc")).toBeUndefined();

      // The wallet is created, and its address handed out, by the follower: the leader started watching
      // before either existed.
      const { token } = await registerUser(follower);
      const key = (await follower.call("POST", "/wallets/create", { token, body: { currency: "ltc" } })).json().key;
      const created = await follower.call("POST", "/wallets", {
        token,
        body: { name: "w", currency: "ltc", xpub: key },
      });
      expect(created.statusCode, created.body).toBe(200);
      const walletId = created.json().id as string;
      const issued = (await follower.call("POST", `/wallets/${walletId}/address`, { token })).json();

      await node.send(issued.address, "0.3");
      const balance = await waitFor(
        async () => {
          const current = (await follower.call("GET", `/wallets/${walletId}/balance`, { token })).json();
          return current.unconfirmed === "0.3" && current;
        },
        { timeoutMs: 20_000, what: "the leader to see the payment" },
      );
      expect(balance.confirmed).toBe("0");
    });
  });
}
