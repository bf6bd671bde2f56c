/**
 * An Electrum protocol (1.4) server for tests, answering from a real litecoind regtest node: real headers
 * (`getblockheader <hash> false`), real transactions (`getrawtransaction`), merkle branches computed from the block's
 * txids (`getblock <hash> 2`), script histories from an index built by polling the node's blocks and mempool.
 *
 * Several servers can share one NodeIndex. Each server can be told to misbehave: serve bad merkle proofs, serve
 * headers with bad proof of work or broken linkage, or drop connections after a number of requests; `suspend()`
 * cuts every connection and refuses new ones until `resume()`.
 */
import { createHash, scryptSync } from "node:crypto";
import { createServer as createNetServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { decodeTransaction } from "../../src/chains/bitcoin/bitcoind/tx-decoder.ts";
import type { LitecoindNode } from "./litecoind.ts";

interface IndexedTx {
  txid: string;
  /** Spent outpoints "txid:vout" (none for a coinbase). */
  inputs: string[];
  /** Output scripts (hex) in order. */
  outputs: string[];
}

interface IndexedBlock {
  height: number;
  hash: string;
  headerHex: string;
  txs: IndexedTx[];
}

export interface HistoryItem {
  tx_hash: string;
  height: number;
}

interface VerboseTx {
  txid: string;
  vin: { txid?: string; vout?: number; coinbase?: string }[];
  vout: { scriptPubKey: { hex: string } }[];
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest();
const dsha = (data: Buffer) => sha256(sha256(data));

export function electrumScriptHash(scriptHex: string): string {
  return Buffer.from(sha256(Buffer.from(scriptHex, "hex")))
    .reverse()
    .toString("hex");
}

export function electrumStatus(history: HistoryItem[]): string | null {
  if (history.length === 0) return null;
  return sha256(history.map((h) => `${h.tx_hash}:${h.height}:`).join("")).toString("hex");
}

function toIndexedTx(tx: VerboseTx): IndexedTx {
  return {
    txid: tx.txid,
    inputs: tx.vin.filter((i) => i.coinbase === undefined).map((i) => `${i.txid}:${i.vout}`),
    outputs: tx.vout.map((o) => o.scriptPubKey.hex),
  };
}

/** Polls a litecoind node and keeps the chain, the mempool and per-script histories the Electrum protocol needs. */
export class NodeIndex {
  chain: IndexedBlock[] = [];
  private mempool = new Map<string, { tx: IndexedTx; height: number }>();
  private readonly txCache = new Map<string, IndexedTx>();
  private histories = new Map<string, HistoryItem[]>();
  /** Outpoints spent by a transaction in the chain or the mempool. */
  private spent = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private polling: Promise<void> | null = null;
  /** Incremented on every change of chain or mempool. */
  version = 0;

  constructor(
    readonly node: LitecoindNode,
    private readonly pollIntervalMs = 50,
  ) {}

  async start(): Promise<void> {
    this.running = true;
    await this.poll();
    const loop = () => {
      if (!this.running) return;
      this.timer = setTimeout(() => {
        this.polling = this.poll()
          .catch(() => undefined)
          .finally(() => {
            this.polling = null;
            loop();
          });
      }, this.pollIntervalMs);
    };
    loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get tip(): IndexedBlock {
    return this.chain.at(-1)!;
  }

  history(scripthash: string): HistoryItem[] {
    return this.histories.get(scripthash) ?? [];
  }

  /** Waits until the index has seen the node's current best block and mempool. */
  async sync(): Promise<void> {
    await this.polling;
    await this.poll();
  }

  private async poll(): Promise<void> {
    const rpc = this.node.rpc;
    let changed = false;
    const best = await rpc.call<string>("getbestblockhash");
    if (best !== this.chain.at(-1)?.hash) {
      const fresh: IndexedBlock[] = [];
      let hash: string | undefined = best;
      while (hash) {
        const info: { height: number; previousblockhash?: string } = await rpc.call("getblockheader", [hash, true]);
        if (this.chain[info.height]?.hash === hash) break;
        const block = await rpc.call<{ tx: VerboseTx[] }>("getblock", [hash, 2]);
        const headerHex = await rpc.call<string>("getblockheader", [hash, false]);
        fresh.unshift({ height: info.height, hash, headerHex, txs: block.tx.map(toIndexedTx) });
        hash = info.previousblockhash;
      }
      if (fresh.length > 0) {
        this.chain = [...this.chain.slice(0, fresh[0]!.height), ...fresh];
      } else {
        const height = (await rpc.call<{ height: number }>("getblockheader", [best, true])).height;
        this.chain = this.chain.slice(0, height + 1);
      }
      changed = true;
    }
    const entries = await rpc.call<Record<string, { depends: string[] }>>("getrawmempool", [true]);
    const mempool = new Map<string, { tx: IndexedTx; height: number }>();
    for (const [txid, entry] of Object.entries(entries)) {
      let tx = this.txCache.get(txid);
      if (!tx) {
        try {
          tx = toIndexedTx(await rpc.call<VerboseTx>("getrawtransaction", [txid, true]));
        } catch {
          continue; // left the mempool meanwhile
        }
        this.txCache.set(txid, tx);
      }
      mempool.set(txid, { tx, height: entry.depends.length > 0 ? -1 : 0 });
    }
    const sameMempool =
      mempool.size === this.mempool.size &&
      [...mempool].every(([txid, e]) => this.mempool.get(txid)?.height === e.height);
    if (!sameMempool) changed = true;
    this.mempool = mempool;
    if (!changed) return;
    this.rebuildHistories();
    this.version++;
    for (const listener of [...this.listeners]) listener();
  }

  private rebuildHistories(): void {
    const funding = new Map<string, string>();
    const histories = new Map<string, HistoryItem[]>();
    const add = (tx: IndexedTx, height: number) => {
      const touched = new Set<string>();
      for (const input of tx.inputs) {
        const sh = funding.get(input);
        if (sh) touched.add(sh);
      }
      for (const sh of touched) {
        const list = histories.get(sh) ?? [];
        list.push({ tx_hash: tx.txid, height });
        histories.set(sh, list);
      }
    };
    const fund = (tx: IndexedTx) => {
      tx.outputs.forEach((script, vout) => {
        funding.set(`${tx.txid}:${vout}`, electrumScriptHash(script));
      });
    };
    const addOutputs = (tx: IndexedTx, height: number) => {
      const seen = new Set<string>();
      for (const script of tx.outputs) {
        const sh = electrumScriptHash(script);
        if (seen.has(sh)) continue;
        seen.add(sh);
        const list = histories.get(sh) ?? [];
        if (!list.some((h) => h.tx_hash === tx.txid)) list.push({ tx_hash: tx.txid, height });
        histories.set(sh, list);
      }
    };
    for (const block of this.chain) {
      for (const tx of block.txs) {
        add(tx, block.height);
        fund(tx);
        addOutputs(tx, block.height);
      }
    }
    const pool = [...this.mempool.values()].sort((a, b) => (a.tx.txid < b.tx.txid ? -1 : 1));
    for (const { tx } of pool) fund(tx);
    for (const { tx, height } of pool) {
      add(tx, height);
      addOutputs(tx, height);
    }
    this.histories = histories;
    this.spent = new Set([...this.chain.flatMap((b) => b.txs), ...pool.map((p) => p.tx)].flatMap((tx) => tx.inputs));
  }

  /** `blockchain.scripthash.listunspent`: outputs paying the script that nothing in the chain or mempool spends. */
  async listUnspent(scripthash: string): Promise<{ tx_hash: string; tx_pos: number; height: number; value: number }[]> {
    const out: { tx_hash: string; tx_pos: number; height: number; value: number }[] = [];
    for (const item of this.history(scripthash)) {
      const tx = decodeTransaction(await this.node.rpc.call<string>("getrawtransaction", [item.tx_hash, false]));
      tx.outputs.forEach((o, vout) => {
        if (electrumScriptHash(o.script) !== scripthash || this.spent.has(`${item.tx_hash}:${vout}`)) return;
        out.push({ tx_hash: item.tx_hash, tx_pos: vout, height: Math.max(item.height, 0), value: Number(o.value) });
      });
    }
    return out;
  }
}

export interface Misbehaviour {
  /** Every get_merkle answer carries a corrupted branch. */
  badMerkle?: boolean;
  /** Headers at or above `fromHeight` are corrupted: "pow" fails the proof of work, "linkage" breaks prevHash. */
  badHeaders?: { kind: "pow" | "linkage"; fromHeight: number };
  /** Close a connection (without answering) when it receives its N-th request. */
  dropAfterMessages?: number;
  /** How many connections to drop that way. Default: all. */
  dropConnections?: number;
  /** Answer blockchain.estimatefee with this JSON number literal instead of the node's estimate. */
  feeRateLiteral?: string;
  /** Announce a tip this many blocks below the node's (a lagging server). */
  lagBlocks?: number;
  /** Send script status notifications first and the new header this many milliseconds later. */
  delayHeaderMs?: number;
}

export interface ElectrumTestServerOptions {
  misbehave?: Misbehaviour;
  /** Serve TLS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

interface Connection {
  id: number;
  socket: Socket;
  requests: number;
  headersSubscribed: boolean;
  lastTip: string | null;
  subscriptions: Map<string, string | null>;
}

export interface LoggedRequest {
  connection: number;
  method: string;
  params: unknown[];
  /** Position among requests and sent header notifications (to tell their order). */
  seq: number;
}

/** Thrown by handlers to answer with a JSON-RPC error. */
class RpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class ElectrumTestServer {
  readonly requests: LoggedRequest[] = [];
  /** Header notifications sent, with their position among requests. */
  readonly headerNotifications: { height: number; seq: number }[] = [];
  private seq = 0;
  misbehave: Misbehaviour;
  /** Connections accepted so far (including refused ones while suspended). */
  accepted = 0;
  private readonly connections = new Set<Connection>();
  private dropped = 0;
  private suspended = false;
  private readonly corrupted = new Map<string, string>();
  /** Transactions this server pretends not to know (as if its mempool had lost them). */
  private readonly forgotten = new Set<string>();
  private readonly unsubscribe: () => void;
  private server!: Server;
  port = 0;

  private constructor(
    readonly index: NodeIndex,
    private readonly options: ElectrumTestServerOptions,
  ) {
    this.misbehave = options.misbehave ?? {};
    this.unsubscribe = index.onChange(() => this.notifyAll());
  }

  static async start(index: NodeIndex, options: ElectrumTestServerOptions = {}): Promise<ElectrumTestServer> {
    const server = new ElectrumTestServer(index, options);
    await server.listen();
    return server;
  }

  get url(): string {
    return `${this.options.tls ? "ssl" : "tcp"}://127.0.0.1:${this.port}`;
  }

  /** Requests received for `method`. */
  count(method: string): number {
    return this.requests.filter((r) => r.method === method).length;
  }

  get openConnections(): number {
    return this.connections.size;
  }

  /** Pretends not to know `txid` (left out of histories, unknown to transaction.get), or knows it again. */
  forget(txid: string, forgotten = true): void {
    if (forgotten) this.forgotten.add(txid);
    else this.forgotten.delete(txid);
    this.notifyAll();
  }

  private history(scripthash: string): HistoryItem[] {
    const items = this.index.history(scripthash);
    return this.forgotten.size === 0 ? items : items.filter((h) => !this.forgotten.has(h.tx_hash));
  }

  /** Cuts every connection and refuses new ones. */
  suspend(): void {
    this.suspended = true;
    for (const c of this.connections) c.socket.destroy();
    this.connections.clear();
  }

  resume(): void {
    this.suspended = false;
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    for (const c of this.connections) c.socket.destroy();
    this.connections.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const onSocket = (socket: Socket) => this.accept(socket);
    this.server = this.options.tls
      ? createTlsServer({ key: this.options.tls.key, cert: this.options.tls.cert }, onSocket)
      : createNetServer(onSocket);
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = this.server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
  }

  private accept(socket: Socket): void {
    this.accepted++;
    socket.on("error", () => undefined);
    if (this.suspended) {
      socket.destroy();
      return;
    }
    const connection: Connection = {
      id: this.accepted,
      socket,
      requests: 0,
      headersSubscribed: false,
      lastTip: null,
      subscriptions: new Map(),
    };
    this.connections.add(connection);
    socket.on("close", () => this.connections.delete(connection));
    socket.setEncoding("utf8");
    let buffer = "";
    // Requests of one connection are answered in order.
    let queue = Promise.resolve();
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
        if (line === "") continue;
        queue = queue.then(() => this.handle(connection, line));
      }
    });
  }

  private send(connection: Connection, text: string): void {
    if (!connection.socket.destroyed) connection.socket.write(`${text}\n`);
  }

  private async handle(connection: Connection, line: string): Promise<void> {
    if (connection.socket.destroyed) return;
    let request: { id?: unknown; method?: unknown; params?: unknown };
    try {
      request = JSON.parse(line);
    } catch {
      this.send(
        connection,
        JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } }),
      );
      return;
    }
    const method = String(request.method);
    const params = Array.isArray(request.params) ? request.params : [];
    connection.requests++;
    this.requests.push({ connection: connection.id, method, params, seq: this.seq++ });
    const m = this.misbehave;
    if (
      m.dropAfterMessages !== undefined &&
      connection.requests >= m.dropAfterMessages &&
      this.dropped < (m.dropConnections ?? Number.POSITIVE_INFINITY)
    ) {
      this.dropped++;
      connection.socket.destroy();
      return;
    }
    const id = request.id ?? null;
    try {
      if (method === "blockchain.estimatefee") {
        const literal = await this.feeRateLiteral(Number(params[0]));
        this.send(connection, `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${literal}}`);
        return;
      }
      const result = await this.dispatch(connection, method, params);
      this.send(connection, JSON.stringify({ jsonrpc: "2.0", id, result }));
    } catch (error) {
      const code = error instanceof RpcFailure ? error.code : 2;
      this.send(connection, JSON.stringify({ jsonrpc: "2.0", id, error: { code, message: (error as Error).message } }));
    }
  }

  private async feeRateLiteral(blocks: number): Promise<string> {
    if (this.misbehave.feeRateLiteral !== undefined) return this.misbehave.feeRateLiteral;
    const result = (await this.index.node.rpc.callExact("estimatesmartfee", [blocks])) as { feerate?: string };
    return typeof result.feerate === "string" ? result.feerate : "-1";
  }

  private header(height: number): string {
    const block = this.index.chain[height];
    if (!block) throw new RpcFailure(1, `height ${height} out of range`);
    const bad = this.misbehave.badHeaders;
    if (!bad || height < bad.fromHeight) return block.headerHex;
    const key = `${bad.kind}:${block.hash}`;
    let hex = this.corrupted.get(key);
    if (!hex) {
      hex = corruptHeader(block.headerHex, bad.kind);
      this.corrupted.set(key, hex);
    }
    return hex;
  }

  private tipHeader(): { hex: string; height: number; hash: string } {
    const height = Math.max(0, this.index.tip.height - (this.misbehave.lagBlocks ?? 0));
    return { hex: this.header(height), height, hash: this.index.chain[height]!.hash };
  }

  private notifyAll(): void {
    const { hash, ...tip } = this.tipHeader();
    for (const connection of this.connections) {
      if (connection.headersSubscribed && connection.lastTip !== hash) {
        connection.lastTip = hash;
        const notification = JSON.stringify({ jsonrpc: "2.0", method: "blockchain.headers.subscribe", params: [tip] });
        const sendIt = () => {
          this.headerNotifications.push({ height: tip.height, seq: this.seq++ });
          this.send(connection, notification);
        };
        const delay = this.misbehave.delayHeaderMs;
        if (delay === undefined) sendIt();
        else setTimeout(sendIt, delay);
      }
      for (const [sh, last] of connection.subscriptions) {
        const status = electrumStatus(this.history(sh));
        if (status === last) continue;
        connection.subscriptions.set(sh, status);
        this.send(
          connection,
          JSON.stringify({ jsonrpc: "2.0", method: "blockchain.scripthash.subscribe", params: [sh, status] }),
        );
      }
    }
  }

  private async dispatch(connection: Connection, method: string, params: unknown[]): Promise<unknown> {
    const rpc = this.index.node.rpc;
    switch (method) {
      case "server.version": {
        const wanted = params[1];
        const versions = Array.isArray(wanted) ? wanted.map(String) : [String(wanted ?? "1.4")];
        if (!versions.includes("1.4")) throw new RpcFailure(1, "unsupported protocol version");
        return ["ElectrumTestServer 1.0", "1.4"];
      }
      case "server.ping":
        return null;
      case "server.banner":
        return "Till test Electrum server";
      case "blockchain.headers.subscribe": {
        const { hash, ...tip } = this.tipHeader();
        connection.headersSubscribed = true;
        connection.lastTip = hash;
        return tip;
      }
      case "blockchain.block.header":
        return this.header(Number(params[0]));
      case "blockchain.block.headers": {
        const start = Number(params[0]);
        const wanted = Math.min(Number(params[1]), 2016);
        const end = Math.min(start + wanted, this.index.chain.length);
        let hex = "";
        for (let h = start; h < end; h++) hex += this.header(h);
        return { hex, count: Math.max(0, end - start), max: 2016 };
      }
      case "blockchain.scripthash.subscribe": {
        const sh = String(params[0]);
        const status = electrumStatus(this.history(sh));
        connection.subscriptions.set(sh, status);
        return status;
      }
      case "blockchain.scripthash.unsubscribe":
        return connection.subscriptions.delete(String(params[0]));
      case "blockchain.scripthash.get_history":
        return this.history(String(params[0]));
      case "blockchain.scripthash.listunspent":
        return this.index.listUnspent(String(params[0]));
      case "blockchain.transaction.get": {
        if (this.forgotten.has(String(params[0])))
          throw new RpcFailure(2, "daemon error: No such mempool or blockchain transaction");
        try {
          return await rpc.call<string>("getrawtransaction", [String(params[0]), false]);
        } catch (error) {
          throw new RpcFailure(2, `daemon error: ${(error as Error).message}`);
        }
      }
      case "blockchain.transaction.get_merkle": {
        const txid = String(params[0]);
        const height = Number(params[1]);
        const block = this.index.chain[height];
        const pos = block ? block.txs.findIndex((t) => t.txid === txid) : -1;
        if (!block || pos < 0) throw new RpcFailure(1, `tx ${txid} not in block at height ${height}`);
        const merkle = merkleBranch(
          block.txs.map((t) => t.txid),
          pos,
        );
        if (this.misbehave.badMerkle && merkle.length > 0) merkle[0] = flipLastHexDigit(merkle[0]!);
        return { block_height: height, merkle, pos };
      }
      case "blockchain.relayfee":
        return 0.00001;
      case "blockchain.transaction.broadcast": {
        try {
          return await rpc.call<string>("sendrawtransaction", [String(params[0])]);
        } catch (error) {
          throw new RpcFailure(1, `the transaction was rejected by network rules.\n\n${(error as Error).message}`);
        }
      }
      default:
        throw new RpcFailure(-32601, `unknown method "${method}"`);
    }
  }
}

