import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrator.ts";
import { JobQueue } from "../src/jobs/queue.ts";
import {
  DEFAULT_DELIVERY_POLICY,
  HttpSender,
  IPN_JOB,
  IpnChannel,
} from "../src/modules/notifications-delivery/index.ts";
import { waitFor } from "./helpers/processes.ts";
import { Receiver } from "./helpers/receiver.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/test-db.ts";

describe("HTTP sender", () => {
  let receiver: Receiver;
  const open = new HttpSender({ allowPrivate: true, timeoutMs: 500, maxResponseBytes: 1024, excerptChars: 100 });
  const guarded = new HttpSender({ allowPrivate: false, timeoutMs: 500 });

  beforeAll(async () => {
    receiver = await Receiver.start();
  });
  afterAll(() => receiver.close());

  it("POSTs the body as JSON with Till's user agent and reports the answer", async () => {
    receiver.on("/ok", () => ({ status: 201, body: "thanks" }));
    const result = await open.post(receiver.url("/ok"), '{"a":1}', { "X-Extra": "yes" });
    expect(result).toMatchObject({ ok: true, status: 201, error: null, retryable: false, responseBody: "thanks" });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [request] = receiver.to("/ok");
    expect(request).toMatchObject({ method: "POST", body: '{"a":1}' });
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["user-agent"]).toBe("Till");
    expect(request!.headers["x-extra"]).toBe("yes");
  });

  it.each([
    ["a loopback address", (r: Receiver) => r.url("/ssrf")],
    ["a name that resolves to loopback", (r: Receiver) => r.url("/ssrf").replace("127.0.0.1", "localhost")],
    ["an IPv4-mapped loopback address", (r: Receiver) => r.url("/ssrf").replace("127.0.0.1", "[::ffff:127.0.0.1]")],
    ["the IPv6 loopback address", (r: Receiver) => r.url("/ssrf").replace("127.0.0.1", "[::1]")],
    ["a private address", () => "http://10.20.30.40/hook"],
    ["a link-local address (cloud metadata)", () => "http://169.254.169.254/latest/meta-data"],
    ["a multicast address", () => "http://224.0.0.1/"],
  ])("refuses %s without connecting, unless private targets are allowed", async (_what, url) => {
    const before = receiver.to("/ssrf").length;
    const result = await guarded.post(url(receiver), "{}");
    expect(result).toMatchObject({ ok: false, status: null, retryable: false });
    expect(result.error).toMatch(/^refused: /);
    expect(receiver.to("/ssrf").length).toBe(before);
  });

  it("reaches a loopback receiver when private targets are allowed", async () => {
    const result = await open.post(receiver.url("/ssrf-allowed").replace("127.0.0.1", "localhost"), "{}");
    expect(result.ok).toBe(true);
    expect(receiver.to("/ssrf-allowed")).toHaveLength(1);
  });

  it("does not follow redirects", async () => {
    receiver.on("/moved", () => ({ status: 302, headers: { location: receiver.url("/target") } }));
    const result = await open.post(receiver.url("/moved"), "{}");
    expect(result).toMatchObject({ ok: false, status: 302, retryable: false });
    expect(result.error).toContain("redirects are not followed");
    expect(receiver.to("/target")).toHaveLength(0);
  });

  it("gives up on a receiver that does not answer in time, as a retryable failure", async () => {
    receiver.on("/slow", () => ({ hang: true }));
    const result = await open.post(receiver.url("/slow"), "{}");
    expect(result).toMatchObject({ ok: false, status: null, retryable: true, error: "timed out after 500 ms" });
  });

  it("reads at most the response size limit and keeps an excerpt", async () => {
    receiver.on("/big", () => ({ status: 200, body: "x".repeat(5_000_000) }));
    const result = await open.post(receiver.url("/big"), "{}");
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.responseBody).toBe("x".repeat(100));
  });

  it("classifies answers: 5xx, 408 and 429 are retried, other 4xx are not", async () => {
    for (const [status, retryable] of [
      [500, true],
      [503, true],
      [408, true],
      [429, true],
      [400, false],
      [404, false],
      [410, false],
    ] as const) {
      receiver.on(`/status-${status}`, () => ({ status }));
      const result = await open.post(receiver.url(`/status-${status}`), "{}");
      expect(result, String(status)).toMatchObject({ ok: false, status, retryable, error: `HTTP ${status}` });
    }
  });

  it("reports a refused connection as retryable", async () => {
    const closed = await Receiver.start();
    const url = closed.url("/gone");
    await closed.close();
    const result = await open.post(url, "{}");
    expect(result).toMatchObject({ ok: false, status: null, retryable: true, error: "connection refused" });
  });
});

