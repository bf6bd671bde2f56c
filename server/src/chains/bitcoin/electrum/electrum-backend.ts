/**
 * Chain backend over the Electrum protocol (SPV), as Bitcart does by default: one connection at a time to a list of
 * Electrum servers, block headers validated here (see header-chain.ts), one script-hash subscription per watched
 * script, and every confirmation proven by a merkle branch against a validated header before it counts.
 *
 * Servers: tried in order; on an error, a timeout or invalid data the backend fails over to the next one at once,
 * and after a full round of failures waits with exponential backoff. A server caught serving invalid data (a header
 * that fails validation, a merkle proof that does not match the block, a transaction that is not the one asked for,
 * malformed answers) is skipped for `banMs`; a server more than `maxServerLag` blocks behind, or on a branch with
 * less work, is left without being banned. After a reconnect the backend re-subscribes, catches up with the tip
 * and compares every script's status with the last one it processed, so payments made while it was disconnected are
 * found. Events are processed one notification at a time, in order, and listeners are awaited.
 *
 * Event semantics (as the bitcoind backend's):
 * - `seen` once per output: on first sight in the mempool (height null), or with its height once the block that
 *   holds it is proven. When the backend starts, every output in the history of the watched scripts is reported
 *   (`seen`, then `confirmed` with the count capped at maxConfirmations), except the transactions it was still
 *   following when it stopped (kept by the optional ChainStateStore, and checked for what happened to them
 *   meanwhile): delivery is at-least-once, keyed by (txid, vout).
 * - `confirmed` whenever the count changes (confirmations = validated tip − height + 1), up to maxConfirmations.
 * - `orphaned` for watched outputs of blocks disconnected by a reorganisation (the output is unconfirmed again and
 *   followed until re-mined or replaced).
 * - `replaced` when a tracked unconfirmed transaction leaves the script's history while another transaction spending
 *   one of its inputs appears (found in the watched scripts' histories, or in the history of the script its inputs
 *   spend), or when it vanished and the server no longer knows it (byTxid null). Descendants are replaced too.
 * - `tip` after each processed change of the validated best header.
 *
 * Trust: confirmations are proven (merkle branch + validated headers, most-work rule between branches). Mempool data
 * (`seen` with height null, `replaced`) cannot be proven by SPV and is as good as the server; a server can also
 * withhold transactions, which no single-server SPV client can detect. A transaction with unconfirmed inputs
 * (history height -1) is reported with `rbf` true: its parent may be replaceable and the protocol does not say.
 */
import type { Logger } from "../../../kernel/logger.ts";
import type { CoinDefinition } from "../../coins.ts";
import type {
  ChainBackend,
  ChainEvent,
  ChainListener,
  ChainState,
  ChainStateStore,
  FeeEstimate,
  ObservedOutput,
  ScriptHistoryItem,
  SyncInfo,
  TransactionStatus,
  UnspentOutput,
} from "../../ports.ts";
import { type DecodedTransaction, decodeTransaction, TxDecodeError } from "../bitcoind/tx-decoder.ts";
import { type ChainParams, chainParams } from "./chain-params.ts";
import {
  ElectrumClient,
  ElectrumConnectionError,
  ElectrumError,
  ElectrumProtocolError,
  ElectrumRpcError,
  ElectrumTimeoutError,
  parseServerAddress,
} from "./electrum-client.ts";
import { coinsPerKbToUnitsPerVbyte } from "./fee-rate.ts";
import {
  type BlockHeader,
  type ConnectResult,
  HeaderChain,
  HeaderValidationError,
  parseHeader,
  parseHeaders,
} from "./header-chain.ts";
import { historyStatus, MerkleProofError, merkleRootFromBranch, scriptHash } from "./merkle.ts";

export type BackendLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

export interface ElectrumBackendOptions {
  /** Electrum servers (`ssl://host:port`, `tcp://host:port`), tried in this order. */
  servers: readonly string[];
  /** Header validation parameters of the coin and network: `chainParams(symbol, network)`. */
  chain: ChainParams;
  /** Confirmation count after which an output stops being followed. Default 6. */
  maxConfirmations?: number;
  /** Recent headers kept for reorganisations. Default 200. */
  headerWindow?: number;
  /**
   * A fresh backend validates headers from the highest checkpoint when it lies at most this many blocks below the
   * tip; otherwise from `headerWindow` blocks below the tip (that first header is then taken on trust). Default
   * 50,000.
   */
  maxHeaderSync?: number;
  /** A server whose tip is more than this many blocks below the validated tip is left for another. Default 2. */
  maxServerLag?: number;
  /** Per-request timeout. Default 30 s. */
  requestTimeoutMs?: number;
  /** Connection and version negotiation timeout. Default 10 s. */
  connectTimeoutMs?: number;
  /** `server.ping` interval. Default 60 s. */
  pingIntervalMs?: number;
  /** Accept self-signed TLS certificates (nothing is pinned). Default true, as Electrum. */
  acceptSelfSigned?: boolean;
  /** First reconnection delay after a full round of failures; doubles up to maxBackoffMs. Default 1 s. */
  minBackoffMs?: number;
  /** Default 60 s. */
  maxBackoffMs?: number;
  /** How long a server that served invalid data is skipped. Default 1 hour. */
  banMs?: number;
  /**
   * Where the followed transactions are kept across restarts. With it, a restart does not announce them again,
   * and finds what happened to them meanwhile (replaced, or their block orphaned). Saved after every change.
   */
  stateStore?: ChainStateStore;
  /** Decimal places of the coin (fee rates come in coins per kB). Default 8. */
  decimals?: number;
  logger?: BackendLogger;
}

interface ScriptState {
  script: string;
  scripthash: string;
  /** Status of the last processed history; undefined until the first processing. */
  status: string | null | undefined;
  /** txid → height of the last processed history. */
  history: Map<string, number>;
}

interface TxRecord {
  txid: string;
  tx: DecodedTransaction;
  /** Its outputs paying watched scripts; height/blockHash are the proven ones. */
  outputs: ObservedOutput[];
  /** Vouts already announced with `seen`. */
  reported: Set<number>;
  /** Proven block (merkle branch checked against a validated header), or null. */
  height: number | null;
  blockHash: string | null;
  /** Height the server claims while its header is not validated yet (or, for non-payments, the last claim). */
  claimedHeight: number | null;
  /** Last count reported in a `confirmed` event. */
  confirmations: number;
  /** Reached maxConfirmations: no more events unless a reorganisation disconnects its block. */
  settled: boolean;
  /** Unconfirmed and gone from the history of its scripts; re-checked on each new tip. */
  absent: boolean;
  absentChecked: boolean;
  /** Restored from the state store: its transaction is known by inputs and watched outputs only until re-fetched. */
  restored: boolean;
  outputCount: number;
}

interface ServerEntry {
  url: string;
  bannedUntil: number;
}

/** One connection to a server, from connect to close, with the queue its notifications are processed in. */
interface Link {
  client: ElectrumClient;
  entry: ServerEntry;
  synced: boolean;
  ended: boolean;
  error: unknown;
  queue: Promise<void>;
  done: Promise<void>;
  resolveDone: () => void;
  /** Last tip header the server announced. */
  serverTip: BlockHeader | null;
}