function flipLastHexDigit(hex: string): string {
  return `${hex.slice(0, -1)}${hex.endsWith("0") ? "1" : "0"}`;
}

/** Merkle branch of the txid at `index` (display-hex hashes, leaves upwards). */
export function merkleBranch(txids: string[], index: number): string[] {
  let level: Buffer[] = txids.map((t) => Buffer.from(t, "hex").reverse());
  const branch: string[] = [];
  let i = index;
  while (level.length > 1) {
    if (level.length % 2 === 1) level.push(level.at(-1)!);
    branch.push(
      Buffer.from(level[i ^ 1]!)
        .reverse()
        .toString("hex"),
    );
    const next: Buffer[] = [];
    for (let j = 0; j < level.length; j += 2) next.push(dsha(Buffer.concat([level[j]!, level[j + 1]!])));
    level = next;
    i >>= 1;
  }
  return branch;
}

function scryptMeetsTarget(header: Buffer): boolean {
  const bits = header.readUInt32LE(72);
  const target = BigInt(bits & 0x007fffff) << BigInt(8 * ((bits >>> 24) - 3));
  const pow = BigInt(
    `0x${Buffer.from(scryptSync(header, header, 32, { N: 1024, r: 1, p: 1 }))
      .reverse()
      .toString("hex")}`,
  );
  return pow <= target;
}

/**
 * A corrupted copy of a regtest header. "pow": same fields but a nonce whose scrypt hash misses the target.
 * "linkage": prevHash altered and a nonce found that meets the target, so only the linkage is wrong.
 */
export function corruptHeader(hex: string, kind: "pow" | "linkage"): string {
  const header = Buffer.from(hex, "hex");
  if (kind === "linkage") header[4] = header[4]! ^ 0xff;
  const wantValid = kind === "linkage";
  const start = header.readUInt32LE(76);
  for (let i = 1; i < 1_000_000; i++) {
    header.writeUInt32LE((start + i) >>> 0, 76);
    if (scryptMeetsTarget(header) === wantValid) return header.toString("hex");
  }
  throw new Error("could not corrupt header");
}
