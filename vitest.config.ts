import { defineConfig } from "vitest/config";

// The integration suite runs twice: once on SQLite, once on PostgreSQL (TILL_TEST_DB picks the dialect).
const integration = (dialect: "sqlite" | "postgres") => ({
  test: {
    name: `integration-${dialect}`,
    include: ["server/test/**/*.test.ts"],
    exclude: ["server/test/chain/**", "server/test/web/**"],
    env: { TILL_TEST_DB: dialect },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["server/src/**/*.test.ts", "sdk/src/**/*.test.ts"] } },
      // Tests against real chain peers (litecoind regtest); they touch no Till database, so they run once.
      {
        test: {
          name: "chain",
          include: ["server/test/chain/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      // Pages in a real headless Chromium against a real Till (SQLite) and, where money moves, litecoind.
      {
        test: {
          name: "web",
          include: ["server/test/web/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      integration("sqlite"),
      integration("postgres"),
    ],
  },
});
