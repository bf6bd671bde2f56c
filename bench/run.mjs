#!/usr/bin/env node
// HTTP benchmarks of the built server (`npm run bench`). For each database (SQLite; PostgreSQL when reachable)
// it starts `node server/dist/main.js serve` on a free port over a fresh database, measures the idle RSS,
// registers a user and runs autocannon against: GET /health/live (baseline), authenticated POST /stores
// (unique names), and authenticated GET /stores?limit=10 for a user owning BENCH_SEED_STORES stores.
// Prints a markdown table and writes the raw results to bench/results/<date>.json.
//
// Environment: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (50), BENCH_SEED_STORES (1000),
// BENCH_DIALECTS ("sqlite,postgres"), BENCH_PG_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_LOG_LEVEL (the server's TILL_LOG_LEVEL, default "warn"), BENCH_SKIP_BUILD=1 to reuse server/dist.

import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MAIN = path.join(ROOT, "server/dist/main.js");

const positive = (name, fallback) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
};

const options = {
  duration: positive("BENCH_DURATION", 10),
  connections: positive("BENCH_CONNECTIONS", 50),
  seedStores: positive("BENCH_SEED_STORES", 1000),
  dialects: (process.env.BENCH_DIALECTS ?? "sqlite,postgres")
    .split(",")
    .map((d) => d.trim())
    .filter(Boolean),
  pgUrl: process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  logLevel: process.env.BENCH_LOG_LEVEL ?? "warn",
};

function machine() {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model ?? "unknown",
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

// BIP-84 account 0 of the published "abandon … about" test mnemonic: a watch-only key with no funds.
const BENCH_ZPUB =
  "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resident memory of a process in MiB (VmRSS now, VmHWM the peak), from /proc. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
      return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
    };
    return { rssMiB: field("VmRSS"), peakRssMiB: field("VmHWM") };
  } catch {
    return { rssMiB: null, peakRssMiB: null };
  }
}

// ------------------------------------------------------------------ databases

async function pgAdmin() {
  const client = new pg.Client({ connectionString: options.pgUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  return client;
}

async function prepareDatabase(dialect) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `till-bench-${dialect}-`));
  if (dialect === "sqlite") {
    return {
      url: `sqlite:${path.join(dataDir, "till.db")}`,
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `till_bench_${randomBytes(6).toString("hex")}`;
  const admin = await pgAdmin();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(options.pgUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    name,
    drop: async () => {
      const client = await pgAdmin();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function postgresReachable() {
  try {
    const client = await pgAdmin();
    await client.end();
    return true;
  } catch (error) {
    console.log(`PostgreSQL is not reachable at ${options.pgUrl} (${error.message}): skipped`);
    return false;
  }
}

// ------------------------------------------------------------------ the server

async function startServer(database) {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TILL_HOST: "127.0.0.1",
    TILL_PORT: String(port),
    TILL_DATABASE_URL: database.url,
    TILL_DATA_DIR: database.dataDir,
    TILL_LOG_LEVEL: options.logLevel,
  };
  const child = spawn(process.execPath, [MAIN, "serve"], {
    env,
    cwd: database.dataDir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${stderr}`);
    try {
      const response = await fetch(`${base}/health/ready`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the server did not become ready within 60 s");
    await sleep(100);
  }
  return {
    base,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      const exit = await exited;
      if (exit.code !== 0) console.log(`  server exited with ${exit.code ?? exit.signal}; stderr: ${stderr.trim()}`);
      return exit;
    },
  };
}

async function call(base, method, url, { token, body } = {}) {
  const headers = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${base}${url}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, body: json };
}

async function register(base, email) {
  const answer = await call(base, "POST", "/users", { body: { email, password: "bench-password-123" } });
  if (answer.status !== 200)
    throw new Error(`registering ${email} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.token;
}

async function seedStores(base, token, count) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = ++next;
      const answer = await call(base, "POST", "/stores", { token, body: { name: `seeded store ${n}`, wallets: [] } });
      if (answer.status !== 200)
        throw new Error(`seeding store ${n} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

// ------------------------------------------------------------------ load

async function load(title, base, request) {
  const result = await autocannon({
    title,
    url: base,
    connections: options.connections,
    duration: options.duration,
    requests: [request],
  });
  const summary = {
    title,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
    statusCodes: result.statusCodeStats,
  };
  console.log(
    `  ${title}: ${summary.requestsPerSecond.toFixed(0)} req/s, p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms, ` +
      `${summary.errors} errors, ${summary.non2xx} non-2xx`,
  );
  return { summary, raw: result };
}

async function benchDialect(dialect) {
  console.log(`\n## ${dialect}`);
  const database = await prepareDatabase(dialect);
  const report = { dialect, scenarios: [], notes: [] };
  let server;
  try {
    server = await startServer(database);
    await sleep(2000);
    report.idleMemory = memoryOf(server.pid);
    console.log(`  idle RSS after start: ${report.idleMemory.rssMiB} MiB`);

    const owner = await register(server.base, "bench-owner@example.com");
    const auth = { authorization: `Bearer ${owner}` };

    report.scenarios.push(await load("GET /health/live", server.base, { method: "GET", path: "/health/live" }));

    const probe = await call(server.base, "POST", "/stores", {
      token: owner,
      body: { name: "probe store", wallets: [] },
    });
    if (probe.status !== 200) {
      const note = `POST /stores answered ${probe.status} ${JSON.stringify(probe.body)}: store scenarios skipped`;
      console.log(`  ${note}`);
      report.notes.push(note);
    } else {
      let n = 0;
      report.scenarios.push(
        await load("POST /stores", server.base, {
          method: "POST",
          path: "/stores",
          headers: { ...auth, "content-type": "application/json" },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ name: `bench store ${++n}`, wallets: [] }),
          }),
        }),
      );

      const reader = await register(server.base, "bench-reader@example.com");
      await seedStores(server.base, reader, options.seedStores);
      const page = await call(server.base, "GET", "/stores?limit=10", { token: reader });
      if (page.status !== 200 || page.body.count !== options.seedStores || page.body.result.length !== 10) {
        throw new Error(`unexpected GET /stores answer after seeding: ${page.status} count=${page.body.count}`);
      }
      report.scenarios.push(
        await load(`GET /stores?limit=10 (${options.seedStores} stores)`, server.base, {
          method: "GET",
          path: "/stores?limit=10",
          headers: { authorization: `Bearer ${reader}` },
        }),
      );
    }
    {
      // Invoice creation: an anonymous POST /invoices priced in the coin itself (no rate provider involved),
      // each one taking a fresh address from the wallet's pre-derived pool.
      const merchant = await register(server.base, "bench-merchant@example.com");
      const wallet = await call(server.base, "POST", "/wallets", {
        token: merchant,
        body: { name: "bench", currency: "btc", xpub: BENCH_ZPUB },
      });
      const store = await call(server.base, "POST", "/stores", {
        token: merchant,
        body: { name: "bench shop", default_currency: "BTC", wallets: [wallet.body.id] },
      });
      const probe = await call(server.base, "POST", "/invoices", { body: { price: "0.001", store_id: store.body.id } });
      if (probe.status !== 200) {
        report.notes.push(`POST /invoices answered ${probe.status}: invoice scenario skipped`);
      } else {
        report.scenarios.push(
          await load("POST /invoices (fresh address each)", server.base, {
            method: "POST",
            path: "/invoices",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ price: "0.001", store_id: store.body.id }),
          }),
        );
      }
    }
    report.memoryAfterLoad = memoryOf(server.pid);
    console.log(
      `  RSS after load: ${report.memoryAfterLoad.rssMiB} MiB (peak ${report.memoryAfterLoad.peakRssMiB} MiB)`,
    );
  } finally {
    if (server) report.exit = await server.stop();
    await database.drop();
  }
  return report;
}

