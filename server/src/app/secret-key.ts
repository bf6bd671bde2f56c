import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { newSecret } from "../kernel/ids.ts";

/**
 * The key that seals secrets at rest: TILL_SECRET_KEY when set (several processes must share it), else a
 * key generated once into `<data dir>/secret.key` (mode 0600). Losing it makes sealed secrets unreadable.
 */
export function loadSecretKey(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, "secret.key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const key = newSecret(32);
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: "wx" });
  return key;
}
