import pino, { type Logger } from "pino";

export type { Logger };

/** Paths whose values never reach a log line, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  "password",
  "*.password",
  "*.*.password",
  "access_token",
  "*.access_token",
  "token",
  "*.token",
  "secret",
  "*.secret",
  // Keys given to sign payouts (`send`'s options.wallets) and wallet secrets.
  "wallets",
  "*.wallets",
  "*.*.wallets",
  "private_key",
  "*.private_key",
  "seed",
  "*.seed",
  "xprv",
  "*.xprv",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, destination);
}
