import type { ChainEvent, ObservedOutput, ScriptHistoryItem } from "../../chains/index.ts";
import { isoNow } from "../../kernel/clock.ts";
import type { Logger } from "../../kernel/logger.ts";
import { GAP_LIMIT } from "./wallet.presenter.ts";
import type { WalletRepository } from "./wallet.repository.ts";
import type { WalletsService } from "./wallets.service.ts";

/** What a scan needs from the chains: the outputs paying each script (unspent, plus unconfirmed ones seen). */
export interface HistorySource {
  /** Null when no backend runs for the currency (watchers not started, or the coin has none). */
  history(currency: string, scripts: readonly string[]): Promise<Map<string, ScriptHistoryItem[]>> | null;
}

interface ChainScan {
  lastUsed: number;
  used: number[];
  /** Outputs paying the chain's addresses, by "txid:vout". */
  outputs: Map<string, ObservedOutput>;
  /** Outpoints spent by transactions in those addresses' histories. */
  spent: Set<string>;
}

/**
 * Scans wallets' addresses on both chains until GAP_LIMIT unused ones in a row (and at least every address
 * handed out), to learn which are used, the balance and where fresh addresses must start. Runs one wallet at a
 * time in the background; repeated requests for one wallet collapse into one scan.
 */
export class WalletSync {
  private readonly queue = new Set<string>();
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly repo: WalletRepository,
    private readonly wallets: WalletsService,
    private readonly source: HistorySource,
    private readonly logger: Logger,
  ) {}

  request(walletId: string): void {
    if (this.stopped) return;
    this.queue.add(walletId);
    if (!this.running) this.startDraining();
  }

  private startDraining(): void {
    this.running = this.repo.db.detached(async () => {
      try {
        await this.drain();
      } finally {
        // Same tick as the loop's end: a request that arrived meanwhile is never stranded in the queue.
        this.running = null;
        if (this.queue.size && !this.stopped) this.startDraining();
      }
    });
  }

  /** Takes no more requests and waits for the scan under way, so the database can close under nothing. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.clear();
    await this.idle();
  }

  /** Resolves when every requested scan has run (operators' CLI and tests wait on it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let the caller's transaction (a wallet being created) commit before the scan reads the wallet.
    await new Promise((resolve) => setImmediate(resolve));
    for (let next = this.take(); next; next = this.take()) {
      try {
        await this.sync(next);
      } catch (error) {
        this.logger.warn({ err: error, walletId: next }, "wallet scan failed");
        await this.repo.setScanState(next, {
          sync_status: "error",
          sync_error: (error as Error).message.slice(0, 500),
        });
      }
    }
  }

  private take(): string | undefined {
    const [first] = this.queue;
    if (first !== undefined) this.queue.delete(first);
    return first;
  }

  async sync(walletId: string): Promise<void> {
    const wallet = await this.repo.findById(walletId);
    if (!wallet) return;
    if (!this.source.history(wallet.currency, [])) {
      await this.repo.setScanState(walletId, {
        sync_status: "pending",
        sync_error: "the chain backend is not running",
      });
      return;
    }
    await this.repo.setScanState(walletId, { sync_status: "syncing", sync_error: "" });
    const receive = await this.scanChain(walletId, wallet.currency, 0, wallet.receive_index);
    const change = await this.scanChain(walletId, wallet.currency, 1, wallet.change_index);
    const spent = new Set([...receive.spent, ...change.spent]);
    let confirmed = 0n;
    let unconfirmed = 0n;
    for (const [key, output] of [...receive.outputs, ...change.outputs]) {
      if (spent.has(key)) continue;
      if (output.height !== null && output.height > 0) confirmed += output.amount;
      else unconfirmed += output.amount;
    }
    await this.repo.markUsed(walletId, 0, receive.used);
    await this.repo.markUsed(walletId, 1, change.used);
    await this.repo.recordUsage(walletId, receive.lastUsed, change.lastUsed);
    await this.repo.setScanState(walletId, {
      balance_confirmed: confirmed.toString(),
      balance_unconfirmed: unconfirmed.toString(),
      sync_status: "synced",
      sync_error: "",
      synced_at: isoNow(),
    });
  }

  private async scanChain(walletId: string, currency: string, chain: 0 | 1, handedOut: number): Promise<ChainScan> {
    const scan: ChainScan = { lastUsed: -1, used: [], outputs: new Map(), spent: new Set() };
    let index = 0;
    while (index < handedOut || index - (scan.lastUsed + 1) < GAP_LIMIT) {
      const upTo = index + GAP_LIMIT;
      await this.wallets.extend(walletId, chain, upTo);
      const rows = await this.repo.addresses(walletId, chain, index, upTo);
      const histories: Map<string, ScriptHistoryItem[]> =
        (await this.source.history(
          currency,
          rows.map((r) => r.script),
        )) ?? new Map();
      for (const row of rows) {
        const items = histories.get(row.script) ?? [];
        if (!items.length) continue;
        scan.used.push(row.idx);
        scan.lastUsed = Math.max(scan.lastUsed, row.idx);
        for (const item of items) {
          for (const output of item.outputs) scan.outputs.set(`${output.txid}:${output.vout}`, output);
          for (const outpoint of item.spends ?? []) scan.spent.add(outpoint);
        }
      }
      index = upTo;
    }
    return scan;
  }

  /** Live chain events: a payment to a wallet address marks it used and refreshes that wallet's balance. */
  async onChainEvent(event: ChainEvent): Promise<void> {
    if (event.type === "tip") return;
    const script = event.type === "seen" || event.type === "confirmed" ? event.output.script : event.script;
    for (const address of await this.repo.findByScript(script)) {
      if (event.type === "seen" || event.type === "confirmed") {
        await this.repo.markUsed(address.wallet_id, address.chain as 0 | 1, [address.idx]);
        await this.repo.recordUsage(
          address.wallet_id,
          address.chain === 0 ? address.idx : -1,
          address.chain === 1 ? address.idx : -1,
        );
      }
      this.request(address.wallet_id);
    }
  }
}