describe("IPN", () => {
  let database: TestDatabase;
  let db: Db;
  let receiver: Receiver;
  let queue: JobQueue;
  let ipn: IpnChannel;

  const jobFor = (path: string) =>
    db.kysely
      .selectFrom("jobs")
      .selectAll()
      .where("kind", "=", IPN_JOB)
      .where("payload", "like", `%${path}"%`)
      .orderBy("id")
      .execute();
  const settled = (path: string, status: "done" | "dead") =>
    waitFor(async () => ((await jobFor(path)).every((j) => j.status === status) ? jobFor(path) : false), {
      what: `IPN jobs to ${path} to be ${status}`,
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    db = openDatabase(database.url);
    await migrateToLatest(db);
    receiver = await Receiver.start();
    // The production schedule with waits shrunk to milliseconds; the attempts are the production count.
    queue = new JobQueue(db, { pollIntervalMs: 20 });
    ipn = new IpnChannel(queue, new HttpSender({ allowPrivate: true, timeoutMs: 300 }), undefined, {
      backoff: { baseMs: 10, factor: 2, maxMs: 40 },
      maxAttempts: DEFAULT_DELIVERY_POLICY.maxAttempts,
    });
  });
  afterEach(() => queue.stop());
  afterAll(async () => {
    await receiver.close();
    await db.close();
    await database.drop();
  });

  it("POSTs Bitcart's {id, status} body to the notification URL", async () => {
    await ipn.send(receiver.url("/ipn-shape"), { id: "INV1", status: "paid" });
    queue.start();
    const [job] = await settled("/ipn-shape", "done");
    expect(job!.attempts).toBe(1);
    const [request] = receiver.to("/ipn-shape");
    expect(JSON.parse(request!.body)).toEqual({ id: "INV1", status: "paid" });
    expect(request!.body).toBe('{"id":"INV1","status":"paid"}');
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["user-agent"]).toBe("Till");
  });

  it("is written in the caller's transaction: a rolled-back change sends nothing", async () => {
    await expect(
      db.transaction(async () => {
        await ipn.send(receiver.url("/ipn-rollback"), { id: "INV2", status: "paid" });
        throw new Error("the state change failed");
      }),
    ).rejects.toThrow("the state change failed");
    expect(await jobFor("/ipn-rollback")).toHaveLength(0);
    expect(await ipn.send("", { id: "INV2", status: "paid" })).toBeNull();
  });

  it("retries after 500s until the receiver recovers", async () => {
    receiver.on("/ipn-flaky", (_request, index) => ({ status: index < 3 ? 500 : 200 }));
    await ipn.send(receiver.url("/ipn-flaky"), { id: "INV3", status: "complete" });
    queue.start();
    const [job] = await settled("/ipn-flaky", "done");
    expect(job!.attempts).toBe(4);
    expect(job!.max_attempts).toBe(DEFAULT_DELIVERY_POLICY.maxAttempts);
    expect(job!.last_error).toBe("HTTP 500");
    const bodies = receiver.to("/ipn-flaky").map((r) => r.body);
    expect(bodies).toEqual(new Array(4).fill('{"id":"INV3","status":"complete"}'));
  });

  it("does not retry a 404", async () => {
    receiver.on("/ipn-missing", () => ({ status: 404 }));
    await ipn.send(receiver.url("/ipn-missing"), { id: "INV4", status: "paid" });
    queue.start();
    const [job] = await settled("/ipn-missing", "dead");
    expect(job).toMatchObject({ attempts: 1, last_error: "HTTP 404" });
    expect(receiver.to("/ipn-missing")).toHaveLength(1);
  });

  it("retries a receiver that timed out", async () => {
    receiver.on("/ipn-slow", (_request, index) => (index === 0 ? { hang: true } : { status: 200 }));
    await ipn.send(receiver.url("/ipn-slow"), { id: "INV5", status: "paid" });
    queue.start();
    const [job] = await settled("/ipn-slow", "done");
    expect(job!.attempts).toBe(2);
    expect(job!.last_error).toBe("timed out after 300 ms");
    expect(receiver.to("/ipn-slow")).toHaveLength(2);
  });

  it("delivers one invoice's IPNs in order, even when one needs retries", async () => {
    receiver.on("/ipn-order", (request, index) => ({
      status: index < 2 && request.body.includes('"paid"') ? 503 : 200,
    }));
    await db.transaction(async () => {
      for (const status of ["paid", "confirmed", "complete"]) {
        await ipn.send(receiver.url("/ipn-order"), { id: "INV6", status });
      }
    });
    queue.start();
    await settled("/ipn-order", "done");
    const statuses = receiver.to("/ipn-order").map((r) => JSON.parse(r.body).status);
    expect(statuses).toEqual(["paid", "paid", "paid", "confirmed", "complete"]);
  });
});
