/**
 * The contract between chain backends and the rest of Till. Backends know scripts, transactions and blocks;
 * they know nothing of invoices, stores or wallets. Amounts are integer base units (satoshi/litoshi) as bigint.
 */

/** One output paying a watched script. Keyed by (txid, vout) everywhere: the payments ledger's identity. */
export interface ObservedOutput {
  txid: string;
  vout: number;
  /** Hex-encoded scriptPubKey of the output. */
  script: string;
  amount: bigint;
  /** Height of the block that contains it, or null while it is in the mempool. */
  height: number | null;
  /** Hash of that block, or null while unconfirmed. */
  blockHash: string | null;
  /** Whether the transaction signals BIP125 replaceability (or inherits it). */
  rbf: boolean;
}

export type ChainEvent =
  /** First sight of an output paying a watched script (mempool or a block). */
  | { type: "seen"; output: ObservedOutput }
  /** The output's confirmation count changed (height known; confirmations = tip - height + 1). */
  | { type: "confirmed"; output: ObservedOutput; confirmations: number }
  /** The transaction left the mempool or chain because another spent its inputs (RBF or double-spend). */
  | { type: "replaced"; txid: string; vout: number; script: string; byTxid: string | null }
  /** The block holding the output was disconnected by a reorg; the output is unconfirmed again (or gone). */
  | { type: "orphaned"; txid: string; vout: number; script: string; height: number }
  /** The backend processed a new best block. */
  | { type: "tip"; height: number; hash: string };

export type ChainListener = (event: ChainEvent) => void | Promise<void>;

export interface FeeEstimate {
  /** Target confirmation blocks asked for. */
  targetBlocks: number;
  /** Fee rate in base units per virtual byte, or null when the backend has no estimate. */
  satPerVbyte: number | null;
}

/** An output a wallet can spend. */
export interface UnspentOutput {
  txid: string;
  vout: number;
  /** Hex scriptPubKey. */
  script: string;
  amount: bigint;
  /** Block height, or null while unconfirmed. */
  height: number | null;
}

export type TransactionStatus =
  | { state: "confirmed"; confirmations: number; height: number; blockHash: string }
  | { state: "mempool" }
  /** Another transaction spends one of its inputs (RBF or double-spend). */
  | { state: "replaced" }
  /** Neither in the mempool nor in the chain, inputs still unspent (dropped, or never relayed). */
  | { state: "missing" };

export interface SyncInfo {
  backend: "bitcoind" | "electrum";
  server: string;
  connected: boolean;
  height: number | null;
  synchronized: boolean;
}

export interface ScriptHistoryItem {
  txid: string;
  height: number | null;
  /** Its outputs paying the script (none for a transaction that only spends from it). */
  outputs: ObservedOutput[];
  /**
   * Outpoints ("txid:vout") the transaction spends. A backend whose history lists only unspent outputs
   * (bitcoind's UTXO scan) leaves it out; one that lists every transaction (Electrum) gives it, so a balance
   * can leave spent outputs out.
   */
  spends?: string[];
}

/** A chain backend for one coin on one network. */
export interface ChainBackend {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Adds scripts (hex scriptPubKeys) to the watch set. Idempotent. */
  watch(scripts: readonly string[]): void;
  unwatch(scripts: readonly string[]): void;
  onEvent(listener: ChainListener): () => void;
  /** Outputs ever paid to a script (for wallet sync and gap-limit scans). */
  history(script: string): Promise<ScriptHistoryItem[]>;
  /** The same for many scripts at once, where the backend can do it in fewer round trips. */
  historyMany?(scripts: readonly string[]): Promise<Map<string, ScriptHistoryItem[]>>;
  estimateFee(targetBlocks: number): Promise<FeeEstimate>;
  /**
   * Broadcasts a raw transaction (hex), returning its txid. Idempotent: a transaction already in the mempool or
   * the chain answers its txid as a success, so a broadcast repeated after a crash is harmless.
   */
  broadcast(rawTxHex: string): Promise<string>;
  /** Outputs paying these scripts that are unspent, in the chain or the mempool, and not spent in the mempool. */
  listUnspent(scripts: readonly string[]): Promise<UnspentOutput[]>;
  /**
   * Where a transaction stands. `rawTxHex` (the transaction itself) lets a backend tell a transaction whose inputs
   * another one spent (`replaced`) from one that merely left the mempool (`missing`).
   */
  transactionStatus(txid: string, rawTxHex?: string): Promise<TransactionStatus>;
  syncInfo(): SyncInfo;
}

/** A transaction a backend still follows: it pays watched scripts and is unconfirmed or not yet deep enough. */
export interface TrackedTransaction {
  txid: string;
  /** Outpoints it spends, as "txid:vout": another transaction spending one of them replaces it. */
  inputs: string[];
  /** Number of outputs of the whole transaction (to find its descendants when it is replaced). */
  outputCount: number;
  /** Its outputs paying watched scripts (height/blockHash null while unconfirmed). */
  outputs: ObservedOutput[];
  /** Last confirmation count reported in a `confirmed` event (0 = none yet). */
  confirmations: number;
}

/** What a backend persists so that a restart resumes where it stopped and finds what happened meanwhile. */
export interface ChainState {
  /** Last processed block. */
  height: number;
  hash: string;
  /** Hashes of the most recent processed blocks, oldest first, the last one being `hash` (for reorg detection). */
  recentHashes: string[];
  tracked: TrackedTransaction[];
}

/** Persistence of a backend's progress, one per (coin, network, backend). Saved after each processed block. */
export interface ChainStateStore {
  load(): Promise<ChainState | null>;
  save(state: ChainState): Promise<void>;
}
