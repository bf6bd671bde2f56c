import type { Kysely } from "kysely";

const owned = (table: ReturnType<Kysely<any>["schema"]["createTable"]>) =>
  table
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created", "text", (c) => c.notNull())
    .addColumn("updated", "text", (c) => c.notNull());

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("hashed_password", "text", (c) => c.notNull())
    .addColumn("is_superuser", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("is_verified", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("is_enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("tfa_enabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("totp_key", "text")
    .addColumn("recovery_codes", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("fido2_devices", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("settings", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created", "text", (c) => c.notNull())
    .addColumn("updated", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("app_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("redirect_url", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("permissions", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created", "text", (c) => c.notNull())
    .addColumn("updated", "text", (c) => c.notNull())
    .addColumn("last_used", "text")
    .execute();
  await db.schema.createIndex("tokens_user_id").on("tokens").column("user_id").execute();

  await db.schema
    .createTable("settings")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated", "text", (c) => c.notNull())
    .execute();

  await owned(db.schema.createTable("wallets"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("xpub", "text", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("lightning_enabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("label", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("hint", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("contract", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("additional_xpub_data", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("transaction_speed", "integer")
    .execute();

  await owned(db.schema.createTable("stores"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("default_currency", "text", (c) => c.notNull())
    .addColumn("email_settings", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("checkout_settings", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("theme_settings", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("plugin_settings", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("templates", "text", (c) => c.notNull().defaultTo("{}"))
    .execute();

  await owned(db.schema.createTable("notifications"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
    .execute();

  await owned(db.schema.createTable("products"))
    .addColumn("store_id", "text", (c) => c.references("stores.id").onDelete("set null"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("price", "text", (c) => c.notNull())
    .addColumn("quantity", "integer", (c) => c.notNull())
    .addColumn("download_url", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("category", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("image", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
    .addColumn("templates", "text", (c) => c.notNull().defaultTo("{}"))
    .execute();

  await owned(db.schema.createTable("discounts"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("percent", "integer", (c) => c.notNull())
    .addColumn("end_date", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("promocode", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("currencies", "text", (c) => c.notNull().defaultTo(""))
    .execute();

  await owned(db.schema.createTable("templates"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addUniqueConstraint("templates_user_name", ["user_id", "name"])
    .execute();

  await owned(db.schema.createTable("files"))
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("stored_name", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("wallets_stores")
    .addColumn("store_id", "text", (c) => c.notNull().references("stores.id").onDelete("cascade"))
    .addColumn("wallet_id", "text", (c) => c.notNull().references("wallets.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("wallets_stores_pk", ["store_id", "wallet_id"])
    .execute();
  await db.schema
    .createTable("notifications_stores")
    .addColumn("store_id", "text", (c) => c.notNull().references("stores.id").onDelete("cascade"))
    .addColumn("notification_id", "text", (c) => c.notNull().references("notifications.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("notifications_stores_pk", ["store_id", "notification_id"])
    .execute();
  await db.schema
    .createTable("discounts_products")
    .addColumn("product_id", "text", (c) => c.notNull().references("products.id").onDelete("cascade"))
    .addColumn("discount_id", "text", (c) => c.notNull().references("discounts.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("discounts_products_pk", ["product_id", "discount_id"])
    .execute();

  for (const table of ["wallets", "stores", "notifications", "products", "discounts", "templates", "files"]) {
    await db.schema.createIndex(`${table}_user_created`).on(table).columns(["user_id", "created"]).execute();
  }
  await db.schema.createIndex("products_store").on("products").column("store_id").execute();
}
