import type { Kysely } from "kysely";

/** Wallet key metadata, address indexes, the derived-address table and per-chain backend progress. */
export async function up(db: Kysely<any>): Promise<void> {
  const add = (column: string, type: "text" | "integer", fallback: string | number) =>
    db.schema
      .alterTable("wallets")
      .addColumn(column, type, (c) => c.notNull().defaultTo(fallback))
      .execute();
  await add("key_kind", "text", "xpub");
  await add("script_type", "text", "");
  await add("derivation", "text", "");
  await add("descriptor", "text", "");
  await add("hot_wallet", "integer", 0);
  await add("private_material", "text", "");
  await add("receive_index", "integer", 0);
  await add("change_index", "integer", 0);
  await add("last_used_receive", "integer", -1);
  await add("last_used_change", "integer", -1);
  await add("balance_confirmed", "text", "0");
  await add("balance_unconfirmed", "text", "0");
  await add("sync_status", "text", "pending");
  await add("sync_error", "text", "");
  await db.schema.alterTable("wallets").addColumn("synced_at", "text").execute();

  await db.schema
    .createTable("wallet_addresses")
    .addColumn("wallet_id", "text", (c) => c.notNull().references("wallets.id").onDelete("cascade"))
    .addColumn("chain", "integer", (c) => c.notNull())
    .addColumn("idx", "integer", (c) => c.notNull())
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("script", "text", (c) => c.notNull())
    .addColumn("used", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("wallet_addresses_pk", ["wallet_id", "chain", "idx"])
    .execute();
  await db.schema.createIndex("wallet_addresses_script").on("wallet_addresses").column("script").execute();

  await db.schema
    .createTable("chain_state")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("updated", "text", (c) => c.notNull())
    .execute();
}
