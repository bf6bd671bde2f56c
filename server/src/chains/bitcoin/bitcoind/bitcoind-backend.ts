/**
 * Chain backend over Bitcoin Core (or Litecoin Core) JSON-RPC. Till scans blocks and the mempool itself against its
 * set of watched scripts; the node needs no wallet and no address index (`-txindex` only helps re-checks).
 *
 * Loop (every `pollIntervalMs`): blocks first (reorg-aware catch-up to the node's tip), then the mempool. Events are
 * delivered to listeners in order and awaited; progress is saved through the ChainStateStore after each block, so a
 * crash re-delivers at most the events of the block being processed (delivery is at-least-once, keyed by
 * (txid, vout)).
 *
 * Notes on the event semantics:
 * - `seen` is emitted once per output, on first sight (mempool or block). An output first seen in a block gets `seen`
 *   (with its height) followed by `confirmed` 1.
 * - `confirmed` is emitted whenever the count changes, up to `maxConfirmations`; the output is then no longer tracked.
 * - `orphaned` is emitted for watched outputs of a disconnected block; the output is unconfirmed again and is still
 *   tracked, so it gets `confirmed` again if re-mined, or `replaced` if a conflicting transaction wins.
 * - `replaced` is emitted when another transaction spends an input of a tracked unconfirmed transaction (RBF in the
 *   mempool, or a double-spend mined in a block), with the conflicting txid; descendants of a replaced transaction
 *   and transactions found conflicted by a re-check (inputs spent by a transaction never seen) get byTxid null.
 * - Scripts passed to watch() apply to transactions first seen after the call: a transaction already sitting in the
 *   mempool is found when it is mined. Call watch() with every script of interest before start() so the catch-up
 *   after a downtime sees them.
 */
import type { Logger } from "../../../kernel/logger.ts";
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
  TrackedTransaction,
  TransactionStatus,
  UnspentOutput,
} from "../../ports.ts";
import { decimalToBaseUnits } from "./exact-json.ts";
import { BitcoindRpc, BitcoindRpcError, RpcCodes } from "./rpc-client.ts";
import { type DecodedBlock, type DecodedTransaction, decodeBlock, decodeTransaction } from "./tx-decoder.ts";

export type BackendLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

export interface BitcoindBackendOptions {
  /** `http://user:password@host:port`, optionally with `/wallet/<name>` (no wallet is needed). */
  rpcUrl: string;
  /** How often tip and mempool are polled. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Confirmation count after which an output stops being tracked. Default 6. */
  maxConfirmations?: number;
  /** Where progress is kept across restarts. Without it, every start begins at the node's tip. */
  stateStore?: ChainStateStore;
  /** For a backend with no stored state: first block to scan. Default: start at the node's current tip. */
  startHeight?: number;
  /** Number of recent block hashes kept for reorg detection. Default 100. */
  recentBlocks?: number;
  /** Per-request RPC timeout. Default 30 s. */
  rpcTimeoutMs?: number;
  /** Reuse HTTP connections to the node. Default true. */
  rpcKeepAlive?: boolean;
  /** Timeout of `scantxoutset` (history), which reads the whole UTXO set. Default 10 min. */
  historyTimeoutMs?: number;
  /** Longest pause between retries while the node is unreachable. Default 30 s. */
  maxBackoffMs?: number;
  /**
   * Use `getrawmempool`'s mempool_sequence (Core ≥ 0.21) to skip unchanged mempools. Default: detected on first use;
   * false forces plain snapshots diffed against the previous one, as with older nodes.
   */
  mempoolSequence?: boolean;
  /** Mempool transactions fetched per batch request. Default 100. */
  mempoolBatchSize?: number;
  /** Decimal places of the coin's RPC amounts. Default 8 (BTC, LTC). */
  decimals?: number;
  logger?: BackendLogger;
}

interface Tracked extends TrackedTransaction {
  /** The transaction was found absent from the mempool and re-checked: nothing to do until it shows up again. */
  absentChecked: boolean;
  /** Coinbase transactions never return to the mempool: dropped when orphaned. */
  coinbase: boolean;
}

const silentLogger: BackendLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
} as unknown as BackendLogger;

const outpointKey = (txid: string, vout: number) => `${txid}:${vout}`;

interface BlockHeader {
  hash: string;
  height: number;
  /** -1 when the block is not on the node's active chain. */
  confirmations: number;
  previousblockhash?: string;
}

/** Core's answers for a transaction it already has: a repeated broadcast is a success. */
function isAlreadyKnown(error: BitcoindRpcError): boolean {
  if (error.code === RpcCodes.VERIFY_ALREADY_IN_CHAIN) return true;
  return error.code === RpcCodes.VERIFY_REJECTED && /already[- ](in[- ]mempool|known)/i.test(error.message);
}

