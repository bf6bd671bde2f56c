import { describe, expect, it } from "vitest";
import { LoginThrottle } from "./login-throttle.ts";

const MINUTE = 60_000;

/** A throttle on a clock the test moves by hand. */
function throttleAt(maxFailures: number, windowMs: number) {
  const clock = { now: 1_700_000_000_000 };
  const throttle = new LoginThrottle(maxFailures, windowMs, () => clock.now);
  return { throttle, clock };
}

describe("LoginThrottle", () => {
  it("blocks an account once it reaches the failure limit, not before", () => {
    const { throttle } = throttleAt(3, 15 * MINUTE);
    expect(throttle.isBlocked("a@example.com")).toBe(false);
    throttle.recordFailure("a@example.com");
    throttle.recordFailure("a@example.com");
    expect(throttle.isBlocked("a@example.com")).toBe(false);
    throttle.recordFailure("a@example.com");
    expect(throttle.isBlocked("a@example.com")).toBe(true);
  });

  it("counts each account separately", () => {
    const { throttle } = throttleAt(2, 15 * MINUTE);
    throttle.recordFailure("a@example.com");
    throttle.recordFailure("a@example.com");
    throttle.recordFailure("b@example.com");
    expect(throttle.isBlocked("a@example.com")).toBe(true);
    expect(throttle.isBlocked("b@example.com")).toBe(false);
    expect(throttle.isBlocked("c@example.com")).toBe(false);
  });

  it("forgets failures once they leave the sliding window", () => {
    const { throttle, clock } = throttleAt(2, 15 * MINUTE);
    throttle.recordFailure("a@example.com");
    clock.now += 10 * MINUTE;
    throttle.recordFailure("a@example.com");
    expect(throttle.isBlocked("a@example.com")).toBe(true);
    clock.now += 5 * MINUTE - 1;
    expect(throttle.isBlocked("a@example.com")).toBe(true);
    clock.now += 1;
    // The first failure is now exactly one window old and no longer counts.
    expect(throttle.isBlocked("a@example.com")).toBe(false);
    throttle.recordFailure("a@example.com");
    expect(throttle.isBlocked("a@example.com")).toBe(true);
    clock.now += 15 * MINUTE;
    expect(throttle.isBlocked("a@example.com")).toBe(false);
  });

  it("clears an account on reset (a successful login)", () => {
    const { throttle } = throttleAt(2, 15 * MINUTE);
    throttle.recordFailure("a@example.com");
    throttle.recordFailure("a@example.com");
    throttle.recordFailure("b@example.com");
    throttle.reset("a@example.com");
    expect(throttle.isBlocked("a@example.com")).toBe(false);
    throttle.recordFailure("a@example.com");
    expect(throttle.isBlocked("a@example.com")).toBe(false);
    throttle.recordFailure("b@example.com");
    expect(throttle.isBlocked("b@example.com")).toBe(true);
  });

  it("keeps counting correctly when many accounts are tracked and old entries are pruned", () => {
    const { throttle, clock } = throttleAt(2, MINUTE);
    throttle.recordFailure("victim@example.com");
    throttle.recordFailure("victim@example.com");
    clock.now += 2 * MINUTE;
    throttle.recordFailure("recent@example.com");
    throttle.recordFailure("recent@example.com");
    for (let i = 0; i < 100_001; i++) throttle.recordFailure(`spray${i}@example.com`);
    expect(throttle.isBlocked("victim@example.com")).toBe(false);
    expect(throttle.isBlocked("recent@example.com")).toBe(true);
    expect(throttle.isBlocked("spray100000@example.com")).toBe(false);
    throttle.recordFailure("spray100000@example.com");
    expect(throttle.isBlocked("spray100000@example.com")).toBe(true);
  });
});
