import { createHmac } from "node:crypto";
import { safeEqual } from "../../kernel/hashing.ts";

/** The header carrying a webhook's signature (BTCPay's scheme under Till's name). */
export const SIGNATURE_HEADER = "Till-Sig";

/** `sha256=<lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the UTF-8 secret>`. */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Checks a `Till-Sig` value against the body, in constant time. What a receiver does. */
export function verifySignature(secret: string, body: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  return safeEqual(signBody(secret, body), header.trim().toLowerCase());
}
