import { randomBytes } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A ULID-shaped object id, as Bitcart uses: 26 characters of Crockford base32, the first 10 a millisecond
 * timestamp so ids sort roughly by creation, the rest 80 random bits. URL-safe and case-insensitive.
 */
export function newId(now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = "";
  for (let i = 0; i < 16; i++) rand += CROCKFORD[bytes[i]! % 32];
  return time + rand;
}

/** A bearer secret: 256 random bits, base64url (like Python's `secrets.token_urlsafe(32)`). */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}
