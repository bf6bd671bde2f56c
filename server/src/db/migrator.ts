import { type Migration, type MigrationProvider, Migrator } from "kysely";
import type { Db } from "./database.ts";
import * as m0001 from "./migrations/0001-init.ts";
import * as m0002 from "./migrations/0002-wallet-addresses.ts";
import * as m0003 from "./migrations/0003-invoices.ts";
import * as m0005 from "./migrations/0005-leases.ts";
import * as m0006 from "./migrations/0006-jobs-webhooks.ts";
import * as m0008 from "./migrations/0008-email-security.ts";
import * as m0009 from "./migrations/0009-payouts.ts";

/** Append-only: never edit a migration that has shipped; add the next one. */
const MIGRATIONS: Record<string, Migration> = {
  "0001-init": m0001,
  "0002-wallet-addresses": m0002,
  "0003-invoices": m0003,
  "0005-leases": m0005,
  "0006-jobs-webhooks": m0006,
  "0008-email-security": m0008,
  "0009-payouts": m0009,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export interface MigrationReport {
  applied: string[];
}

export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  const migrator = new Migrator({
    db: db.kysely,
    provider,
    migrationTableName: "till_migrations",
    migrationLockTableName: "till_migrations_lock",
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName) };
}
