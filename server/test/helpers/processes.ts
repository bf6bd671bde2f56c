import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const ROOT = path.resolve(import.meta.dirname, "../../..");
export const MAIN = path.join(ROOT, "server/dist/main.js");
const SOURCE = path.join(ROOT, "server/src");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const isStale = () => !existsSync(MAIN) || statSync(MAIN).mtimeMs < newestMtime(SOURCE);

/**
 * Builds server/dist/main.js when it is missing or older than the sources, under a directory lock, so
 * test files running at once (both integration projects) never write the bundle at the same time.
 */
export async function ensureBuilt(): Promise<void> {
  if (!isStale()) return;
  const lock = path.join(ROOT, "server/dist/.build-lock");
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 60_000)
        rmSync(lock, { recursive: true, force: true });
      await sleep(100);
    }
  }
  try {
    if (!isStale()) return;
    const build = spawnSync("npm", ["run", "build", "-w", "server"], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`npm run build -w server failed:\n${build.stdout}\n${build.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A clean environment (nothing inherited but PATH and HOME) plus the given variables. */
export function cleanEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...vars };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A child Node process with its output collected. */
export class NodeProcess {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<Exit>;

  constructor(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT) {
    this.child = spawn(process.execPath, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
    });
    this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.on("error", reject);
      this.child.on("close", (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once stdout contains `text`; rejects if the process ends first or `timeoutMs` passes. */
  async waitForOutput(text: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      () => {
        if (this.stdout.includes(text)) return true;
        if (!this.running) throw new Error(`exited before printing "${text}"\n${this.describe()}`);
        return false;
      },
      { timeoutMs, what: `output "${text}"\n${this.describe()}` },
    );
  }

  describe(): string {
    return `stdout: ${this.stdout.slice(-4000)}\nstderr: ${this.stderr.slice(-4000)}`;
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<Exit> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}

/**
 * Polls `check` (every `intervalMs`) until it returns a value other than false/null/undefined and returns
 * that value; fails after `timeoutMs`, naming `what`. An error thrown by `check` fails at once.
 */
export async function waitFor<T>(
  check: () => T | false | null | undefined | Promise<T | false | null | undefined>,
  {
    timeoutMs = 10_000,
    intervalMs = 50,
    what = "condition",
  }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false && value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
