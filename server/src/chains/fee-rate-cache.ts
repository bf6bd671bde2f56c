import type { Logger } from "../kernel/logger.ts";

const RETRY_AFTER_FAILURE_MS = 10_000;

type Estimate = (currency: string, targetBlocks: number) => Promise<{ satPerVbyte: string }>;

/**
 * Fee rates (sat/vB, decimal text) per coin and confirmation target, answered from memory so invoice creation
 * never waits on the chain backend. A missing or stale entry is refreshed in the background; until the first
 * answer arrives (or where no backend runs, e.g. a follower process) there is no rate.
 */
export class FeeRateCache {
  private readonly entries = new Map<string, { rate: string; at: number }>();
  private readonly inFlight = new Set<string>();
  /** When an estimate last failed: retried only after a while, not on every invoice. */
  private readonly failedAt = new Map<string, number>();

  constructor(
    private readonly estimate: Estimate,
    private readonly logger: Logger,
    private readonly ttlMs = 60_000,
  ) {}

  get(currency: string, targetBlocks: number): string | null {
    const key = `${currency.toLowerCase()}:${targetBlocks}`;
    const entry = this.entries.get(key);
    if (!entry || Date.now() - entry.at > this.ttlMs) void this.refresh(currency, targetBlocks);
    return entry?.rate ?? null;
  }

  /** Fetches the rates now (e.g. when the chain watchers start), so the first invoices have one. */
  async warm(currencies: Iterable<string>, targets: readonly number[]): Promise<void> {
    const work: Promise<void>[] = [];
    for (const currency of currencies) for (const target of targets) work.push(this.refresh(currency, target));
    await Promise.all(work);
  }

  private async refresh(currency: string, targetBlocks: number): Promise<void> {
    const key = `${currency.toLowerCase()}:${targetBlocks}`;
    if (this.inFlight.has(key)) return;
    const failed = this.failedAt.get(key);
    if (failed !== undefined && Date.now() - failed < RETRY_AFTER_FAILURE_MS) return;
    this.inFlight.add(key);
    try {
      const { satPerVbyte } = await this.estimate(currency, targetBlocks);
      this.entries.set(key, { rate: satPerVbyte, at: Date.now() });
      this.failedAt.delete(key);
    } catch (err) {
      this.failedAt.set(key, Date.now());
      this.logger.debug({ err, currency, targetBlocks }, "no fee estimate");
    } finally {
      this.inFlight.delete(key);
    }
  }
}
