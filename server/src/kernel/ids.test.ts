import { describe, expect, it } from "vitest";
import { newId, newSecret } from "./ids.ts";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ID_SHAPE = /^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{26}$/;

/** Reads the 48-bit millisecond timestamp back from an id's first 10 characters. */
const decodeTime = (id: string) => [...id.slice(0, 10)].reduce((t, c) => t * 32 + CROCKFORD.indexOf(c), 0);

describe("newId", () => {
  it("is 26 characters of Crockford base32 (no I, L, O, U)", () => {
    for (let i = 0; i < 1000; i++) expect(newId()).toMatch(ID_SHAPE);
  });

  it("encodes the millisecond timestamp in its first 10 characters", () => {
    for (const time of [0, 1, 31, 32, 1_700_000_000_000, 2 ** 48 - 1]) {
      expect(decodeTime(newId(time))).toBe(time);
    }
    expect(newId(0).slice(0, 10)).toBe("0000000000");
    expect(newId(2 ** 48 - 1).slice(0, 10)).toBe("7ZZZZZZZZZ");
  });

  it("uses the current time by default", () => {
    const before = Date.now();
    const time = decodeTime(newId());
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });

  it("sorts as text in creation order across milliseconds, including base32 carries", () => {
    const times = [0, 1, 30, 31, 32, 33, 1023, 1024, 1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000];
    const ids = times.map((t) => newId(t));
    expect([...ids].sort()).toEqual(ids);
    for (let i = 0; i < 200; i++) {
      const t = 1_600_000_000_000 + Math.floor(Math.random() * 1e11);
      expect(newId(t) < newId(t + 1)).toBe(true);
    }
  });

  it("never repeats, even within one millisecond", () => {
    const fixed = new Set(Array.from({ length: 10_000 }, () => newId(1_700_000_000_000)));
    expect(fixed.size).toBe(10_000);
    const current = new Set(Array.from({ length: 10_000 }, () => newId()));
    expect(current.size).toBe(10_000);
  });

  it("spreads its random part over the whole alphabet", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) for (const c of newId(0).slice(10)) seen.add(c);
    expect(seen.size).toBe(32);
  });
});

describe("newSecret", () => {
  it("is 256 bits of base64url by default, and unique", () => {
    const secrets = Array.from({ length: 1000 }, () => newSecret());
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, "base64url")).toHaveLength(32);
    }
    expect(new Set(secrets).size).toBe(1000);
  });

  it("takes its length in bytes", () => {
    expect(Buffer.from(newSecret(16), "base64url")).toHaveLength(16);
  });
});
