import { describe, expect, it } from "vitest";
import { SecretBox } from "./secret-box.ts";

const KEY = "a-server-key-of-at-least-thirty-two-characters";
const PREFIX = "enc:v1:";

/** Flips one bit of the decoded sealed bytes at `index` and re-encodes. */
function flip(sealed: string, index: number): string {
  const raw = Buffer.from(sealed.slice(PREFIX.length), "base64url");
  raw[index] = raw[index]! ^ 0x01;
  return PREFIX + raw.toString("base64url");
}

describe("SecretBox", () => {
  const box = new SecretBox(KEY);

  it.each(["smtp-password", "x", "pässwörd 🔑 كلمة", "a".repeat(10_000), "line\nbreak\u0000nul"])(
    "round-trips %j",
    (plain) => {
      const sealed = box.seal(plain);
      expect(sealed.startsWith(PREFIX)).toBe(true);
      // A one-letter text may occur in base64 by chance; anything longer must not show through.
      if (plain.length > 4) expect(sealed).not.toContain(plain);
      expect(box.open(sealed)).toBe(plain);
    },
  );

  it("opens with another instance built from the same key", () => {
    expect(new SecretBox(KEY).open(box.seal("shared"))).toBe("shared");
  });

  it("seals the same text differently every time", () => {
    const a = box.seal("same");
    const b = box.seal("same");
    expect(a).not.toBe(b);
    expect(box.open(a)).toBe("same");
    expect(box.open(b)).toBe("same");
  });

  it("leaves the empty string empty", () => {
    expect(box.seal("")).toBe("");
    expect(box.open("")).toBe("");
  });

  it("passes values without the prefix through as plain text", () => {
    expect(box.open("written-before-encryption")).toBe("written-before-encryption");
    expect(box.open("enc:v2:whatever")).toBe("enc:v2:whatever");
  });

  it("throws when the IV, the tag or the ciphertext was tampered with", () => {
    const sealed = box.seal("do not touch");
    const length = Buffer.from(sealed.slice(PREFIX.length), "base64url").length;
    for (const index of [0, 11, 12, 27, 28, length - 1]) {
      expect(() => box.open(flip(sealed, index))).toThrow();
    }
  });

  it("throws when the sealed value was truncated or extended", () => {
    const sealed = box.seal("do not touch");
    expect(() => box.open(sealed.slice(0, -4))).toThrow();
    expect(() => box.open(`${sealed}AAAA`)).toThrow();
    expect(() => box.open(PREFIX)).toThrow();
    expect(() => box.open(`${PREFIX}short`)).toThrow();
  });

  it("throws when opened under another key", () => {
    const sealed = box.seal("private");
    expect(() => new SecretBox(`${KEY}-other`).open(sealed)).toThrow();
  });
});
