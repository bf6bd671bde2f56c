import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const WEB_DIR = process.env.TILL_TEST_WEB_DIR ?? path.resolve(import.meta.dirname, "../../../web/dist");
const BUDGET_BYTES = 100 * 1024;

/** Every script and stylesheet a built page loads, following the static imports between chunks. */
function assetsOf(page: string): string[] {
  const html = readFileSync(path.join(WEB_DIR, page), "utf8");
  const found = new Set<string>();
  const pending = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  while (pending.length > 0) {
    const asset = pending.pop()!;
    if (found.has(asset)) continue;
    found.add(asset);
    if (!asset.endsWith(".js")) continue;
    const code = readFileSync(path.join(WEB_DIR, asset), "utf8");
    for (const m of code.matchAll(/(?:import|from)\s*["']\.\/([\w.-]+\.(?:js|css))["']/g)) {
      pending.push(`assets/${m[1]}`);
    }
  }
  return [...found].sort();
}

describe("the checkout bundle", () => {
  it("stays under 100 KB of gzipped JS and CSS, React included", () => {
    const assets = assetsOf("checkout.html");
    expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
    expect(assets.some((a) => a.endsWith(".css"))).toBe(true);
    const sizes = assets.map((asset) => gzipSync(readFileSync(path.join(WEB_DIR, asset)), { level: 9 }).length);
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(BUDGET_BYTES);
  });

  it("loads none of the admin panel's code", () => {
    for (const asset of assetsOf("checkout.html")) expect(asset).not.toMatch(/^assets\/admin-/);
  });
});