/** The server follows another branch than the validated chain at some height (not a proof of lying). */
class ServerBranchError extends ElectrumError {
  constructor(message: string, server: string) {
    super(message, "protocol", server);
    this.name = "ServerBranchError";
  }
}

const silentLogger: BackendLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
} as unknown as BackendLogger;

const HASH_HEX = /^[0-9a-f]{64}$/;
const HEADERS_PER_REQUEST = 2016;
const FETCH_PARALLELISM = 16;
const outpointKey = (txid: string, vout: number) => `${txid}:${vout}`;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * An electrum backend for a coin definition: its default servers (unless a non-empty `servers` is given), its header
 * validation parameters (with `checkpoints` added) and its decimals.
 */
export function electrumBackendFor(
  coin: Pick<CoinDefinition, "symbol" | "network" | "electrumServers" | "divisibility">,
  options: Partial<Omit<ElectrumBackendOptions, "chain">> & { checkpoints?: Readonly<Record<number, string>> } = {},
): ElectrumBackend {
  const { checkpoints, ...rest } = options;
  const servers = rest.servers && rest.servers.length > 0 ? rest.servers : coin.electrumServers;
  if (servers.length === 0) throw new RangeError(`no Electrum servers configured for ${coin.symbol} ${coin.network}`);
  return new ElectrumBackend({
    decimals: coin.divisibility,
    ...rest,
    servers,
    chain: chainParams(coin.symbol, coin.network, checkpoints),
  });
}

function isBanWorthy(error: unknown): boolean {
  if (error instanceof ServerBranchError) return false;
  return (
    error instanceof ElectrumProtocolError ||
    error instanceof HeaderValidationError ||
    error instanceof MerkleProofError ||
    error instanceof TxDecodeError
  );
}

export class ElectrumBackend implements ChainBackend {
  readonly chain: HeaderChain;
  private readonly servers: ServerEntry[];
  private readonly maxConfirmations: number;
  private readonly maxHeaderSync: number;
  private readonly maxServerLag: number;
  private readonly requestTimeoutMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly banMs: number;
  private readonly decimals: number;
  private readonly log: BackendLogger;

  private readonly scripts = new Map<string, ScriptState>();
  private readonly byHash = new Map<string, ScriptState>();
  private readonly listeners = new Set<ChainListener>();
  private readonly txs = new Map<string, TxRecord>();
  /** Outpoint → txid of the followed unconfirmed transaction spending it. */
  private readonly spentBy = new Map<string, string>();
  /** Scripts whose history must be fetched again (after a reorganisation). */
  private readonly needsRefresh = new Set<string>();
  /** Headers below the window proven for old transactions. */
  private readonly deepHeaders = new Map<number, BlockHeader>();
  private readonly txCache = new Map<string, DecodedTransaction>();

  private restoredPending = false;
  private running = false;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private link: Link | null = null;
  private lastServer: string;
  private nextServer = 0;
  private consecutiveFailures = 0;
  private sleepTimer: NodeJS.Timeout | null = null;
  private wakeSleep: (() => void) | null = null;
  private readyWaiters: (() => void)[] = [];
  private startWaiter: (() => void) | null = null;

