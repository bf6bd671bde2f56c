import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app/build-app.ts";
import { parseConfig } from "../src/config/load-config.ts";
import { createLogger } from "../src/kernel/logger.ts";
import { ensureBuilt, MAIN } from "./helpers/processes.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/test-db.ts";

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment (nothing inherited but PATH and HOME) plus the given variables. */
function cliEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...vars };
}

/** `node server/dist/main.js …` as a child process, with its output collected. */
class Cli {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<Finished>;
  private waiters: { text: string; resolve: () => void }[] = [];

  constructor(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
    this.child = spawn(process.execPath, [MAIN, ...args], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
      this.notify();
    });
    this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.on("error", reject);
      this.child.on("close", (code) => resolve({ code, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  private notify() {
    this.waiters = this.waiters.filter((w) => {
      if (!this.stdout.includes(w.text)) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once stdout contains `text`; rejects if the process ends first. */
  waitForOutput(text: string): Promise<void> {
    const seen = new Promise<void>((resolve) => {
      this.waiters.push({ text, resolve });
      this.notify();
    });
    const ended = this.exited.then((f) => {
      throw new Error(`exited with ${f.code} before printing "${text}"\nstdout: ${f.stdout}\nstderr: ${f.stderr}`);
    });
    return Promise.race([seen, ended]);
  }
}

const running: Cli[] = [];

function cli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Cli {
  const started = new Cli(args, env, cwd);
  running.push(started);
  return started;
}

const runCli = (args: string[], env: NodeJS.ProcessEnv, cwd: string) => cli(args, env, cwd).exited;

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const lines = (text: string) => text.trim().split("\n");
const STACK_FRAME = /^\s+at /m;

describe("the till command line", () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    await ensureBuilt();
    db = await createTestDatabase();
    env = cliEnv({ TILL_DATABASE_URL: db.url, TILL_DATA_DIR: db.dataDir, TILL_LOG_LEVEL: "silent" });
  });

  afterAll(async () => {
    for (const started of running) if (started.child.exitCode === null) started.child.kill("SIGKILL");
    await Promise.all(running.map((r) => r.exited.catch(() => undefined)));
    await db?.drop();
  });

  it("lists its commands in --help and exits 0", async () => {
    const help = await runCli(["--help"], env, db.dataDir);
    expect(help.code).toBe(0);
    for (const command of ["serve", "migrate", "create-superuser"]) expect(help.stdout).toContain(command);
  });

  it("migrates a fresh database, then reports it up to date", async () => {
    const fresh = await createTestDatabase();
    try {
      const freshEnv = cliEnv({ TILL_DATABASE_URL: fresh.url, TILL_DATA_DIR: fresh.dataDir, TILL_LOG_LEVEL: "silent" });
      const first = await runCli(["migrate"], freshEnv, fresh.dataDir);
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^Applied: 0001-init(, [\w-]+)*\n$/);

      const second = await runCli(["migrate"], freshEnv, fresh.dataDir);
      expect(second.code).toBe(0);
      expect(second.stdout).toBe("Database is up to date\n");
    } finally {
      await fresh.drop();
    }
  });

  it("creates a superuser who can log in through the HTTP API", async () => {
    const given = await runCli(
      ["create-superuser", "--email", "root@shop.example", "--password", "given-password-1"],
      env,
      db.dataDir,
    );
    expect(given.stderr).toBe("");
    expect(given.code).toBe(0);
    expect(given.stdout).toMatch(/^Created superuser root@shop\.example \(\w+\)\n$/);

    const generated = await runCli(["create-superuser", "--email", "Ops@Shop.Example"], env, db.dataDir);
    expect(generated.code).toBe(0);
    const password = /^Generated password: (\S+)$/m.exec(generated.stdout)?.[1];
    expect(password).toBeTruthy();

    const config = parseConfig({ TILL_DATABASE_URL: db.url, TILL_DATA_DIR: db.dataDir, TILL_LOG_LEVEL: "silent" });
    const till = await buildApp(config, createLogger("silent"));
    try {
      for (const [email, secret] of [
        ["root@shop.example", "given-password-1"],
        ["ops@shop.example", password!],
      ] as const) {
        const login = await till.http.inject({
          method: "POST",
          url: "/token",
          payload: { email, password: secret, permissions: ["full_control"] },
        });
        expect(login.statusCode).toBe(200);
        const me = await till.http.inject({
          method: "GET",
          url: "/users/me",
          headers: { authorization: `Bearer ${login.json().access_token}` },
        });
        expect(me.json()).toMatchObject({ email, is_superuser: true, is_verified: true });
      }
    } finally {
      await till.close();
    }
  });

  it("refuses an invalid or taken email with exit 1 and a one-line message", async () => {
    const invalid = await runCli(
      ["create-superuser", "--email", "not-an-email", "--password", "pw-pw-pw"],
      env,
      db.dataDir,
    );
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toBe("");
    expect(lines(invalid.stderr)).toEqual(["Error: Invalid email: not-an-email"]);

    const args = ["create-superuser", "--email", "twice@shop.example", "--password", "pw-pw-pw"];
    expect((await runCli(args, env, db.dataDir)).code).toBe(0);
    const taken = await runCli(args, env, db.dataDir);
    expect(taken.code).toBe(1);
    expect(lines(taken.stderr)).toHaveLength(1);
    expect(taken.stderr).toContain("already exists");
    expect(taken.stderr).not.toMatch(STACK_FRAME);
  });

  const badConfigurations: [string, Record<string, string>, string[]][] = [
    ["TILL_PORT=abc", { TILL_PORT: "abc" }, ["TILL_PORT"]],
    ["TILL_CRYPTOS=doge", { TILL_CRYPTOS: "doge" }, ["TILL_CRYPTOS", "doge"]],
    ["TILL_DATABASE_URL=mysql://x", { TILL_DATABASE_URL: "mysql://x" }, ["TILL_DATABASE_URL"]],
    ["BTC_BACKEND=bitcoind without BTC_BITCOIND_URL", { BTC_BACKEND: "bitcoind" }, ["BTC_BITCOIND_URL", "BTC_BACKEND"]],
  ];
  for (const command of ["migrate", "serve"]) {
    for (const [label, vars, named] of badConfigurations) {
      it(`${command} exits 2 with one line naming the variable for ${label}`, async () => {
        const result = await runCli([command], { ...env, ...vars }, db.dataDir);
        expect(result.code).toBe(2);
        expect(result.stdout).toBe("");
        expect(lines(result.stderr)).toHaveLength(1);
        for (const name of named) expect(result.stderr).toContain(name);
        expect(result.stderr).not.toMatch(STACK_FRAME);
      });
    }
  }

  it("serve says which port is taken and exits 1", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const result = await runCli(["serve"], { ...env, TILL_HOST: "127.0.0.1", TILL_PORT: String(port) }, db.dataDir);
      expect(result.code).toBe(1);
      expect(lines(result.stderr)).toEqual([`Error: Port ${port} on 127.0.0.1 is already in use (TILL_PORT)`]);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("serves /health/ready and on SIGTERM finishes the request in flight, then exits 0", {
    timeout: 30_000,
  }, async () => {
    const port = await freePort();
    const server = cli(
      ["serve"],
      { ...env, TILL_HOST: "127.0.0.1", TILL_PORT: String(port), TILL_LOG_LEVEL: "info" },
      db.dataDir,
    );
    await server.waitForOutput(`listening at http://127.0.0.1:${port}`);

    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    // `leader` turns true once the lease is taken, just after listening (tested in leader-lease.test.ts).
    expect(await ready.json()).toMatchObject({ status: "ok", checks: { database: "ok" } });

    // A registration whose body is held back until shutdown has begun: `Expect: 100-continue` makes the
    // server confirm it has accepted the request before the signal is sent.
    const body = JSON.stringify({ email: "late-request@example.com", password: "in-flight-password" });
    const socket = net.connect(port, "127.0.0.1");
    socket.setEncoding("utf8");
    let received = "";
    const answered = new Promise<string>((resolve, reject) => {
      socket.on("data", (chunk: string) => {
        received += chunk;
      });
      socket.on("end", () => resolve(received));
      socket.on("error", reject);
    });
    const continued = new Promise<void>((resolve) => {
      const check = () => {
        if (received.includes("100 Continue")) {
          socket.off("data", check);
          resolve();
        }
      };
      socket.on("data", check);
    });
    socket.write(
      "POST /users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
    );
    await continued;

    server.child.kill("SIGTERM");
    await server.waitForOutput("shutting down");
    socket.write(body);

    const response = await answered;
    const final = response.slice(response.indexOf("HTTP/1.1", response.indexOf("100 Continue") + 1));
    expect(final).toMatch(/^HTTP\/1\.1 200 /);
    expect(JSON.parse(final.slice(final.indexOf("\r\n\r\n") + 4))).toMatchObject({ email: "late-request@example.com" });

    const exit = await server.exited;
    expect(exit.code).toBe(0);
    expect(exit.stderr).toBe("");
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });
});
