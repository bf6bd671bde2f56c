import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, type Transaction } from "kysely";
import pg from "pg";
import type { Database } from "./tables.ts";

export type Dialect = "sqlite" | "postgres";

export interface Db {
  /** The query builder: inside `transaction()`, the transaction's; elsewhere the pool's. */
  readonly kysely: Kysely<Database>;
  dialect: Dialect;
  /**
   * Runs `work` in one transaction: every query made through `kysely` while it runs (by any repository)
   * belongs to it, and all of them commit or none. Nested calls join the outer transaction.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `work` outside any transaction, for background work started from inside one. */
  detached<T>(work: () => T): T;
  close(): Promise<void>;
}

interface ActiveTransaction {
  trx: Transaction<Database>;
  done: boolean;
}

/**
 * Wraps a Kysely instance with an ambient transaction (AsyncLocalStorage), so repositories need no
 * transaction parameter. Work started inside a transaction but still running after it ended (a background
 * task) falls back to the pool instead of using a finished transaction.
 */
function withTransactions(root: Kysely<Database>, dialect: Dialect): Db {
  const active = new AsyncLocalStorage<ActiveTransaction>();
  return {
    get kysely() {
      const current = active.getStore();
      return current && !current.done ? current.trx : root;
    },
    dialect,
    transaction: async (work) => {
      const current = active.getStore();
      if (current && !current.done) return work();
      return root.transaction().execute(async (trx) => {
        const state: ActiveTransaction = { trx, done: false };
        try {
          return await active.run(state, work);
        } finally {
          state.done = true;
        }
      });
    },
    detached: (work) => active.exit(work),
    close: () => root.destroy(),
  };
}

// numeric (1700) and int8 (20) stay strings: amounts and counts must never pass through a JS float silently.
pg.types.setTypeParser(1700, (v) => v);
pg.types.setTypeParser(20, (v) => v);

export function openDatabase(url: string): Db {
  if (url.startsWith("sqlite:")) return openSqlite(url.slice("sqlite:".length));
  return openPostgres(url);
}

function openSqlite(file: string): Db {
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  return withTransactions(
    new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }),
    "sqlite",
  );
}

/**
 * Kysely prepares every query anew; preparing is a measurable share of a request's time on SQLite. Queries are
 * built from a small set of shapes, so prepared statements are kept by their SQL text (bounded, oldest dropped).
 * Kysely serialises access to the one connection, so a statement is never used by two queries at once.
 */
function withStatementCache(sqlite: SQLite.Database, capacity = 1000) {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        statements.set(sql, statement);
        if (statements.size > capacity) statements.delete(statements.keys().next().value!);
      }
      return statement;
    },
    close() {
      statements.clear();
      sqlite.close();
    },
  };
}

function openPostgres(url: string): Db {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  return withTransactions(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), "postgres");
}
