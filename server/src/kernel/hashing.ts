import { createHash, timingSafeEqual } from "node:crypto";

/** Tokens are high-entropy secrets: a fast digest is enough to keep them useless if the database leaks. */
export const sha256Hex = (value: string) => createHash("sha256").update(value).digest("hex");

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
