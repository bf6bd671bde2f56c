/**
 * A throwaway Litecoin Core regtest node for chain tests: free ports, its own datadir, a legacy wallet with 101
 * mined blocks (so 1 mature coinbase is spendable at once, more as blocks are mined).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decimalToBaseUnits } from "../../src/chains/bitcoin/bitcoind/exact-json.ts";
import { BitcoindRpc } from "../../src/chains/bitcoin/bitcoind/rpc-client.ts";
import type { ChainEvent, ChainState, ChainStateStore } from "../../src/chains/ports.ts";

export const LITECOIND = process.env.TILL_LITECOIND ?? "/usr/lib/litecoin/litecoind";
export const WALLET = "test";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface AddressInfo {
  address: string;
  /** scriptPubKey hex. */
  script: string;
}

export interface LitecoindNode {
  rpcPort: number;
  /** RPC URL with credentials, no wallet path. */
  url: string;
  user: string;
  password: string;
  /** Node-level RPC (no wallet). */
  rpc: BitcoindRpc;
  /** The test wallet's RPC. */
  wallet: BitcoindRpc;
  /** Address of the wallet that receives mined coins. */
  minerAddress: string;
  /** Shorthand: node-level call. */
  call<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
  /** Wallet call. */
  walletCall<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
  newAddress(type: "bech32" | "legacy" | "p2sh-segwit"): Promise<AddressInfo>;
  mine(blocks?: number, address?: string): Promise<string[]>;
  /** Sends `amount` (a decimal string, e.g. "0.12345678") from the wallet; returns the txid. */
  send(address: string, amount: string, options?: { replaceable?: boolean }): Promise<string>;
  height(): Promise<number>;
  /** Stops the node process (keeping the datadir) and waits for it to exit. */
  stopNode(): Promise<void>;
  /** Starts the node again on the same ports and datadir (with `extraArgs` this time) and reloads the test wallet. */
  startNode(extraArgs?: string[]): Promise<void>;
  /** Stops the node and removes the datadir. */
  stop(): Promise<void>;
}

/** Till's environment for watching `node` through the bitcoind backend, polling every `pollIntervalMs`. */
export function litecoinTillEnv(node: { url: string }, pollIntervalMs = 100): Record<string, string> {
  return {
    TILL_CRYPTOS: "ltc",
    LTC_NETWORK: "regtest",
    LTC_BACKEND: "bitcoind",
    LTC_BITCOIND_URL: node.url,
    LTC_POLL_INTERVAL_MS: String(pollIntervalMs),
  };
}

