import { BitcoindBackend } from "../chains/bitcoin/bitcoind/bitcoind-backend.ts";
import { BitcoindRpcError } from "../chains/bitcoin/bitcoind/rpc-client.ts";
import { electrumBackendFor } from "../chains/bitcoin/electrum/electrum-backend.ts";
import { ElectrumRpcError } from "../chains/bitcoin/electrum/electrum-client.ts";
import {
  type ChainBackend,
  type ChainEvent,
  type CoinDefinition,
  getCoin,
  type ScriptHistoryItem,
  type SyncInfo,
  type TransactionStatus,
  type UnspentOutput,
} from "../chains/index.ts";
import type { CoinConfig } from "../config/schema.ts";
import type { Db } from "../db/database.ts";
import { AppError } from "../kernel/errors.ts";
import type { Logger } from "../kernel/logger.ts";
import { DbChainStateStore } from "../modules/chain/index.ts";

export interface ChainRuntimeOptions {
  coins: readonly CoinConfig[];
  db: Db;
  logger: Logger;
  /** Builds a backend for a coin; defaults to the configured kind. Tests pass their own peers' URLs through config. */
  createBackend?: (coin: CoinConfig, definition: CoinDefinition) => ChainBackend | null;
  /** Fee rate (base units per vbyte) used when a backend has no estimate, and the least ever used. Default 1. */
  feeFloorSatPerVbyte?: number;
}

/** A fee rate for sending: the backend's estimate, or the configured floor when it has none (or a lower one). */
export interface FeeRate {
  /** Base units per virtual byte, a decimal string (at most 3 decimals). */
  satPerVbyte: string;
  source: "estimate" | "floor";
  targetBlocks: number;
}

export type ChainEventHandler = (currency: string, event: ChainEvent) => Promise<void>;

/**
 * The enabled coins and, once started, one chain backend per coin. Everything else reaches the chains
 * through here: scripts to watch, history for wallet scans, sync information.
 */
export class ChainRuntime {
  readonly coins = new Map<string, CoinDefinition>();
  private readonly backends = new Map<string, ChainBackend>();
  private readonly configs = new Map<string, CoinConfig>();
  private handler: ChainEventHandler = async () => {};
  private started = false;

  constructor(private readonly options: ChainRuntimeOptions) {
    for (const coin of options.coins) {
      this.coins.set(coin.symbol, getCoin(coin.symbol, coin.network));
      this.configs.set(coin.symbol, coin);
    }
  }

  coin(currency: string): CoinDefinition | undefined {
    return this.coins.get(currency.toLowerCase());
  }

  onEvent(handler: ChainEventHandler): void {
    this.handler = handler;
  }

  backend(currency: string): ChainBackend | undefined {
    return this.backends.get(currency);
  }

  /** Outputs paying each script, from the coin's backend; null when none runs. */
  history(currency: string, scripts: readonly string[]): Promise<Map<string, ScriptHistoryItem[]>> | null {
    const backend = this.backends.get(currency);
    if (!backend) return null;
    if (backend.historyMany) return backend.historyMany(scripts);
    return Promise.all(scripts.map(async (s) => [s, await backend.history(s)] as const)).then(
      (pairs) => new Map(pairs),
    );
  }

  private running(currency: string): ChainBackend {
    const backend = this.backends.get(currency.toLowerCase());
    // Backends run on the leader only (see docs/operations.md): elsewhere, sending waits for a process that has them.
    if (!backend) throw new AppError(503, `The ${currency.toUpperCase()} chain backend does not run in this process`);
    return backend;
  }

  /** The fee rate to pay for confirmation within `targetBlocks`, never below the floor. */
  async estimateFeeRate(currency: string, targetBlocks: number): Promise<FeeRate> {
    const floor = Math.ceil((this.options.feeFloorSatPerVbyte ?? 1) * 1000) / 1000;
    const estimate = (await this.running(currency).estimateFee(targetBlocks)).satPerVbyte;
    if (estimate === null || estimate < floor) return { satPerVbyte: String(floor), source: "floor", targetBlocks };
    return { satPerVbyte: String(Math.ceil(estimate * 1000) / 1000), source: "estimate", targetBlocks };
  }

  listUnspent(currency: string, scripts: readonly string[]): Promise<UnspentOutput[]> {
    return this.running(currency).listUnspent(scripts);
  }

  /** Idempotent: a transaction the network already has answers its txid. */
  broadcast(currency: string, rawTxHex: string): Promise<string> {
    return this.running(currency).broadcast(rawTxHex);
  }

  /** Whether a failed broadcast was refused by the network (as opposed to the network not being reached). */
  isRejection(error: unknown): boolean {
    if (error instanceof BitcoindRpcError) return error.kind === "rpc";
    return error instanceof ElectrumRpcError;
  }

  transactionStatus(currency: string, txid: string, rawTxHex?: string): Promise<TransactionStatus> {
    return this.running(currency).transactionStatus(txid, rawTxHex);
  }

  watch(currency: string, scripts: string[]): void {
    this.backends.get(currency)?.watch(scripts);
  }

  /** Creates and starts the backends; `scripts(currency)` gives each its watch set before it starts. */
  async start(scripts: (currency: string) => Promise<string[]>): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const [currency, config] of this.configs) {
      const definition = this.coins.get(currency)!;
      const backend = (this.options.createBackend ?? defaultBackend(this.options.db, this.options.logger))(
        config,
        definition,
      );
      if (!backend) continue;
      this.backends.set(currency, backend);
      backend.onEvent((event) =>
        this.handler(currency, event).catch((err) =>
          this.options.logger.error({ err, currency }, "chain event handling failed"),
        ),
      );
      backend.watch(await scripts(currency));
      // A backend that cannot reach its peer keeps retrying on its own; the API serves meanwhile.
      backend.start().catch((err) => this.options.logger.error({ err, currency }, "chain backend failed to start"));
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.backends.values()].map((b) => b.stop().catch(() => {})));
    this.backends.clear();
    this.started = false;
  }

  syncInfo(): (SyncInfo & { currency: string; running: boolean; blockchain_height: number | null })[] {
    return [...this.configs.keys()].map((currency) => {
      const backend = this.backends.get(currency);
      const info: SyncInfo = backend?.syncInfo() ?? {
        backend: this.configs.get(currency)!.backend,
        server: "",
        connected: false,
        height: null,
        synchronized: false,
      };
      return { currency, running: Boolean(backend), blockchain_height: info.height, ...info };
    });
  }
}

function defaultBackend(db: Db, logger: Logger) {
  return (config: CoinConfig, definition: CoinDefinition): ChainBackend | null => {
    const name = `${definition.symbol}:${definition.network}:${config.backend}`;
    const log = logger.child({ chain: name });
    if (config.backend === "bitcoind") {
      return new BitcoindBackend({
        rpcUrl: config.bitcoindUrl!,
        pollIntervalMs: config.pollIntervalMs,
        stateStore: new DbChainStateStore(db, name),
        logger: log,
      });
    }
    return electrumBackendFor(definition, {
      servers: config.electrumServers,
      stateStore: new DbChainStateStore(db, name),
      logger: log,
    });
  };
}
