import { describe, expect, it } from "vitest";
import { attemptsCovering, backoffDelayMs, backoffStepMs, minimumSpanMs } from "./backoff.ts";

const policy = { baseMs: 1000, factor: 2, maxMs: 10_000 };

describe("backoff", () => {
  it("doubles the step from the base up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffStepMs(policy, n))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffStepMs(policy, 500)).toBe(10_000);
  });

  it("jitters each wait between half the step and the full step", () => {
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(2000);
    expect(backoffDelayMs(policy, 3, () => 0.999_999)).toBe(4000);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs(policy, 4);
      expect(delay).toBeGreaterThanOrEqual(4000);
      expect(delay).toBeLessThanOrEqual(8000);
    }
  });

  it("counts the attempts needed to keep retrying for a duration whatever the jitter draws", () => {
    expect(minimumSpanMs(policy, 1)).toBe(0);
    expect(minimumSpanMs(policy, 3)).toBe(500 + 1000);
    const attempts = attemptsCovering(policy, 60_000);
    expect(minimumSpanMs(policy, attempts)).toBeGreaterThanOrEqual(60_000);
    expect(minimumSpanMs(policy, attempts - 1)).toBeLessThan(60_000);
  });
});
