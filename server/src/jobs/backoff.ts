/**
 * Exponential backoff with jitter for job retries. The wait before retry n (n = 1 after the first failed
 * attempt) is `min(maxMs, baseMs * factor^(n-1))`, of which a random part in [1/2, 1] is used ("equal
 * jitter"): retries of many jobs that failed together spread out, and no wait is shorter than half its step.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 3_600_000, factor: 2 };

/** The un-jittered wait after `failedAttempts` failures (1 = after the first attempt failed). */
export function backoffStepMs(policy: BackoffPolicy, failedAttempts: number): number {
  const exponent = Math.max(0, failedAttempts - 1);
  // Past ~60 doublings the step is astronomically larger than any sane cap: stop multiplying.
  const raw = exponent > 60 ? Number.POSITIVE_INFINITY : policy.baseMs * policy.factor ** exponent;
  return Math.max(0, Math.min(policy.maxMs, raw));
}

/** The wait to use after `failedAttempts` failures: between half the step and the full step. */
export function backoffDelayMs(
  policy: BackoffPolicy,
  failedAttempts: number,
  random: () => number = Math.random,
): number {
  const step = backoffStepMs(policy, failedAttempts);
  return Math.round(step / 2 + random() * (step / 2));
}

/** The shortest total wait before attempt `attempts` can run (every jittered wait at its lower bound). */
export function minimumSpanMs(policy: BackoffPolicy, attempts: number): number {
  let total = 0;
  for (let failed = 1; failed < attempts; failed++) total += backoffStepMs(policy, failed) / 2;
  return total;
}

/**
 * The number of attempts that keeps retrying for at least `durationMs` after the first attempt, whatever the
 * jitter draws: the smallest n whose minimum span reaches the duration (capped at `limit`).
 */
export function attemptsCovering(policy: BackoffPolicy, durationMs: number, limit = 1000): number {
  if (policy.maxMs <= 0) throw new Error("a backoff policy needs a positive maxMs to cover a duration");
  let attempts = 1;
  while (minimumSpanMs(policy, attempts) < durationMs && attempts < limit) attempts++;
  return attempts;
}
