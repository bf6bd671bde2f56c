import { randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { sha256Hex } from "../../kernel/hashing.ts";

export const TOTP_ISSUER = "Till";
export const RECOVERY_CODE_COUNT = 10;

export const newTotpSecret = () => new Secret({ size: 20 }).base32;

const totp = (secret: string, email: string) =>
  new TOTP({ issuer: TOTP_ISSUER, label: email, algorithm: "SHA1", digits: 6, period: 30, secret });

/** The otpauth:// URI an authenticator app scans. */
export const totpUri = (secret: string, email: string) => totp(secret, email).toString();

/** A 6-digit code of this or an adjacent 30-second step (clock drift). */
export function totpMatches(secret: string, email: string, code: string): boolean {
  const digits = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(digits)) return false;
  return totp(secret, email).validate({ token: digits, window: 1 }) !== null;
}

const ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

function randomGroup(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** Recovery codes as Bitcart formats them (`xxxxx-xxxxx`), 50 random bits each. */
export const newRecoveryCodes = () =>
  Array.from({ length: RECOVERY_CODE_COUNT }, () => `${randomGroup(5)}-${randomGroup(5)}`);

export const hashRecoveryCode = (code: string) => sha256Hex(`recovery:${code.trim().toLowerCase()}`);

/** Bitcart's email verification code: 8 characters, hyphenated (`abcd-efgh`). */
export const newVerificationCode = () => `${randomGroup(4)}-${randomGroup(4)}`;