// ------------------------------------------------------------------ main

function table(reports) {
  const rows = [
    "| database | scenario | req/s (avg) | p50 latency | p99 latency | errors | non-2xx | requests |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const report of reports) {
    for (const { summary: s } of report.scenarios) {
      rows.push(
        `| ${report.dialect} | ${s.title} | ${Math.round(s.requestsPerSecond).toLocaleString("en-US")} | ${s.p50Ms} ms | ` +
          `${s.p99Ms} ms | ${s.errors} | ${s.non2xx} | ${s.total.toLocaleString("en-US")} |`,
      );
    }
  }
  const memory = reports.map(
    (r) =>
      `- ${r.dialect}: idle RSS ${r.idleMemory?.rssMiB ?? "?"} MiB after start; ` +
      `${r.memoryAfterLoad?.rssMiB ?? "?"} MiB after the load (peak ${r.memoryAfterLoad?.peakRssMiB ?? "?"} MiB)`,
  );
  const notes = reports.flatMap((r) => r.notes.map((n) => `- ${r.dialect}: ${n}`));
  return [...rows, "", ...memory, ...notes].join("\n");
}

async function main() {
  if (process.env.BENCH_SKIP_BUILD !== "1") {
    const build = spawnSync("npm", ["run", "build", "-w", "server"], { cwd: ROOT, stdio: "inherit" });
    if (build.status !== 0) {
      console.error("npm run build -w server failed");
      process.exit(1);
    }
  }
  const startedAt = new Date();
  console.log(`# Till HTTP benchmark, ${startedAt.toISOString()}`);
  console.log(`machine: ${JSON.stringify(machine())}`);
  console.log(`options: ${JSON.stringify(options)}`);

  const loadBefore = os.loadavg();
  console.log(`load average (1/5/15 min): ${loadBefore.map((l) => l.toFixed(2)).join(" ")}`);
  const reports = [];
  for (const dialect of options.dialects) {
    if (dialect === "postgres" && !(await postgresReachable())) continue;
    if (dialect !== "sqlite" && dialect !== "postgres") {
      console.error(`unknown dialect in BENCH_DIALECTS: ${dialect}`);
      process.exit(2);
    }
    reports.push(await benchDialect(dialect));
  }

  const markdown = table(reports);
  console.log(`\n${markdown}`);
  const loadAfter = os.loadavg();
  console.log(`\nload average (1/5/15 min) at the end: ${loadAfter.map((l) => l.toFixed(2)).join(" ")}`);

  const dir = path.join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      { startedAt: startedAt.toISOString(), machine: machine(), options, loadBefore, loadAfter, reports, markdown },
      null,
      2,
    )}\n`,
  );
  console.log(`\nraw results: ${path.relative(ROOT, file)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
