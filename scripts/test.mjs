#!/usr/bin/env node
// The whole test suite: typecheck and lint, then vitest (unit + integration on SQLite and on PostgreSQL).
// Prints `N passed, N failed` as its last line; exits non-zero when anything failed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

const extra = process.argv.slice(2);
let failedExtra = 0;

const typecheck = spawnSync("npx", ["tsc", "-p", "server", "--noEmit"], { stdio: "inherit" });
if (typecheck.status !== 0) {
  console.error("typecheck failed");
  failedExtra += 1;
}
const sdkCheck = spawnSync("npx", ["tsc", "-p", "sdk", "--noEmit"], { stdio: "inherit" });
if (sdkCheck.status !== 0) {
  console.error("sdk typecheck failed");
  failedExtra += 1;
}
const webCheck = spawnSync("npx", ["tsc", "-p", "web", "--noEmit"], { stdio: "inherit" });
if (webCheck.status !== 0) {
  console.error("web typecheck failed");
  failedExtra += 1;
}
// The browser tests load the built pages; the build also prints the bundle sizes.
const webBuild = spawnSync("npm", ["run", "build", "-w", "web"], { stdio: "inherit" });
if (webBuild.status !== 0) {
  console.error("web build failed");
  failedExtra += 1;
}
const lint = spawnSync("npx", ["biome", "check", "."], { stdio: "inherit" });
if (lint.status !== 0) {
  console.error("lint (biome check) failed");
  failedExtra += 1;
}

mkdirSync("test-results", { recursive: true });
const report = "test-results/vitest.json";
rmSync(report, { force: true });
const run = spawnSync(
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra],
  { stdio: "inherit" },
);

let passed = 0;
let failed = failedExtra;
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, "utf8"));
  passed = result.numPassedTests;
  failed += result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0);
  for (const suite of result.testResults ?? []) {
    if (suite.status === "failed" && (suite.assertionResults ?? []).length === 0) failed += 1;
  }
  // A skipped or todo test is not a pass; it is reported so nobody mistakes it for one.
  const pending = result.numPendingTests + (result.numTodoTests ?? 0);
  if (pending) console.log(`${pending} skipped (not counted as passed)`);
} else {
  failed += 1;
}
if (run.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