export async function startLitecoind(
  options: { extraArgs?: string[]; initialBlocks?: number } = {},
): Promise<LitecoindNode> {
  if (!existsSync(LITECOIND)) throw new Error(`${LITECOIND} is missing: install Debian's litecoind (.ci/run does)`);
  const datadir = await mkdtemp(join(tmpdir(), "till-ltc-"));
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const user = "till";
  const password = randomBytes(12).toString("hex");
  const url = `http://${user}:${password}@127.0.0.1:${rpcPort}`;
  // One connection per request: the node's shutdown would otherwise wait for idle keep-alive connections to close.
  const rpc = new BitcoindRpc(url, { timeoutMs: 60_000, keepAlive: false });
  const wallet = new BitcoindRpc(`${url}/wallet/${WALLET}`, { timeoutMs: 60_000, keepAlive: false });
  // -bind cannot be combined with -listen=0: without listening, no P2P socket is opened at all.
  const args = [
    "-regtest",
    "-server",
    "-txindex=1",
    "-fallbackfee=0.0001",
    "-mempoolreplacement=1",
    "-rpcbind=127.0.0.1",
    "-rpcallowip=127.0.0.1",
    `-rpcport=${rpcPort}`,
    `-port=${p2pPort}`,
    "-dnsseed=0",
    "-upnp=0",
    "-listen=0",
    "-printtoconsole=0",
    // A small key pool makes createwallet fast (the default pre-generates 1,000 keys).
    "-keypool=20",
    `-datadir=${datadir}`,
    `-rpcuser=${user}`,
    `-rpcpassword=${password}`,
    ...(options.extraArgs ?? []),
  ];

  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (extraArgs: string[] = []) => {
    const proc = spawn(LITECOIND, [...args, ...extraArgs], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr?.on("data", (chunk) => {
      stderr += String(chunk);
    });
    let failed: Error | null = null;
    proc.once("error", (error) => {
      failed = error;
    });
    exited = new Promise((resolve) => proc.once("exit", () => resolve()));
    child = proc;
    await waitFor(
      async () => {
        if (failed) throw failed;
        if (proc.exitCode !== null) throw new Error(`litecoind exited with ${proc.exitCode}: ${stderr.trim()}`);
        await rpc.call("getblockchaininfo");
        return true;
      },
      "litecoind RPC",
      60_000,
    ).catch((error) => {
      if (proc.exitCode !== null || failed)
        throw new Error(`litecoind did not start: ${(failed as Error | null)?.message ?? stderr.trim()}`);
      throw error;
    });
  };

  const stopNode = async () => {
    if (!child || child.exitCode !== null) return;
    const proc = child;
    try {
      await rpc.call("stop");
    } catch {
      proc.kill("SIGTERM");
    }
    const timeout = setTimeout(() => proc.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(timeout);
    child = null;
  };

  let minerAddress: string;
  try {
    await launch();
    await rpc.call("createwallet", [WALLET]);
    minerAddress = await wallet.call<string>("getnewaddress", ["", "bech32"]);
    await rpc.call("generatetoaddress", [options.initialBlocks ?? 101, minerAddress]);
  } catch (error) {
    await stopNode().catch(() => undefined);
    await rm(datadir, { recursive: true, force: true });
    throw error;
  }

  const node: LitecoindNode = {
    rpcPort,
    url,
    user,
    password,
    rpc,
    wallet,
    minerAddress,
    call: (method, ...params) => rpc.call(method, params),
    walletCall: (method, ...params) => wallet.call(method, params),
    async newAddress(type) {
      const address = await wallet.call<string>("getnewaddress", ["", type]);
      const info = await wallet.call<{ scriptPubKey: string }>("getaddressinfo", [address]);
      return { address, script: info.scriptPubKey };
    },
    mine: (blocks = 1, address = minerAddress) => rpc.call<string[]>("generatetoaddress", [blocks, address]),
    async send(address, amount, sendOptions = {}) {
      // Core accepts amounts as decimal strings: no float on the way.
      decimalToBaseUnits(amount);
      return wallet.call<string>("sendtoaddress", [address, amount, "", "", false, sendOptions.replaceable === true]);
    },
    height: () => rpc.call<number>("getblockcount"),
    stopNode,
    async startNode(extraArgs = []) {
      await launch(extraArgs);
      await rpc.call("loadwallet", [WALLET]);
    },
    async stop() {
      await stopNode();
      await rm(datadir, { recursive: true, force: true });
    },
  };
  return node;
}

/** A ChainStateStore in memory (deep copies, as a database would). */
export class MemoryStateStore implements ChainStateStore {
  state: ChainState | null = null;
  saves = 0;

  async load(): Promise<ChainState | null> {
    return this.state ? structuredClone(this.state) : null;
  }

  async save(state: ChainState): Promise<void> {
    this.state = structuredClone(state);
    this.saves++;
  }
}

/** Records every event of a backend and waits for matching ones. */
export class EventLog {
  readonly events: ChainEvent[] = [];

  readonly listener = (event: ChainEvent) => {
    this.events.push(event);
  };

  /** Events concerning one transaction (as txid of seen/confirmed outputs, or replaced/orphaned). */
  forTxid(txid: string): ChainEvent[] {
    return this.events.filter((e) => ("output" in e ? e.output.txid === txid : "txid" in e && e.txid === txid));
  }

  async waitFor<E extends ChainEvent>(
    predicate: (event: ChainEvent) => event is E,
    what: string,
    timeoutMs?: number,
  ): Promise<E>;
  async waitFor(predicate: (event: ChainEvent) => boolean, what: string, timeoutMs?: number): Promise<ChainEvent>;
  async waitFor(predicate: (event: ChainEvent) => boolean, what: string, timeoutMs = 30_000): Promise<ChainEvent> {
    return waitFor(() => this.events.find(predicate), what, timeoutMs);
  }

  waitSeen(txid: string) {
    return this.waitFor(
      (e): e is Extract<ChainEvent, { type: "seen" }> => e.type === "seen" && e.output.txid === txid,
      `seen ${txid}`,
    );
  }

  waitConfirmed(txid: string, confirmations: number, after = 0) {
    return this.waitFor(
      (e): e is Extract<ChainEvent, { type: "confirmed" }> =>
        e.type === "confirmed" &&
        e.output.txid === txid &&
        e.confirmations === confirmations &&
        this.events.indexOf(e) >= after,
      `confirmed ${txid} ×${confirmations}`,
    );
  }

  waitTip(height: number, hash?: string) {
    return this.waitFor(
      (e): e is Extract<ChainEvent, { type: "tip" }> =>
        e.type === "tip" && e.height === height && (hash === undefined || e.hash === hash),
      `tip ${height}`,
    );
  }
}
