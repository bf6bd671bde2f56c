import type { Kysely } from "kysely";

/** Leases (the leader lease): who holds each one and until when (ISO-8601 UTC text, the database's clock). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("leases")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("renewed_at", "text", (c) => c.notNull())
    .execute();
}
