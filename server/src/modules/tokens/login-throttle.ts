/**
 * Counts failed logins per account in a sliding window, so password guessing against one account is slowed
 * even when it comes from many addresses (the per-IP limit lives in the HTTP layer). In-process memory:
 * with several processes each keeps its own count, which still bounds guesses by (processes × limit).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  isBlocked(account: string): boolean {
    return this.recent(account).length >= this.maxFailures;
  }

  recordFailure(account: string): void {
    const list = this.recent(account);
    list.push(this.now());
    this.failures.set(account, list);
    if (this.failures.size > 100_000) this.prune();
  }

  reset(account: string): void {
    this.failures.delete(account);
  }

  private recent(account: string): number[] {
    const cutoff = this.now() - this.windowMs;
    return (this.failures.get(account) ?? []).filter((t) => t > cutoff);
  }

  private prune(): void {
    for (const key of this.failures.keys()) if (!this.recent(key).length) this.failures.delete(key);
  }
}