/** The outputs of `tx` paying a script of `watched`: one Set lookup per output. */
export function findWatchedOutputs(
  tx: DecodedTransaction,
  watched: ReadonlySet<string>,
  height: number | null,
  blockHash: string | null,
  txid = tx.txid,
  rbf = tx.rbf,
): ObservedOutput[] {
  const found: ObservedOutput[] = [];
  const outputs = tx.outputs;
  for (let vout = 0; vout < outputs.length; vout++) {
    const out = outputs[vout]!;
    if (watched.has(out.script))
      found.push({ txid, vout, script: out.script, amount: out.value, height, blockHash, rbf });
  }
  return found;
}

export class BitcoindBackend implements ChainBackend {
  readonly rpc: BitcoindRpc;
  private readonly pollIntervalMs: number;
  private readonly maxConfirmations: number;
  private readonly recentBlocks: number;
  private readonly historyTimeoutMs: number;
  private readonly maxBackoffMs: number;
  private readonly mempoolBatchSize: number;
  private readonly decimals: number;
  private readonly log: BackendLogger;

  private readonly watched = new Set<string>();
  private readonly listeners = new Set<ChainListener>();
  /** Transactions paying watched scripts that are unconfirmed or not yet `maxConfirmations` deep. */
  private readonly tracked = new Map<string, Tracked>();
  /** Outpoint ("txid:vout") → tracked txid spending it. */
  private readonly spentBy = new Map<string, string>();

  /** Last processed block; null until the first successful contact with a fresh backend. */
  private tip: { height: number; hash: string } | null = null;
  /** Hashes of recent processed blocks, oldest first; the last one is the tip. */
  private recent: string[] = [];
  /** The block a fresh backend started at: never scanned, so a reorg of it orphans nothing it reported. */
  private unscannedHash: string | null = null;
  /** Txids of the node's mempool at the last poll. */
  private mempool = new Set<string>();
  private mempoolSequence: string | null = null;
  /** Whether `getrawmempool` accepts the mempool_sequence argument (detected on first use). */
  private mempoolSequenceSupported: boolean | null;

  private running = false;
  private stopping = false;
  private timer: NodeJS.Timeout | null = null;
  private cyclePromise: Promise<void> | null = null;
  private failures = 0;
  private dirty = false;

