/** Time source, injected so tests can move time without sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Timestamps are stored as ISO-8601 UTC text with milliseconds, so they sort and compare as strings on both databases. */
export const isoNow = (clock: Clock = systemClock) => clock.now().toISOString();
