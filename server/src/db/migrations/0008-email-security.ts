import type { Kysely } from "kysely";

/**
 * Account security and notification delivery: single-use codes (password reset, email verification, the
 * second login step, WebAuthn challenges), stored only as hashes; and per provider, the events it fires on
 * and the outcome of its last delivery.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("auth_codes")
    .addColumn("code_hash", "text", (c) => c.primaryKey())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("expires", "text", (c) => c.notNull())
    .addColumn("created", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("auth_codes_user").on("auth_codes").columns(["user_id", "purpose"]).execute();
  await db.schema.createIndex("auth_codes_expires").on("auth_codes").column("expires").execute();

  await db.schema
    .alterTable("notifications")
    .addColumn("events", "text", (c) => c.notNull().defaultTo('["invoice.complete"]'))
    .execute();
  await db.schema.alterTable("notifications").addColumn("last_error", "text").execute();
  await db.schema.alterTable("notifications").addColumn("last_sent_at", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("auth_codes").execute();
  await db.schema.alterTable("notifications").dropColumn("events").execute();
  await db.schema.alterTable("notifications").dropColumn("last_error").execute();
  await db.schema.alterTable("notifications").dropColumn("last_sent_at").execute();
}