  constructor(private readonly options: ElectrumBackendOptions) {
    if (options.servers.length === 0) throw new RangeError("the electrum backend needs at least one server");
    this.servers = options.servers.map((url) => ({ url: parseServerAddress(url).url, bannedUntil: 0 }));
    this.lastServer = this.servers[0]!.url;
    this.chain = new HeaderChain(options.chain, { window: options.headerWindow ?? 200 });
    this.maxConfirmations = Math.max(1, options.maxConfirmations ?? 6);
    this.maxHeaderSync = options.maxHeaderSync ?? 50_000;
    this.maxServerLag = Math.max(0, options.maxServerLag ?? 2);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.minBackoffMs = options.minBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.banMs = options.banMs ?? 3_600_000;
    this.decimals = options.decimals ?? 8;
    this.log = options.logger ?? silentLogger;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // ChainBackend

  /**
   * Starts connecting. Resolves once a server is connected and caught up, or once every server failed once (the
   * backend keeps retrying in the background).
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    const started = new Promise<void>((resolve) => {
      this.startWaiter = resolve;
    });
    const state = this.options.stateStore ? await this.options.stateStore.load() : null;
    if (state) this.restore(state);
    this.loop = this.runLoop();
    await started;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.wakeSleep?.();
    const link = this.link;
    if (link) this.endLink(link, null);
    await this.loop;
    this.loop = null;
    this.running = false;
    this.resolveStart();
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w();
  }

  watch(scripts: readonly string[]): void {
    const added: ScriptState[] = [];
    for (const raw of scripts) {
      const script = raw.toLowerCase();
      if (!/^(?:[0-9a-f]{2})+$/.test(script))
        throw new TypeError(`script must be non-empty hex: ${JSON.stringify(raw)}`);
      if (this.scripts.has(script)) continue;
      const state: ScriptState = { script, scripthash: scriptHash(script), status: undefined, history: new Map() };
      this.scripts.set(script, state);
      this.byHash.set(state.scripthash, state);
      added.push(state);
    }
    const link = this.link;
    if (added.length > 0 && link && !link.ended) {
      this.enqueue(link, (events) => this.subscribeScripts(link, added, events));
    }
  }

  unwatch(scripts: readonly string[]): void {
    for (const raw of scripts) {
      const script = raw.toLowerCase();
      const state = this.scripts.get(script);
      if (!state) continue;
      this.scripts.delete(script);
      this.byHash.delete(state.scripthash);
      this.needsRefresh.delete(script);
      const link = this.link;
      if (link?.client.isOpen)
        link.client.request("blockchain.scripthash.unsubscribe", [state.scripthash]).catch(() => undefined);
      for (const rec of this.txs.values()) {
        const remaining = rec.outputs.filter((o) => o.script !== script);
        if (remaining.length === rec.outputs.length) continue;
        rec.outputs = remaining;
        if (remaining.length === 0) this.untrackInputs(rec);
      }
    }
  }

  onEvent(listener: ChainListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Every transaction of the script's history that pays it, with its outputs. Confirmed ones are proven (merkle
   * branch against a validated header) before they are returned; a transaction in a block the backend has not
   * validated yet is returned as unconfirmed.
   */
  async history(script: string): Promise<ScriptHistoryItem[]> {
    const hex = script.toLowerCase();
    if (!/^(?:[0-9a-f]{2})+$/.test(hex)) throw new TypeError("script must be non-empty hex");
    const s = await this.readyLink();
    return this.failOverOnLies(s, async () => {
      const items = this.checkHistory(
        s,
        await s.client.request("blockchain.scripthash.get_history", [scriptHash(hex)]),
      );
      const txs = await this.getTransactions(
        s,
        items.map((i) => i.tx_hash),
      );
      const out: ScriptHistoryItem[] = [];
      for (const item of items) {
        const tx = txs.get(item.tx_hash)!;
        let height: number | null = null;
        let blockHash: string | null = null;
        const tip = this.chain.tip;
        if (item.height > 0 && tip && item.height <= tip.height) {
          const header = await this.verifyInclusion(s, item.tx_hash, item.height);
          height = item.height;
          blockHash = header.hash;
        }
        const rbf = height === null && (tx.rbf || item.height < 0);
        const outputs: ObservedOutput[] = [];
        tx.outputs.forEach((o, vout) => {
          if (o.script === hex)
            outputs.push({ txid: item.tx_hash, vout, script: hex, amount: o.value, height, blockHash, rbf });
        });
        const spends = tx.inputs.map((input) => outpointKey(input.prevTxid, input.prevVout));
        out.push({ txid: item.tx_hash, height, outputs, spends });
      }
      return out.sort((a, b) => (a.height ?? Number.MAX_SAFE_INTEGER) - (b.height ?? Number.MAX_SAFE_INTEGER));
    });
  }

  /** `blockchain.estimatefee` (coins per kB), converted exactly to base units per vbyte; null when the server has none. */
  async estimateFee(targetBlocks: number): Promise<FeeEstimate> {
    const s = await this.readyLink();
    return this.failOverOnLies(s, () => this.requestFee(s, targetBlocks));
  }

  private async requestFee(s: Link, targetBlocks: number): Promise<FeeEstimate> {
    const result = await s.client.request<unknown>("blockchain.estimatefee", [targetBlocks], { exactNumbers: true });
    if (typeof result !== "string") throw s.client.protocolError("blockchain.estimatefee returned a non-number");
    let satPerVbyte: number | null;
    try {
      satPerVbyte = coinsPerKbToUnitsPerVbyte(result, this.decimals);
    } catch {
      throw s.client.protocolError(`blockchain.estimatefee returned ${result}`);
    }
    return { targetBlocks, satPerVbyte };
  }

  /** Broadcasts through the current server; its rejection comes back as an ElectrumRpcError. */
  async broadcast(rawTxHex: string): Promise<string> {
    const decoded = decodeTransaction(rawTxHex);
    const s = await this.readyLink();
    return this.failOverOnLies(s, () => this.requestBroadcast(s, rawTxHex, decoded));
  }

  private async requestBroadcast(s: Link, rawTxHex: string, decoded: DecodedTransaction): Promise<string> {
    let txid: unknown;
    try {
      txid = await s.client.request<unknown>("blockchain.transaction.broadcast", [rawTxHex]);
    } catch (error) {
      // A rejected rebroadcast of a transaction the server already has is a success (at-most-once sends rely on it).
      if (error instanceof ElectrumRpcError && !decoded.mweb && (await this.knows(s, decoded.txid)))
        return decoded.txid;
      throw error;
    }
    if (typeof txid !== "string" || !HASH_HEX.test(txid))
      throw s.client.protocolError("blockchain.transaction.broadcast returned no txid");
    if (!decoded.mweb && txid !== decoded.txid)
      throw s.client.protocolError(`broadcast returned txid ${txid}, the transaction is ${decoded.txid}`);
    return txid;
  }

  private async knows(s: Link, txid: string): Promise<boolean> {
    this.txCache.delete(txid);
    try {
      await this.getTransactions(s, [txid]);
      return true;
    } catch (error) {
      if (error instanceof ElectrumRpcError) return false;
      throw error;
    }
  }

  /**
   * `blockchain.scripthash.listunspent` for each script; amounts and scripts are read from the transactions
   * themselves (checked against their txids), not taken from the server's list.
   */
  async listUnspent(scripts: readonly string[]): Promise<UnspentOutput[]> {
    const s = await this.readyLink();
    return this.failOverOnLies(s, async () => {
      const out: UnspentOutput[] = [];
      for (const script of scripts) {
        const hex = script.toLowerCase();
        const items = await s.client.request<unknown>("blockchain.scripthash.listunspent", [scriptHash(hex)]);
        if (!Array.isArray(items)) throw s.client.protocolError("listunspent did not return a list");
        const entries = items.map((item) => {
          const i = item as { tx_hash?: unknown; tx_pos?: unknown; height?: unknown };
          if (typeof i?.tx_hash !== "string" || !HASH_HEX.test(i.tx_hash) || !Number.isSafeInteger(i.tx_pos))
            throw s.client.protocolError("malformed listunspent entry");
          return { txid: i.tx_hash, vout: i.tx_pos as number, height: Number(i.height ?? 0) };
        });
        const txs = await this.getTransactions(
          s,
          entries.map((e) => e.txid),
        );
        for (const e of entries) {
          const output = txs.get(e.txid)!.outputs[e.vout];
          if (!output || output.script !== hex) throw s.client.protocolError(`${e.txid}:${e.vout} does not pay ${hex}`);
          out.push({
            txid: e.txid,
            vout: e.vout,
            script: hex,
            amount: output.value,
            height: e.height > 0 ? e.height : null,
          });
        }
      }
      return out;
    });
  }

  /**
   * Found through the history of the transaction's first output script; a confirmation is proven by its merkle
   * branch. A transaction the server does not know is `replaced` when one of its inputs is no longer unspent.
   */
  async transactionStatus(txid: string, rawTxHex?: string): Promise<TransactionStatus> {
    const s = await this.readyLink();
    return this.failOverOnLies(s, async () => {
      let tx: DecodedTransaction | undefined;
      // Asked afresh: a cached copy would hide that the server no longer has it (replaced, dropped).
      this.txCache.delete(txid);
      try {
        tx = (await this.getTransactions(s, [txid])).get(txid);
      } catch (error) {
        if (!(error instanceof ElectrumRpcError)) throw error;
      }
      if (tx && tx.outputs.length > 0) {
        const items = this.checkHistory(
          s,
          await s.client.request("blockchain.scripthash.get_history", [scriptHash(tx.outputs[0]!.script)]),
        );
        const item = items.find((i) => i.tx_hash === txid);
        const tip = this.chain.tip;
        if (item && item.height > 0 && tip && item.height <= tip.height) {
          const header = await this.verifyInclusion(s, txid, item.height);
          return {
            state: "confirmed",
            confirmations: tip.height - item.height + 1,
            height: item.height,
            blockHash: header.hash,
          };
        }
        // Known to the server but not (yet) in the history it indexed: unconfirmed, never "replaced".
        return { state: "mempool" };
      }
      if (tx) return { state: "mempool" };
      if (!rawTxHex) return { state: "missing" };
      for (const input of decodeTransaction(rawTxHex).inputs) {
        const parent = (await this.getTransactions(s, [input.prevTxid])).get(input.prevTxid)!;
        const script = parent.outputs[input.prevVout]?.script;
        if (!script) continue;
        const unspent = await s.client.request<unknown>("blockchain.scripthash.listunspent", [scriptHash(script)]);
        const list = Array.isArray(unspent) ? (unspent as { tx_hash?: string; tx_pos?: number }[]) : [];
        if (!list.some((u) => u.tx_hash === input.prevTxid && u.tx_pos === input.prevVout))
          return { state: "replaced" };
      }
      return { state: "missing" };
    });
  }

  /** Runs a request of the public API; a server caught serving invalid data is dropped (and failed over). */
  private async failOverOnLies<T>(s: Link, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isBanWorthy(error)) this.endLink(s, error);
      throw error;
    }
  }

  syncInfo(): SyncInfo {
    const s = this.link;
    const tip = this.chain.tip;
    const connected = !!s && !s.ended && s.client.isOpen;
    return {
      backend: "electrum",
      server: s?.entry.url ?? this.lastServer,
      connected,
      height: tip?.height ?? null,
      synchronized: connected && s.synced && tip !== null && s.serverTip?.hash === tip.hash,
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Connection loop

  private async runLoop(): Promise<void> {
    while (!this.stopping) {
      const entry = this.pickServer();
      const delay = this.backoffDelay();
      if (delay > 0) {
        await this.sleep(delay);
        if (this.stopping) break;
      }
      await this.runLink(entry);
    }
  }

  private pickServer(): ServerEntry {
    const now = Date.now();
    const n = this.servers.length;
    for (let i = 0; i < n; i++) {
      const index = (this.nextServer + i) % n;
      const entry = this.servers[index]!;
      if (entry.bannedUntil <= now) {
        this.nextServer = (index + 1) % n;
        return entry;
      }
    }
    // Every server is banned: the one whose ban ends first (all its data is still verified).
    const entry = [...this.servers].sort((a, b) => a.bannedUntil - b.bannedUntil)[0]!;
    this.nextServer = (this.servers.indexOf(entry) + 1) % n;
    return entry;
  }

  private backoffDelay(): number {
    const failures = this.consecutiveFailures;
    if (failures < this.servers.length) return 0;
    return Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.min(failures - this.servers.length, 20));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeSleep = () => {
        this.wakeSleep = null;
        resolve();
      };
      this.sleepTimer = setTimeout(() => {
        this.sleepTimer = null;
        this.wakeSleep?.();
      }, ms);
    });
  }

  private async runLink(entry: ServerEntry): Promise<void> {
    const client = new ElectrumClient(entry.url, {
      timeoutMs: this.requestTimeoutMs,
      connectTimeoutMs: this.options.connectTimeoutMs,
      pingIntervalMs: this.options.pingIntervalMs,
      acceptSelfSigned: this.options.acceptSelfSigned,
    });
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const s: Link = {
      client,
      entry,
      synced: false,
      ended: false,
      error: null,
      queue: Promise.resolve(),
      done,
      resolveDone,
      serverTip: null,
    };
    this.link = s;
    this.lastServer = entry.url;
    try {
      await client.connect();
    } catch (error) {
      this.endLink(s, error);
    }
    if (!s.ended) {
      client.onClose((error) =>
        this.endLink(s, error ?? new ElectrumConnectionError(`connection to ${entry.url} closed`, entry.url)),
      );
      client.onNotification((method, params) => this.onNotification(s, method, params));
      if (!client.isOpen)
        this.endLink(s, client.error ?? new ElectrumConnectionError(`connection to ${entry.url} closed`, entry.url));
      this.enqueue(s, async (events) => {
        await this.initLink(s, events);
        s.synced = true;
        this.consecutiveFailures = 0;
        this.log.info({ server: entry.url, height: this.chain.tip?.height }, "electrum backend connected");
      });
      s.queue.then(() => {
        if (s.synced) this.onReady();
      });
    }
    await s.done;
    await s.queue;
    this.link = null;
    if (this.stopping && s.error === null) return;
    this.consecutiveFailures++;
    const error = s.error;
    if (isBanWorthy(error)) {
      entry.bannedUntil = Date.now() + this.banMs;
      this.log.warn(
        { server: entry.url, err: message(error) },
        "electrum server served invalid data; switching servers",
      );
    } else if (!this.stopping) {
      this.log.warn({ server: entry.url, err: message(error) }, "electrum server connection lost; switching servers");
    }
    if (this.consecutiveFailures >= this.servers.length) this.resolveStart();
  }

  private endLink(s: Link, error: unknown): void {
    if (s.ended) return;
    s.ended = true;
    s.error = error;
    if (error instanceof ElectrumError) s.client.fail(error);
    else if (error === null) void s.client.close();
    else s.client.fail(new ElectrumProtocolError(message(error), s.entry.url));
    s.resolveDone();
  }

  private onReady(): void {
    this.resolveStart();
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w();
  }

  private resolveStart(): void {
    const waiter = this.startWaiter;
    this.startWaiter = null;
    waiter?.();
  }

  /** The current server connection once it is caught up; waits up to the request timeout for one. */
  private async readyLink(): Promise<Link> {
    const current = this.link;
    if (current?.synced && !current.ended) return current;
    if (this.running && !this.stopping) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.readyWaiters.push(resolve);
        timer = setTimeout(resolve, this.requestTimeoutMs);
      });
      clearTimeout(timer);
      const s = this.link;
      if (s?.synced && !s.ended) return s;
    }
    throw new ElectrumConnectionError("not connected to any Electrum server", this.lastServer);
  }

  private enqueue(s: Link, work: (events: ChainEvent[]) => Promise<void>): void {
    s.queue = s.queue.then(async () => {
      if (s.ended) return;
      try {
        await this.runTask(s, work);
      } catch (error) {
        this.endLink(s, error);
      }
    });
  }

  /** Runs one unit of work; the events it produced (and confirmations and tip) are emitted even if it fails midway. */
  private async runTask(s: Link, work: (events: ChainEvent[]) => Promise<void>): Promise<void> {
    const events: ChainEvent[] = [];
    const before = this.chain.tip?.hash ?? null;
    try {
      await work(events);
      await this.settle(s, events, before);
    } finally {
      this.collectConfirmations(events);
      const tip = this.chain.tip;
      if (tip && tip.hash !== before) events.push({ type: "tip", height: tip.height, hash: tip.hash });
      this.prune();
      await this.emit(events);
      if (events.length > 0) await this.persist();
    }
  }

  /** After a change: histories to fetch again, claimed confirmations whose header arrived, absent transactions. */
  private async settle(s: Link, events: ChainEvent[], tipBefore: string | null): Promise<void> {
    // Proving a claimed confirmation may process a reorganisation, which asks for histories again: a few rounds.
    for (let round = 0; round < 10; round++) {
      const scripts = [...this.needsRefresh];
      this.needsRefresh.clear();
      for (const script of scripts) {
        const state = this.scripts.get(script);
        if (state) await this.refreshScript(s, state, events);
      }
      const tip = this.chain.tip;
      if (!tip) return;
      for (const rec of [...this.txs.values()]) {
        const claim = rec.claimedHeight;
        if (rec.height !== null || claim === null || claim > tip.height || rec.outputs.length === 0) continue;
        if (!this.txs.has(rec.txid)) continue;
        await this.confirmRecord(s, rec, claim, events);
        if (rec.height !== null) this.reportSeen(rec, events);
      }
      if (this.needsRefresh.size === 0) break;
    }
    const tip = this.chain.tip;
    if (tip && tip.hash !== tipBefore) {
      for (const rec of [...this.txs.values()]) {
        if (rec.absent && rec.height === null && this.txs.has(rec.txid)) {
          rec.absentChecked = false;
          await this.checkVanished(s, rec, events);
        }
      }
    }
  }

  private onNotification(s: Link, method: string, params: unknown[]): void {
    if (s.ended) return;
    if (method === "blockchain.headers.subscribe") {
      const announced = params[0];
      this.enqueue(s, async (events) => {
        await this.processTip(s, this.checkTipAnswer(s, announced), events);
      });
    } else if (method === "blockchain.scripthash.subscribe") {
      const [hash, status] = params;
      const state = typeof hash === "string" ? this.byHash.get(hash) : undefined;
      if (!state) return;
      this.enqueue(s, async (events) => {
        if (this.scripts.get(state.script) !== state) return;
        if (state.status !== undefined && state.status === status) return;
        await this.refreshScript(s, state, events);
      });
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Connection start

  private async initLink(s: Link, events: ChainEvent[]): Promise<void> {
    const tip = this.checkTipAnswer(s, await s.client.request("blockchain.headers.subscribe", []));
    await this.processTip(s, tip, events);
    if (this.restoredPending) await this.checkRestored(s, events);
    await this.subscribeScripts(s, [...this.scripts.values()], events);
  }

  private async subscribeScripts(s: Link, states: ScriptState[], events: ChainEvent[]): Promise<void> {
    for (let i = 0; i < states.length; i += 100) {
      const chunk = states.slice(i, i + 100);
      const statuses = await Promise.all(
        chunk.map((st) => s.client.request<unknown>("blockchain.scripthash.subscribe", [st.scripthash])),
      );
      for (let j = 0; j < chunk.length; j++) {
        const state = chunk[j]!;
        const status = statuses[j];
        if (status !== null && (typeof status !== "string" || !HASH_HEX.test(status)))
          throw s.client.protocolError("invalid script status");
        if (this.scripts.get(state.script) !== state) continue;
        if (state.status === undefined || state.status !== status) await this.refreshScript(s, state, events);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Headers

  private checkTipAnswer(s: Link, value: unknown): BlockHeader {
    const tip = value as { hex?: unknown; height?: unknown } | null;
    if (
      !tip ||
      typeof tip.hex !== "string" ||
      typeof tip.height !== "number" ||
      !Number.isSafeInteger(tip.height) ||
      tip.height < 0
    ) {
      throw s.client.protocolError("malformed header notification");
    }
    return parseHeader(tip.hex, tip.height);
  }

  private async fetchHeaders(s: Link, start: number, count: number): Promise<BlockHeader[]> {
    const out: BlockHeader[] = [];
    while (out.length < count) {
      const from = start + out.length;
      const wanted = Math.min(HEADERS_PER_REQUEST, count - out.length);
      const answer = await s.client.request<{ hex?: unknown; count?: unknown }>("blockchain.block.headers", [
        from,
        wanted,
      ]);
      const got = answer?.count;
      if (
        typeof got !== "number" ||
        !Number.isSafeInteger(got) ||
        got < 1 ||
        got > wanted ||
        typeof answer.hex !== "string"
      ) {
        throw s.client.protocolError(`blockchain.block.headers(${from}, ${wanted}) returned no usable headers`);
      }
      out.push(...parseHeaders(answer.hex, from, got));
    }
    return out;
  }

  /** Brings the validated chain up to the server's announced tip (extension or reorganisation). */
  private async processTip(s: Link, announced: BlockHeader, events: ChainEvent[]): Promise<void> {
    s.serverTip = announced;
    if (!this.chain.tip) {
      await this.initialHeaderSync(s, announced);
      return;
    }
    const tipHeight = this.chain.tip.height;
    if (announced.height + this.maxServerLag < tipHeight) {
      throw new ServerBranchError(
        `the server's tip ${announced.height} is behind the validated tip ${tipHeight}`,
        s.entry.url,
      );
    }
    try {
      await this.catchUp(s, announced, events);
    } catch (error) {
      // The server's chain may have moved between requests: retry once from its current tip before blaming it.
      if (!(error instanceof HeaderValidationError) || error.reason !== "linkage") throw error;
      const fresh = this.checkTipAnswer(s, await s.client.request("blockchain.headers.subscribe", []));
      s.serverTip = fresh;
      await this.catchUp(s, fresh, events);
    }
  }

  private async initialHeaderSync(s: Link, announced: BlockHeader): Promise<void> {
    const height = announced.height;
    let start = Math.max(0, height - this.chain.window + 1);
    let checkpoint: number | null = null;
    for (const h of this.options.chain.checkpoints.keys())
      if (h <= height && (checkpoint === null || h > checkpoint)) checkpoint = h;
    if (checkpoint !== null && checkpoint < start && height - checkpoint <= this.maxHeaderSync) start = checkpoint;
    if (checkpoint === null || checkpoint < start) {
      this.log.warn(
        { server: s.entry.url, from: start, height },
        "no checkpoint within reach: headers validated from a starting header taken on trust",
      );
    }
    for (let from = start; from <= height; from += HEADERS_PER_REQUEST) {
      const chunk = await this.fetchHeaders(s, from, Math.min(HEADERS_PER_REQUEST, height - from + 1));
      if (from === start) this.chain.reset(chunk);
      else if (!this.chain.connect(chunk).switched) throw s.client.protocolError("headers do not extend the chain");
    }
  }

  private async catchUp(s: Link, announced: BlockHeader, events: ChainEvent[]): Promise<void> {
    const tip = this.chain.tip!;
    if (this.chain.header(announced.height)?.hash === announced.hash) return; // known, or the server is behind
    if (announced.height === tip.height + 1 && announced.prevHash === tip.hash) {
      this.applyConnect(this.chain.connect([announced]), events, s);
      return;
    }
    const lowest = this.chain.lowest!;
    const server = new Map<number, BlockHeader>([[announced.height, announced]]);
    const load = async (from: number, to: number) => {
      let h = from;
      while (h <= to) {
        if (server.has(h)) {
          h++;
          continue;
        }
        let end = h;
        while (end < to && !server.has(end + 1)) end++;
        for (const header of await this.fetchHeaders(s, h, end - h + 1)) server.set(header.height, header);
        h = end + 1;
      }
    };
    let fork: number | null = null;
    if (announced.height > tip.height) {
      await load(tip.height + 1, announced.height);
      if (server.get(tip.height + 1)!.prevHash === tip.hash) fork = tip.height;
    }
    let hi = Math.min(tip.height, announced.height);
    let step = 8;
    while (fork === null) {
      const lo = Math.max(lowest, hi - step + 1);
      await load(lo, hi);
      for (let h = hi; h >= lo; h--) {
        if (server.get(h)!.hash === this.chain.header(h)!.hash) {
          fork = h;
          break;
        }
      }
      if (fork !== null) break;
      if (lo === lowest) {
        throw new HeaderValidationError(
          `the server's chain forks below the ${this.chain.window} kept headers`,
          lowest,
          "fork",
        );
      }
      hi = lo - 1;
      step *= 4;
    }
    if (fork === announced.height) return;
    await load(fork + 1, announced.height);
    const branch: BlockHeader[] = [];
    for (let h = fork + 1; h <= announced.height; h++) branch.push(server.get(h)!);
    this.applyConnect(this.chain.connect(branch), events, s);
  }

  private applyConnect(result: ConnectResult, events: ChainEvent[], s: Link): void {
    if (!result.switched) {
      this.log.info(
        { server: s.entry.url, fork: result.forkHeight },
        "electrum server is on a branch with less work; staying on the validated chain",
      );
      return;
    }
    if (result.disconnected.length === 0) return;
    const fork = result.forkHeight;
    this.log.info({ from: fork + result.disconnected.length, to: fork, server: s.entry.url }, "chain reorganisation");
    for (const [height] of this.deepHeaders) if (height > fork) this.deepHeaders.delete(height);
    for (const rec of [...this.txs.values()]) {
      if (rec.claimedHeight !== null && rec.claimedHeight > fork) {
        rec.claimedHeight = null;
        for (const o of rec.outputs) this.needsRefresh.add(o.script);
      }
      if (rec.height === null || rec.height <= fork) continue;
      const height = rec.height;
      for (const o of rec.outputs) {
        if (rec.reported.has(o.vout))
          events.push({ type: "orphaned", txid: o.txid, vout: o.vout, script: o.script, height });
        o.height = null;
        o.blockHash = null;
        this.needsRefresh.add(o.script);
      }
      rec.height = null;
      rec.blockHash = null;
      rec.confirmations = 0;
      rec.settled = false;
      if (rec.tx.coinbase) {
        // A disconnected coinbase never comes back.
        this.untrackInputs(rec);
        this.txs.delete(rec.txid);
      } else {
        this.trackInputs(rec);
      }
    }
  }

  /** A validated header at `height`: from the window, or proven by linking older headers to a known hash. */
  private async headerAt(s: Link, height: number): Promise<BlockHeader> {
    const kept = this.chain.header(height) ?? this.deepHeaders.get(height);
    if (kept) return kept;
    let top = this.chain.knownHashFrom(height);
    if (top === undefined) throw new RangeError(`height ${height} is above the validated tip`);
    let expected = this.chain.hashAt(top)!;
    // Walk down in chunks from the nearest known hash, each chunk linking to the one above it.
    for (;;) {
      const from = Math.max(height, top - HEADERS_PER_REQUEST + 1);
      const headers = await this.fetchHeaders(s, from, top - from + 1);
      if (headers.at(-1)!.hash !== expected)
        throw new HeaderValidationError(`header at height ${top} is not the validated one`, top, "linkage");
      this.chain.verifyAncestors(headers, expected);
      if (from === height) {
        const header = headers[0]!;
        this.deepHeaders.set(height, header);
        if (this.deepHeaders.size > 1000) this.deepHeaders.delete(this.deepHeaders.keys().next().value!);
        return header;
      }
      expected = headers[0]!.prevHash;
      top = from - 1;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Scripts and transactions

  private checkHistory(s: Link, value: unknown): { tx_hash: string; height: number }[] {
    if (!Array.isArray(value)) throw s.client.protocolError("get_history did not return a list");
    const seen = new Set<string>();
    return value.map((item) => {
      const i = item as { tx_hash?: unknown; height?: unknown };
      if (
        typeof i?.tx_hash !== "string" ||
        !HASH_HEX.test(i.tx_hash) ||
        typeof i.height !== "number" ||
        !Number.isSafeInteger(i.height) ||
        i.height < -1
      ) {
        throw s.client.protocolError("malformed history entry");
      }
      if (seen.has(i.tx_hash)) throw s.client.protocolError(`history lists ${i.tx_hash} twice`);
      seen.add(i.tx_hash);
      return { tx_hash: i.tx_hash, height: i.height };
    });
  }

  /** Raw transactions by txid (cached), each checked to hash to the txid asked for. */
  private async getTransactions(s: Link, txids: string[]): Promise<Map<string, DecodedTransaction>> {
    const out = new Map<string, DecodedTransaction>();
    const missing: string[] = [];
    for (const txid of txids) {
      const cached = this.txCache.get(txid);
      if (cached) out.set(txid, cached);
      else missing.push(txid);
    }
    for (let i = 0; i < missing.length; i += FETCH_PARALLELISM) {
      const chunk = missing.slice(i, i + FETCH_PARALLELISM);
      const raws = await Promise.all(
        chunk.map((txid) => s.client.request<unknown>("blockchain.transaction.get", [txid])),
      );
      chunk.forEach((txid, j) => {
        const raw = raws[j];
        if (typeof raw !== "string")
          throw s.client.protocolError(`blockchain.transaction.get(${txid}) returned no hex`);
        let tx: DecodedTransaction;
        try {
          tx = decodeTransaction(raw);
        } catch (error) {
          throw s.client.protocolError(`transaction ${txid} does not decode: ${message(error)}`);
        }
        if (!tx.mweb && tx.txid !== txid) throw s.client.protocolError(`asked for transaction ${txid}, got ${tx.txid}`);
        out.set(txid, tx);
        this.txCache.set(txid, tx);
        if (this.txCache.size > 2000) this.txCache.delete(this.txCache.keys().next().value!);
      });
    }
    return out;
  }

  private async refreshScript(s: Link, state: ScriptState, events: ChainEvent[]): Promise<void> {
    const items = this.checkHistory(s, await s.client.request("blockchain.scripthash.get_history", [state.scripthash]));
    if (this.scripts.get(state.script) !== state) return;
    const previous = state.history;
    // Transactions not known yet (a txid of the previous history without a record was pruned: old and settled).
    const unknown = items.filter((i) => !this.txs.has(i.tx_hash) && !previous.has(i.tx_hash)).map((i) => i.tx_hash);
    const fetched = await this.getTransactions(s, unknown);
    const restored = items.filter((i) => this.txs.get(i.tx_hash)?.restored).map((i) => i.tx_hash);
    if (restored.length > 0) {
      const full = await this.getTransactions(s, restored);
      for (const txid of restored) {
        const rec = this.txs.get(txid);
        if (!rec) continue;
        rec.tx = full.get(txid)!;
        rec.outputCount = rec.tx.outputs.length;
        rec.restored = false;
      }
    }
    for (const txid of unknown) {
      const tx = fetched.get(txid)!;
      const rec: TxRecord = {
        txid,
        tx,
        outputs: [],
        reported: new Set(),
        height: null,
        blockHash: null,
        claimedHeight: null,
        confirmations: 0,
        settled: false,
        absent: false,
        absentChecked: false,
        restored: false,
        outputCount: tx.outputs.length,
      };
      this.txs.set(txid, rec);
    }
    // Conflicts first: a new transaction spending an input of a followed unconfirmed one replaces it.
    for (const item of items) {
      if (previous.has(item.tx_hash)) continue;
      const rec = this.txs.get(item.tx_hash);
      if (rec) this.detectConflicts(rec, events);
    }
    for (const item of items) {
      const rec = this.txs.get(item.tx_hash);
      if (!rec) continue;
      rec.absent = false;
      this.addWatchedOutputs(rec);
      if (rec.outputs.length === 0) {
        rec.claimedHeight = item.height > 0 ? item.height : null;
        continue;
      }
      if (item.height > 0) {
        if (rec.height !== item.height) await this.confirmRecord(s, rec, item.height, events);
        if (rec.height === null) continue; // its block is not validated yet: reported once it is
      } else if (rec.height !== null) {
        continue; // proven in a block of the validated chain: the server lags behind
      } else {
        rec.claimedHeight = null;
        if (item.height < 0) for (const o of rec.outputs) o.rbf = true;
      }
      if (!rec.settled) this.trackInputs(rec);
      this.reportSeen(rec, events);
    }
    // Transactions replaced meanwhile are left out, so that they count as new if they come back.
    const current = new Map(
      items.filter((i) => this.txs.has(i.tx_hash) || previous.has(i.tx_hash)).map((i) => [i.tx_hash, i.height]),
    );
    for (const txid of previous.keys()) {
      if (current.has(txid)) continue;
      const rec = this.txs.get(txid);
      if (
        !rec ||
        rec.height !== null ||
        rec.outputs.length === 0 ||
        !rec.outputs.some((o) => o.script === state.script)
      )
        continue;
      rec.absent = true;
      rec.absentChecked = false;
      await this.checkVanished(s, rec, events);
    }
    state.history = current;
    state.status = historyStatus(items);
  }

  /** Proves that `txid` is in the validated block at `height`; returns that header. */
  private async verifyInclusion(s: Link, txid: string, height: number): Promise<BlockHeader> {
    const header = await this.headerAt(s, height);
    const proof = await s.client.request<{ merkle?: unknown; pos?: unknown; block_height?: unknown }>(
      "blockchain.transaction.get_merkle",
      [txid, height],
    );
    if (
      !proof ||
      !Array.isArray(proof.merkle) ||
      typeof proof.pos !== "number" ||
      (proof.block_height !== undefined && proof.block_height !== height)
    ) {
      throw s.client.protocolError(`malformed merkle proof for ${txid}`);
    }
    let root: string;
    try {
      root = merkleRootFromBranch(txid, proof.merkle as string[], proof.pos);
    } catch (error) {
      throw s.client.protocolError(`invalid merkle proof for ${txid}: ${message(error)}`);
    }
    if (root === header.merkleRoot) return header;
    const served = parseHeader(await s.client.request<string>("blockchain.block.header", [height]), height);
    if (served.hash === header.hash) {
      throw s.client.protocolError(
        `merkle proof for ${txid} does not lead to the merkle root of block ${header.hash} at height ${height}`,
      );
    }
    throw new ServerBranchError(
      `the server has block ${served.hash} at height ${height}, the validated chain ${header.hash}`,
      s.entry.url,
    );
  }

  /** Proves a claimed confirmation, or keeps the claim until the header at that height is validated. */
  private async confirmRecord(s: Link, rec: TxRecord, height: number, events: ChainEvent[]): Promise<void> {
    const tip = this.chain.tip!;
    if (height > tip.height) {
      rec.claimedHeight = height;
      return;
    }
    let header: BlockHeader;
    try {
      header = await this.verifyInclusion(s, rec.txid, height);
    } catch (error) {
      if (!(error instanceof ServerBranchError)) throw error;
      // The server saw a reorganisation the backend has not processed yet: catch up with it, then try again.
      await this.processTip(
        s,
        this.checkTipAnswer(s, await s.client.request("blockchain.headers.subscribe", [])),
        events,
      );
      if (height > this.chain.tip!.height) {
        rec.claimedHeight = height;
        return;
      }
      header = await this.verifyInclusion(s, rec.txid, height);
    }
    if (!this.txs.has(rec.txid)) return;
    rec.height = height;
    rec.blockHash = header.hash;
    rec.claimedHeight = null;
    rec.absent = false;
    for (const o of rec.outputs) {
      o.height = height;
      o.blockHash = header.hash;
      o.rbf = false;
    }
  }

  private addWatchedOutputs(rec: TxRecord): void {
    rec.tx.outputs.forEach((out, vout) => {
      if (!this.scripts.has(out.script) || rec.outputs.some((o) => o.vout === vout)) return;
      rec.outputs.push({
        txid: rec.txid,
        vout,
        script: out.script,
        amount: out.value,
        height: rec.height,
        blockHash: rec.blockHash,
        rbf: rec.height === null && rec.tx.rbf,
      });
    });
    rec.outputs.sort((a, b) => a.vout - b.vout);
  }

  private reportSeen(rec: TxRecord, events: ChainEvent[]): void {
    for (const o of rec.outputs) {
      if (rec.reported.has(o.vout)) continue;
      rec.reported.add(o.vout);
      events.push({ type: "seen", output: { ...o } });
    }
  }

  private trackInputs(rec: TxRecord): void {
    if (rec.tx.coinbase) return;
    for (const input of rec.tx.inputs) this.spentBy.set(outpointKey(input.prevTxid, input.prevVout), rec.txid);
  }

  private untrackInputs(rec: TxRecord): void {
    for (const input of rec.tx.inputs) {
      const key = outpointKey(input.prevTxid, input.prevVout);
      if (this.spentBy.get(key) === rec.txid) this.spentBy.delete(key);
    }
  }

  private detectConflicts(rec: TxRecord, events: ChainEvent[]): void {
    if (rec.tx.coinbase) return;
    for (const input of rec.tx.inputs) {
      const owner = this.spentBy.get(outpointKey(input.prevTxid, input.prevVout));
      if (owner === undefined || owner === rec.txid) continue;
      const victim = this.txs.get(owner);
      if (victim && victim.height === null) this.replace(victim, rec.txid, events);
    }
  }

  private replace(rec: TxRecord, byTxid: string | null, events: ChainEvent[]): void {
    if (this.txs.get(rec.txid) !== rec) return;
    this.txs.delete(rec.txid);
    this.untrackInputs(rec);
    // Forgotten from the histories too: if it shows up again (rebroadcast, mined after all), it is reported anew.
    for (const state of this.scripts.values()) state.history.delete(rec.txid);
    for (const o of rec.outputs) {
      if (rec.reported.has(o.vout))
        events.push({ type: "replaced", txid: rec.txid, vout: o.vout, script: o.script, byTxid });
    }
    for (let vout = 0; vout < rec.outputCount; vout++) {
      const child = this.spentBy.get(outpointKey(rec.txid, vout));
      const childRec = child === undefined ? undefined : this.txs.get(child);
      if (childRec && childRec.height === null) this.replace(childRec, null, events);
    }
  }

  /**
   * A followed unconfirmed transaction left its script's history. Looks for the transaction that spends one of its
   * inputs (in the history of the script that input spends); failing that, asks whether the server still knows it.
   */
  private async checkVanished(s: Link, rec: TxRecord, events: ChainEvent[]): Promise<void> {
    if (rec.absentChecked || rec.tx.coinbase || !this.txs.has(rec.txid)) return;
    rec.absentChecked = true;
    const tipHeight = this.chain.tip?.height ?? 0;
    for (const input of rec.tx.inputs.slice(0, 8)) {
      let parent: DecodedTransaction | undefined;
      try {
        parent = (await this.getTransactions(s, [input.prevTxid])).get(input.prevTxid);
      } catch (error) {
        if (error instanceof ElectrumRpcError) continue;
        throw error;
      }
      const script = parent?.outputs[input.prevVout]?.script;
      if (!script) continue;
      const history = this.checkHistory(
        s,
        await s.client.request("blockchain.scripthash.get_history", [scriptHash(script)]),
      );
      const candidates = history
        .filter(
          (i) =>
            i.tx_hash !== rec.txid &&
            i.tx_hash !== input.prevTxid &&
            (i.height <= 0 || i.height > tipHeight - this.maxConfirmations - 2),
        )
        .slice(-50);
      for (const candidate of candidates) {
        let tx: DecodedTransaction | undefined;
        try {
          tx = (await this.getTransactions(s, [candidate.tx_hash])).get(candidate.tx_hash);
        } catch (error) {
          if (error instanceof ElectrumRpcError) continue;
          throw error;
        }
        if (tx?.inputs.some((i) => i.prevTxid === input.prevTxid && i.prevVout === input.prevVout)) {
          this.replace(rec, candidate.tx_hash, events);
          return;
        }
      }
    }
    try {
      await s.client.request("blockchain.transaction.get", [rec.txid]);
      this.log.info({ txid: rec.txid }, "followed transaction left the script history but the server still knows it");
    } catch (error) {
      if (!(error instanceof ElectrumRpcError)) throw error;
      this.replace(rec, null, events);
    }
  }

  private collectConfirmations(events: ChainEvent[]): void {
    const tip = this.chain.tip;
    if (!tip) return;
    for (const rec of this.txs.values()) {
      if (rec.height === null || rec.settled || rec.outputs.length === 0) continue;
      const confirmations = Math.min(tip.height - rec.height + 1, this.maxConfirmations);
      if (confirmations < 1 || confirmations === rec.confirmations) continue;
      rec.confirmations = confirmations;
      for (const o of rec.outputs)
        if (rec.reported.has(o.vout)) events.push({ type: "confirmed", output: { ...o }, confirmations });
      if (confirmations >= this.maxConfirmations) {
        rec.settled = true;
        this.untrackInputs(rec);
      }
    }
  }

  /** Forgets records deeper than the kept headers (no reorganisation can reach them). */
  private prune(): void {
    const lowest = this.chain.lowest;
    if (lowest === null) return;
    for (const [txid, rec] of this.txs) {
      const deep =
        rec.outputs.length === 0
          ? rec.claimedHeight !== null && rec.claimedHeight < lowest
          : rec.settled && rec.height !== null && rec.height < lowest;
      if (deep) {
        this.untrackInputs(rec);
        this.txs.delete(txid);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Persistence

  /** Followed transactions from the store: already announced, their outputs keyed under their scripts' histories. */
  private restore(state: ChainState): void {
    for (const t of state.tracked) {
      if (this.txs.has(t.txid) || t.outputs.length === 0) continue;
      const inputs = t.inputs.map((key) => {
        const at = key.lastIndexOf(":");
        return { prevTxid: key.slice(0, at), prevVout: Number(key.slice(at + 1)), sequence: 0xffffffff };
      });
      const rbf = t.outputs.some((o) => o.rbf);
      const height = t.outputs[0]!.height;
      const rec: TxRecord = {
        txid: t.txid,
        tx: { txid: t.txid, inputs, outputs: [], rbf, coinbase: inputs.length === 0, mweb: false },
        outputs: t.outputs.map((o) => ({ ...o, script: o.script.toLowerCase() })),
        reported: new Set(t.outputs.map((o) => o.vout)),
        height,
        blockHash: t.outputs[0]!.blockHash,
        claimedHeight: null,
        confirmations: t.confirmations,
        settled: false,
        absent: false,
        absentChecked: false,
        restored: true,
        outputCount: t.outputCount,
      };
      this.txs.set(t.txid, rec);
      if (height === null) this.trackInputs(rec);
      for (const o of rec.outputs) this.scripts.get(o.script)?.history.set(t.txid, height ?? 0);
      this.restoredPending = true;
    }
  }

  /** Restored confirmations whose block is no longer in the validated chain are orphaned. */
  private async checkRestored(s: Link, events: ChainEvent[]): Promise<void> {
    const tip = this.chain.tip!;
    for (const rec of [...this.txs.values()]) {
      if (!rec.restored || rec.height === null) continue;
      const height = rec.height;
      const header = height <= tip.height ? await this.headerAt(s, height) : null;
      if (header?.hash === rec.blockHash) continue;
      for (const o of rec.outputs) {
        events.push({ type: "orphaned", txid: o.txid, vout: o.vout, script: o.script, height });
        o.height = null;
        o.blockHash = null;
        this.needsRefresh.add(o.script);
      }
      rec.height = null;
      rec.blockHash = null;
      rec.confirmations = 0;
      if (rec.tx.coinbase) this.txs.delete(rec.txid);
      else this.trackInputs(rec);
    }
    this.restoredPending = false;
  }

  private snapshot(): ChainState | null {
    const tip = this.chain.tip;
    if (!tip) return null;
    const recentHashes: string[] = [];
    const lowest = this.chain.lowest!;
    for (let h = Math.max(lowest, tip.height - 99); h <= tip.height; h++) recentHashes.push(this.chain.header(h)!.hash);
    const tracked = [...this.txs.values()]
      .filter((rec) => rec.outputs.length > 0 && !rec.settled && rec.reported.size > 0)
      .map((rec) => ({
        txid: rec.txid,
        inputs: rec.tx.inputs.map((i) => outpointKey(i.prevTxid, i.prevVout)),
        outputCount: rec.outputCount,
        outputs: rec.outputs.filter((o) => rec.reported.has(o.vout)).map((o) => ({ ...o })),
        confirmations: rec.confirmations,
      }));
    return { height: tip.height, hash: tip.hash, recentHashes, tracked };
  }

  private async persist(): Promise<void> {
    const store = this.options.stateStore;
    const state = store ? this.snapshot() : null;
    if (!store || !state) return;
    try {
      await store.save(state);
    } catch (error) {
      this.log.error({ err: message(error) }, "saving chain state failed; will retry after the next change");
    }
  }

  private async emit(events: ChainEvent[]): Promise<void> {
    for (const event of events) {
      for (const listener of [...this.listeners]) {
        try {
          await listener(event);
        } catch (error) {
          this.log.error({ err: message(error), event: event.type }, "chain event listener failed");
        }
      }
    }
  }
}

export { ElectrumConnectionError, ElectrumError, ElectrumProtocolError, ElectrumRpcError, ElectrumTimeoutError };
