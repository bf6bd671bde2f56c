import { existsSync } from "node:fs";
import path from "node:path";

/**
 * Where the built web app is: `TILL_WEB_DIR` when set, else `web/dist` in the checkout this code runs from
 * (found by walking up from this file, so the bundled server and the sources in tests both find it).
 */
export function findWebDir(configured: string | undefined): string | null {
  if (configured) return path.resolve(configured);
  let dir = import.meta.dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, "web", "dist");
    if (existsSync(path.join(candidate, "admin.html"))) return candidate;
    dir = path.dirname(dir);
  }
  return null;
}
