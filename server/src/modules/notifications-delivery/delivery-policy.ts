import { attemptsCovering, type BackoffPolicy } from "../../jobs/backoff.ts";

/** How a notification channel retries: the waits between attempts and how many attempts there are. */
export interface DeliveryPolicy {
  backoff: BackoffPolicy;
  maxAttempts: number;
}

/** Deliveries keep being retried for at least this long after the first attempt. */
export const DELIVERY_RETRY_WINDOW_MS = 24 * 3_600_000;

/** 10 s, doubling, at most 2 h between attempts. */
export const DELIVERY_BACKOFF: BackoffPolicy = { baseMs: 10_000, factor: 2, maxMs: 2 * 3_600_000 };

/**
 * IPN and webhook retries: enough attempts that, even with every jittered wait at its shortest, the last one
 * comes at least 24 hours after the first (34 attempts; about 49 hours if every wait is at its longest).
 */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  backoff: DELIVERY_BACKOFF,
  maxAttempts: attemptsCovering(DELIVERY_BACKOFF, DELIVERY_RETRY_WINDOW_MS),
};