  private connected = false;
  private nodeBestHash: string | null = null;
  private initialBlockDownload = true;
  private scanQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: BitcoindBackendOptions) {
    this.rpc = new BitcoindRpc(options.rpcUrl, {
      timeoutMs: options.rpcTimeoutMs ?? 30_000,
      keepAlive: options.rpcKeepAlive ?? true,
    });
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.maxConfirmations = Math.max(1, options.maxConfirmations ?? 6);
    this.recentBlocks = Math.max(2, options.recentBlocks ?? 100);
    this.historyTimeoutMs = options.historyTimeoutMs ?? 600_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.mempoolBatchSize = options.mempoolBatchSize ?? 100;
    this.decimals = options.decimals ?? 8;
    this.log = options.logger ?? silentLogger;
    this.mempoolSequenceSupported = options.mempoolSequence === false ? false : null;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // ChainBackend

  /**
   * Loads the stored state, then runs one full cycle (catch-up from the stored block to the node's tip, then the
   * mempool) before resolving. If the node is unreachable, resolves anyway and keeps retrying in the background.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    const state = this.options.stateStore ? await this.options.stateStore.load() : null;
    if (state) this.restore(state);
    await this.runCycle();
    this.schedule();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.cyclePromise) await this.cyclePromise;
    if (this.dirty) await this.persist();
    this.running = false;
  }

  watch(scripts: readonly string[]): void {
    for (const script of scripts) this.watched.add(script.toLowerCase());
  }

  unwatch(scripts: readonly string[]): void {
    for (const raw of scripts) {
      const script = raw.toLowerCase();
      if (!this.watched.delete(script)) continue;
      for (const t of [...this.tracked.values()]) {
        const remaining = t.outputs.filter((o) => o.script !== script);
        if (remaining.length === t.outputs.length) continue;
        this.dirty = true;
        if (remaining.length === 0) this.untrack(t.txid);
        else t.outputs = remaining;
      }
    }
  }

  onEvent(listener: ChainListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Outputs paying `script` that are currently unspent, from the node's UTXO set (`scantxoutset`), plus unconfirmed
   * outputs this backend tracks. Bitcoin Core has no address index: outputs that were already spent are not found
   * (an electrum backend, or a wallet rescan, is needed for full history). `scantxoutset` reads the whole UTXO set
   * (minutes on mainnet) and the node runs one scan at a time.
   */
  async history(script: string): Promise<ScriptHistoryItem[]> {
    return (await this.historyMany([script])).get(script.toLowerCase()) ?? [];
  }

  /**
   * Unspent outputs of many scripts in one `scantxoutset` pass (Core walks its whole UTXO set once per call,
   * so one call for a wallet's addresses instead of one per address), plus tracked unconfirmed outputs.
   */
  async historyMany(scripts: readonly string[]): Promise<Map<string, ScriptHistoryItem[]>> {
    const wanted = scripts.map((s) => s.toLowerCase());
    for (const hex of wanted) {
      if (!/^[0-9a-f]*$/.test(hex) || hex.length % 2 !== 0) throw new Error("script must be hex");
    }
    const out = new Map<string, Map<string, ScriptHistoryItem>>(wanted.map((s) => [s, new Map()]));
    if (!wanted.length) return new Map();
    const result = (await this.scanUtxoSet(wanted)) as {
      success?: boolean;
      unspents?: { txid: string; vout: string; scriptPubKey: string; amount: string; height: string }[];
    };
    if (result.success === false) throw new Error("scantxoutset did not complete");
    const unspents = result.unspents ?? [];
    const heights = [...new Set(unspents.map((u) => Number(u.height)))];
    const hashes = new Map<number, string>();
    const answers = await this.rpc.batch<string>(heights.map((h) => ({ method: "getblockhash", params: [h] })));
    answers.forEach((a, i) => {
      if (a.ok) hashes.set(heights[i]!, a.result);
    });
    for (const u of unspents) {
      const script = u.scriptPubKey.toLowerCase();
      const byTxid = out.get(script);
      if (!byTxid) continue;
      const height = Number(u.height);
      const item = byTxid.get(u.txid) ?? { txid: u.txid, height, outputs: [] };
      byTxid.set(u.txid, item);
      item.outputs.push({
        txid: u.txid,
        vout: Number(u.vout),
        script,
        amount: decimalToBaseUnits(u.amount, this.decimals),
        height,
        blockHash: hashes.get(height) ?? null,
        rbf: false,
      });
    }
    for (const t of this.tracked.values()) {
      for (const [script, byTxid] of out) {
        if (byTxid.has(t.txid)) continue;
        const outputs = t.outputs.filter((o) => o.script === script && o.height === null);
        if (outputs.length > 0)
          byTxid.set(t.txid, { txid: t.txid, height: null, outputs: outputs.map((o) => ({ ...o })) });
      }
    }
    const byHeight = (a: ScriptHistoryItem, b: ScriptHistoryItem) =>
      (a.height ?? Number.MAX_SAFE_INTEGER) - (b.height ?? Number.MAX_SAFE_INTEGER);
    return new Map([...out].map(([script, byTxid]) => [script, [...byTxid.values()].sort(byHeight)]));
  }

  /**
   * One `scantxoutset` at a time: the node runs a single scan and refuses another meanwhile, so this backend's scans
   * (wallet sync, payouts) queue, and a scan started by another client is waited out.
   */
  private scanUtxoSet(scripts: string[]): Promise<unknown> {
    const run = async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.rpc.callExact("scantxoutset", ["start", scripts.map((hex) => `raw(${hex})`)], {
            timeoutMs: this.historyTimeoutMs,
          });
        } catch (error) {
          const busy =
            error instanceof BitcoindRpcError &&
            error.code === RpcCodes.INVALID_PARAMETER &&
            /in progress/i.test(error.message);
          if (!busy || attempt >= 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    };
    const next = this.scanQueue.then(run, run);
    this.scanQueue = next.catch(() => undefined);
    return next;
  }

  /** `estimatesmartfee`, converted exactly from coin/kvB to base units per vbyte; null when the node has no estimate. */
  async estimateFee(targetBlocks: number): Promise<FeeEstimate> {
    const result = (await this.rpc.callExact("estimatesmartfee", [targetBlocks])) as {
      feerate?: string;
      errors?: string[];
    };
    if (typeof result.feerate !== "string") return { targetBlocks, satPerVbyte: null };
    const perKvB = decimalToBaseUnits(result.feerate, this.decimals);
    if (perKvB <= 0n) return { targetBlocks, satPerVbyte: null };
    return { targetBlocks, satPerVbyte: Number(perKvB) / 1000 };
  }

  /** `sendrawtransaction`; "already in the chain" (or mempool, on nodes that say so) answers the txid. */
  async broadcast(rawTxHex: string): Promise<string> {
    try {
      return await this.rpc.call<string>("sendrawtransaction", [rawTxHex]);
    } catch (error) {
      if (error instanceof BitcoindRpcError && isAlreadyKnown(error)) return decodeTransaction(rawTxHex).txid;
      throw error;
    }
  }

  /**
   * Unspent outputs of the scripts: the UTXO set (`scantxoutset`) and the unconfirmed outputs this backend tracks,
   * less those a mempool transaction spends (`gettxout` with the mempool).
   */
  async listUnspent(scripts: readonly string[]): Promise<UnspentOutput[]> {
    const histories = await this.historyMany(scripts);
    const candidates = [...histories.values()].flatMap((items) => items.flatMap((item) => item.outputs));
    if (!candidates.length) return [];
    const answers = await this.rpc.batch<unknown>(
      candidates.map((o) => ({ method: "gettxout", params: [o.txid, o.vout, true] })),
    );
    const out: UnspentOutput[] = [];
    candidates.forEach((o, i) => {
      const answer = answers[i]!;
      if (!answer.ok) throw answer.error;
      if (answer.result === null) return;
      out.push({ txid: o.txid, vout: o.vout, script: o.script, amount: o.amount, height: o.height });
    });
    return out;
  }

  /**
   * `getrawtransaction` (the mempool, or any confirmed transaction with `-txindex`); without the index, a confirmed
   * transaction is found through an output still unspent. When none of these knows it, an input spent elsewhere
   * (`gettxout` null) means it was replaced. (Without `-txindex`, a confirmed transaction whose outputs are all spent
   * looks replaced: run the node with `-txindex`.)
   */
  async transactionStatus(txid: string, rawTxHex?: string): Promise<TransactionStatus> {
    try {
      const tx = (await this.rpc.call("getrawtransaction", [txid, true])) as {
        confirmations?: number;
        blockhash?: string;
      };
      if (tx.blockhash && (tx.confirmations ?? 0) > 0) {
        const header = (await this.rpc.call("getblockheader", [tx.blockhash])) as { height: number };
        return { state: "confirmed", confirmations: tx.confirmations!, height: header.height, blockHash: tx.blockhash };
      }
      return { state: "mempool" };
    } catch (error) {
      if (!(error instanceof BitcoindRpcError) || error.code !== RpcCodes.INVALID_ADDRESS_OR_KEY) throw error;
    }
    if (!rawTxHex) return { state: "missing" };
    const decoded = decodeTransaction(rawTxHex);
    // Without -txindex, a confirmed transaction is found through its outputs still in the UTXO set.
    const outputs = await this.rpc.batch<{ confirmations: number } | null>(
      decoded.outputs.map((_, vout) => ({ method: "gettxout", params: [txid, vout, false] })),
    );
    const found = outputs.find((o) => o.ok && o.result !== null && o.result.confirmations > 0);
    if (found?.ok && found.result) {
      const confirmations = found.result.confirmations;
      const height = (await this.rpc.call<number>("getblockcount")) - confirmations + 1;
      const blockHash = await this.rpc.call<string>("getblockhash", [height]);
      return { state: "confirmed", confirmations, height, blockHash };
    }
    const inputs = decoded.inputs;
    const answers = await this.rpc.batch<unknown>(
      inputs.map((i) => ({ method: "gettxout", params: [i.prevTxid, i.prevVout, true] })),
    );
    return answers.some((a) => a.ok && a.result === null) ? { state: "replaced" } : { state: "missing" };
  }

  syncInfo(): SyncInfo {
    return {
      backend: "bitcoind",
      server: this.rpc.server,
      connected: this.connected,
      height: this.tip?.height ?? null,
      synchronized:
        this.connected && !this.initialBlockDownload && this.tip !== null && this.tip.hash === this.nodeBestHash,
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Loop

  private schedule(): void {
    if (!this.running || this.stopping) return;
    const delay =
      this.failures === 0
        ? this.pollIntervalMs
        : Math.min(this.maxBackoffMs, this.pollIntervalMs * 2 ** Math.min(this.failures, 16));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runCycle().then(() => this.schedule());
    }, delay);
  }

  private runCycle(): Promise<void> {
    const promise = this.cycle().finally(() => {
      if (this.cyclePromise === promise) this.cyclePromise = null;
    });
    this.cyclePromise = promise;
    return promise;
  }

  private async cycle(): Promise<void> {
    try {
      if (!this.tip) await this.initialize();
      await this.syncBlocks();
      if (!this.stopping) await this.syncMempool();
      if (this.dirty) await this.persist();
      if (!this.connected) this.log.info({ server: this.rpc.server }, "bitcoind backend connected");
      this.connected = true;
      this.failures = 0;
    } catch (error) {
      this.failures++;
      // Transport failures, and a node still loading its block index, count as not connected.
      const unreachable =
        error instanceof BitcoindRpcError && (error.kind !== "rpc" || error.code === RpcCodes.IN_WARMUP);
      if (unreachable) {
        if (this.connected || this.failures === 1)
          this.log.warn({ server: this.rpc.server, err: (error as Error).message }, "bitcoind node unreachable");
        this.connected = false;
      } else {
        this.log.error(
          { server: this.rpc.server, err: error instanceof Error ? error.message : String(error) },
          "bitcoind backend cycle failed",
        );
      }
    }
  }

  /** A backend without stored state starts at the node's tip, or just below `startHeight`. */
  private async initialize(): Promise<void> {
    const best = await this.rpc.call<string>("getbestblockhash");
    const header = await this.rpc.call<{ height: number }>("getblockheader", [best]);
    let height = header.height;
    let hash = best;
    if (this.options.startHeight !== undefined) {
      height = Math.max(0, Math.min(header.height, this.options.startHeight - 1));
      hash = await this.rpc.call<string>("getblockhash", [height]);
    }
    this.tip = { height, hash };
    this.recent = [hash];
    this.unscannedHash = hash;
    this.dirty = true;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Blocks

  private recentHash(height: number): string | undefined {
    if (!this.tip) return undefined;
    const index = this.recent.length - 1 - (this.tip.height - height);
    return index >= 0 ? this.recent[index] : undefined;
  }

  private async syncBlocks(): Promise<void> {
    for (let round = 0; !this.stopping; round++) {
      const best = await this.rpc.call<string>("getbestblockhash");
      if (best !== this.nodeBestHash) {
        const info = await this.rpc.call<{ initialblockdownload?: boolean }>("getblockchaininfo");
        this.initialBlockDownload = info.initialblockdownload === true;
      }
      this.nodeBestHash = best;
      const tip = this.tip!;
      if (best === tip.hash) return;
      if (round > 100) throw new Error("the node's chain keeps changing; retrying later");

      const nodeHeight = (await this.rpc.call<{ height: number }>("getblockheader", [best])).height;
      const fork = await this.findForkPoint(nodeHeight);
      if (fork < tip.height) {
        if (this.initialBlockDownload && fork === nodeHeight) {
          // The node is behind our state (e.g. reindexing), not on another branch: wait for it.
          this.log.info({ nodeHeight, height: tip.height }, "bitcoind node is behind the processed tip; waiting");
          return;
        }
        await this.disconnectTo(fork);
      }
      for (let h = this.tip!.height + 1; h <= nodeHeight && !this.stopping; h++) {
        const hash = await this.rpc.call<string>("getblockhash", [h]);
        const block = decodeBlock(await this.rpc.call<string>("getblock", [hash, 0]));
        if (block.hash !== hash) throw new Error(`block ${hash} decoded to hash ${block.hash}`);
        if (block.prevHash !== this.tip!.hash) break; // the chain changed under us: re-evaluate from the top
        await this.connectBlock(h, block);
      }
    }
  }

  /**
   * Highest height at which our processed chain agrees with the node's active chain. Compares the recent hashes
   * kept first; for a deeper reorg, follows our own (now stale) blocks back through the node's block index, which
   * keeps stale headers, and prepends their hashes so the disconnected blocks can be rescanned.
   */
  private async findForkPoint(nodeHeight: number): Promise<number> {
    const tip = this.tip!;
    const oldest = tip.height - this.recent.length + 1;
    for (let h = Math.min(tip.height, nodeHeight); h >= oldest; h--) {
      const nodeHash = await this.rpc.call<string>("getblockhash", [h]);
      if (nodeHash === this.recentHash(h)) return h;
    }
    const stale: string[] = [];
    try {
      let header = await this.rpc.call<BlockHeader>("getblockheader", [this.recent[0]]);
      header = await this.rpc.call<BlockHeader>("getblockheader", [header.previousblockhash]);
      while (header.confirmations < 0 && header.previousblockhash && stale.length < 100_000) {
        stale.unshift(header.hash);
        header = await this.rpc.call<BlockHeader>("getblockheader", [header.previousblockhash]);
      }
      if (header.confirmations >= 0 && header.height === oldest - 1 - stale.length) {
        this.recent = [header.hash, ...stale, ...this.recent];
        this.log.warn(
          { height: tip.height, fork: header.height },
          "reorganisation deeper than the recent block hashes kept",
        );
        return header.height;
      }
    } catch (error) {
      if (error instanceof BitcoindRpcError && error.unreachable) throw error;
    }
    this.log.error(
      { height: tip.height, known: this.recent.length },
      "reorganisation deeper than the recent block hashes kept, and the node does not know our blocks: outputs of older disconnected blocks are not reported as orphaned",
    );
    return Math.min(oldest - 1, nodeHeight);
  }

  private async disconnectTo(fork: number): Promise<void> {
    const tip = this.tip!;
    this.log.info({ from: tip.height, to: fork }, "chain reorganisation");
    const events: ChainEvent[] = [];
    for (let h = tip.height; h > fork; h--) {
      const hash = this.recentHash(h);
      // Core keeps stale blocks on disk: rescanning the disconnected block also finds outputs no longer tracked
      // (deeper than maxConfirmations).
      let block: DecodedBlock | null = null;
      if (hash && hash !== this.unscannedHash) {
        try {
          block = decodeBlock(await this.rpc.call<string>("getblock", [hash, 0]));
        } catch (error) {
          if (error instanceof BitcoindRpcError && error.unreachable) throw error;
          this.log.warn(
            { hash, err: (error as Error).message },
            "disconnected block unavailable; using tracked outputs only",
          );
        }
      }
      if (block) {
        for (const tx of block.transactions) {
          if (this.tracked.has(tx.txid)) continue;
          const outputs = this.watchedOutputs(tx, h, hash!);
          if (outputs.length > 0) this.track(tx, outputs, 0);
        }
      }
      for (const t of [...this.tracked.values()]) {
        const inBlock = t.outputs.some((o) => o.height === h && (hash === undefined || o.blockHash === hash));
        if (!inBlock) continue;
        for (const o of t.outputs) {
          events.push({ type: "orphaned", txid: o.txid, vout: o.vout, script: o.script, height: h });
          o.height = null;
          o.blockHash = null;
        }
        t.confirmations = 0;
        t.absentChecked = false;
        if (t.coinbase) this.untrack(t.txid);
      }
    }
    this.recent = this.recent.slice(0, Math.max(0, this.recent.length - (tip.height - fork)));
    // The fork point is the last kept hash, or (reorg deeper than the hashes kept) the node's block at that height.
    const hash = this.recent.at(-1) ?? (await this.rpc.call<string>("getblockhash", [fork]));
    if (this.recent.length === 0) this.recent = [hash];
    this.tip = { height: fork, hash };
    this.collectConfirmations(events);
    events.push({ type: "tip", height: fork, hash });
    this.dirty = true;
    await this.emit(events);
    await this.persist();
  }

  private async connectBlock(height: number, block: DecodedBlock): Promise<void> {
    const events: ChainEvent[] = [];
    for (const tx of block.transactions) {
      if (!tx.coinbase && this.spentBy.size > 0) this.detectConflicts(tx, tx.txid, events);
      const existing = this.tracked.get(tx.txid);
      if (existing) {
        for (const o of existing.outputs) {
          o.height = height;
          o.blockHash = block.hash;
        }
        // Outputs of this transaction watched since it was first seen.
        const known = new Set(existing.outputs.map((o) => o.vout));
        for (const o of this.watchedOutputs(tx, height, block.hash)) {
          if (known.has(o.vout)) continue;
          existing.outputs.push(o);
          events.push({ type: "seen", output: { ...o } });
        }
        continue;
      }
      const outputs = this.watchedOutputs(tx, height, block.hash);
      if (outputs.length === 0) continue;
      this.track(tx, outputs, 0);
      for (const o of outputs) events.push({ type: "seen", output: { ...o } });
    }
    this.tip = { height, hash: block.hash };
    this.recent.push(block.hash);
    if (this.recent.length > this.recentBlocks) this.recent.splice(0, this.recent.length - this.recentBlocks);
    this.collectConfirmations(events);
    events.push({ type: "tip", height, hash: block.hash });
    this.dirty = true;
    await this.emit(events);
    await this.persist();
  }

  /** `confirmed` events for tracked confirmed outputs whose count changed; untracks those deep enough. */
  private collectConfirmations(events: ChainEvent[]): void {
    const tipHeight = this.tip!.height;
    for (const t of [...this.tracked.values()]) {
      const height = t.outputs[0]?.height ?? null;
      if (height === null) continue;
      const confirmations = Math.min(tipHeight - height + 1, this.maxConfirmations);
      if (confirmations < 1 || confirmations === t.confirmations) continue;
      t.confirmations = confirmations;
      for (const o of t.outputs) events.push({ type: "confirmed", output: { ...o }, confirmations });
      if (confirmations >= this.maxConfirmations) this.untrack(t.txid);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Mempool

  private async fetchMempool(): Promise<{ txids: string[]; sequence: string | null }> {
    if (this.mempoolSequenceSupported !== false) {
      try {
        const result = (await this.rpc.callExact("getrawmempool", [false, true])) as {
          txids?: string[];
          mempool_sequence?: string;
        };
        if (Array.isArray(result?.txids)) {
          this.mempoolSequenceSupported = true;
          return { txids: result.txids, sequence: result.mempool_sequence ?? null };
        }
        this.mempoolSequenceSupported = false;
      } catch (error) {
        if (!(error instanceof BitcoindRpcError) || error.kind !== "rpc") throw error;
        this.log.info({ err: error.message }, "getrawmempool without mempool_sequence support; diffing snapshots");
        this.mempoolSequenceSupported = false;
      }
    }
    return { txids: await this.rpc.call<string[]>("getrawmempool", [false]), sequence: null };
  }

  private async syncMempool(): Promise<void> {
    const { txids, sequence } = await this.fetchMempool();
    const pendingRecheck = [...this.tracked.values()].some(
      (t) => t.outputs[0]?.height === null && !t.absentChecked && !this.mempool.has(t.txid),
    );
    if (sequence !== null && sequence === this.mempoolSequence && !pendingRecheck) return;
    const current = new Set(txids);
    const fresh = txids.filter((txid) => !this.mempool.has(txid));
    for (let i = 0; i < fresh.length && !this.stopping; i += this.mempoolBatchSize) {
      const chunk = fresh.slice(i, i + this.mempoolBatchSize);
      const answers = await this.rpc.batch<string>(
        chunk.map((txid) => ({ method: "getrawtransaction", params: [txid, false] })),
      );
      const decoded: { txid: string; tx: DecodedTransaction }[] = [];
      answers.forEach((answer, j) => {
        const txid = chunk[j]!;
        if (!answer.ok) {
          current.delete(txid); // left the mempool meanwhile: a block (or the next snapshot) will tell
          return;
        }
        try {
          decoded.push({ txid, tx: decodeTransaction(answer.result) });
        } catch (error) {
          this.log.warn({ txid, err: (error as Error).message }, "undecodable mempool transaction skipped");
        }
      });
      await this.processMempoolTransactions(decoded);
    }
    if (this.stopping) return;
    this.mempool = current;
    this.mempoolSequence = sequence;
    await this.recheckAbsent();
  }

  private async processMempoolTransactions(batch: { txid: string; tx: DecodedTransaction }[]): Promise<void> {
    // BIP125 replaceability is inherited from unconfirmed ancestors: ask the node for new payments that do not signal.
    const inherit = batch.filter(
      ({ txid, tx }) => !tx.rbf && !this.tracked.has(txid) && tx.outputs.some((o) => this.watched.has(o.script)),
    );
    const inherited = new Set<string>();
    if (inherit.length > 0) {
      const answers = await this.rpc.batch<Record<string, unknown>>(
        inherit.map(({ txid }) => ({ method: "getmempoolentry", params: [txid] })),
      );
      answers.forEach((a, i) => {
        if (a.ok && a.result["bip125-replaceable"] === true) inherited.add(inherit[i]!.txid);
      });
    }
    const events: ChainEvent[] = [];
    for (const { txid, tx } of batch) {
      if (this.spentBy.size > 0) this.detectConflicts(tx, txid, events);
      const existing = this.tracked.get(txid);
      if (existing) {
        existing.absentChecked = false;
        continue;
      }
      const outputs = this.watchedOutputs(tx, null, null, txid, tx.rbf || inherited.has(txid));
      if (outputs.length === 0) continue;
      this.track({ ...tx, txid }, outputs, 0);
      for (const o of outputs) events.push({ type: "seen", output: { ...o } });
    }
    if (events.length > 0) {
      this.dirty = true;
      await this.emit(events);
    }
  }

  /**
   * Tracked unconfirmed transactions missing from the mempool, not mined and with no conflict seen: ask the node.
   * Mined (a block not processed yet) or back in the mempool → wait; an input already spent → replaced by an unknown
   * transaction; inputs unspent → dropped from the mempool (evicted or expired): kept, it may be rebroadcast.
   */
  private async recheckAbsent(): Promise<void> {
    const absent = [...this.tracked.values()].filter(
      (t) => t.outputs[0]?.height === null && !t.absentChecked && !this.mempool.has(t.txid),
    );
    if (absent.length === 0) return;
    // A block the loop has not processed yet could hold them: re-check only once caught up with the node.
    if ((await this.rpc.call<string>("getbestblockhash")) !== this.tip!.hash) return;
    const events: ChainEvent[] = [];
    for (const t of absent) {
      try {
        // Back in the mempool (the next snapshot lists it), or in a block of the active chain.
        const info = await this.rpc.call<{ blockhash?: string }>("getrawtransaction", [t.txid, true]);
        if (info.blockhash) t.absentChecked = true;
        continue;
      } catch (error) {
        if (!(error instanceof BitcoindRpcError) || error.code !== RpcCodes.INVALID_ADDRESS_OR_KEY) throw error;
      }
      let spent = false;
      for (const input of t.inputs) {
        const [prevTxid, vout] = input.split(":");
        const coin = await this.rpc.call<unknown>("gettxout", [prevTxid, Number(vout), true]);
        if (coin === null) {
          spent = true;
          break;
        }
      }
      if (!this.tracked.has(t.txid) || t.outputs[0]?.height !== null) continue;
      if (spent) {
        this.replace(t.txid, null, events);
      } else {
        t.absentChecked = true;
        this.log.info({ txid: t.txid }, "tracked transaction dropped from the mempool; its inputs are unspent");
      }
    }
    if (events.length > 0) {
      this.dirty = true;
      await this.emit(events);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Tracking

  private watchedOutputs(
    tx: DecodedTransaction,
    height: number | null,
    blockHash: string | null,
    txid = tx.txid,
    rbf = tx.rbf,
  ): ObservedOutput[] {
    return findWatchedOutputs(tx, this.watched, height, blockHash, txid, rbf);
  }

  private track(tx: DecodedTransaction, outputs: ObservedOutput[], confirmations: number): void {
    const inputs = tx.coinbase ? [] : tx.inputs.map((i) => outpointKey(i.prevTxid, i.prevVout));
    const t: Tracked = {
      txid: tx.txid,
      inputs,
      outputCount: tx.outputs.length,
      outputs,
      confirmations,
      absentChecked: false,
      coinbase: tx.coinbase,
    };
    this.tracked.set(tx.txid, t);
    for (const key of inputs) this.spentBy.set(key, tx.txid);
    this.dirty = true;
  }

  private untrack(txid: string): void {
    const t = this.tracked.get(txid);
    if (!t) return;
    this.tracked.delete(txid);
    for (const key of t.inputs) if (this.spentBy.get(key) === txid) this.spentBy.delete(key);
    this.dirty = true;
  }

  /** Marks tracked unconfirmed transactions spending any input of `tx` as replaced by `byTxid`. */
  private detectConflicts(tx: DecodedTransaction, byTxid: string, events: ChainEvent[]): void {
    for (const input of tx.inputs) {
      const owner = this.spentBy.get(outpointKey(input.prevTxid, input.prevVout));
      if (owner === undefined || owner === byTxid) continue;
      const t = this.tracked.get(owner);
      if (!t || t.outputs[0]?.height !== null) continue;
      this.replace(owner, byTxid, events);
    }
  }

  private replace(txid: string, byTxid: string | null, events: ChainEvent[]): void {
    const t = this.tracked.get(txid);
    if (!t) return;
    this.untrack(txid);
    for (const o of t.outputs) events.push({ type: "replaced", txid, vout: o.vout, script: o.script, byTxid });
    // Tracked descendants are invalid too.
    for (let vout = 0; vout < t.outputCount; vout++) {
      const child = this.spentBy.get(outpointKey(txid, vout));
      if (child !== undefined && this.tracked.get(child)?.outputs[0]?.height === null)
        this.replace(child, null, events);
    }
  }

  private async emit(events: ChainEvent[]): Promise<void> {
    for (const event of events) {
      for (const listener of [...this.listeners]) {
        try {
          await listener(event);
        } catch (error) {
          this.log.error(
            { err: error instanceof Error ? error.message : String(error), event: event.type },
            "chain event listener failed",
          );
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Persistence

  private snapshot(): ChainState {
    return {
      height: this.tip!.height,
      hash: this.tip!.hash,
      recentHashes: [...this.recent],
      tracked: [...this.tracked.values()].map((t) => ({
        txid: t.txid,
        inputs: [...t.inputs],
        outputCount: t.outputCount,
        outputs: t.outputs.map((o) => ({ ...o })),
        confirmations: t.confirmations,
      })),
    };
  }

  private restore(state: ChainState): void {
    this.tip = { height: state.height, hash: state.hash };
    this.recent =
      state.recentHashes.length > 0 && state.recentHashes.at(-1) === state.hash
        ? [...state.recentHashes]
        : [state.hash];
    this.tracked.clear();
    this.spentBy.clear();
    for (const t of state.tracked) {
      const coinbase = t.inputs.length === 0;
      const tracked: Tracked = {
        ...t,
        inputs: [...t.inputs],
        outputs: t.outputs.map((o) => ({ ...o })),
        absentChecked: false,
        coinbase,
      };
      this.tracked.set(t.txid, tracked);
      for (const key of t.inputs) this.spentBy.set(key, t.txid);
    }
    this.mempool = new Set();
    this.mempoolSequence = null;
  }

  private async persist(): Promise<void> {
    const store = this.options.stateStore;
    if (!this.tip) return;
    if (!store) {
      this.dirty = false;
      return;
    }
    try {
      await store.save(this.snapshot());
      this.dirty = false;
    } catch (error) {
      this.log.error(
        { err: error instanceof Error ? error.message : String(error) },
        "saving chain state failed; will retry",
      );
    }
  }
}
