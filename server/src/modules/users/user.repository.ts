import type { Db } from "../../db/database.ts";
import type { UsersTable } from "../../db/tables.ts";
import { CrudRepository } from "../shared/crud-repository.ts";

export class UserRepository extends CrudRepository<"users"> {
  constructor(db: Db) {
    super(db, {
      table: "users",
      columns: ["id", "email", "is_superuser", "is_verified", "is_enabled", "tfa_enabled", "created", "updated"],
      textColumns: ["id", "email"],
      boolColumns: ["is_superuser", "is_verified", "is_enabled", "tfa_enabled"],
      ownerColumn: null,
    });
  }

  findByEmail(email: string): Promise<UsersTable | undefined> {
    return this.db.kysely.selectFrom("users").selectAll().where("email", "=", email.toLowerCase()).executeTakeFirst();
  }

  findById(id: string): Promise<UsersTable | undefined> {
    return this.db.kysely.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Compare-and-set: false when another request changed the codes first (a recovery code used twice at once). */
  async replaceRecoveryCodes(id: string, expected: string, next: string): Promise<boolean> {
    const result = await this.db.kysely
      .updateTable("users")
      .set({ recovery_codes: next })
      .where("id", "=", id)
      .where("recovery_codes", "=", expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Per-user object counts for the dashboard. Each table is counted with its own query: no SQL SUM. */
  async countOwned(userId: string, tables: readonly OwnedTable[]): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const row = await this.db.kysely
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as("n"))
        .where("user_id", "=", userId)
        .executeTakeFirst();
      counts[table] = Number(row?.n ?? 0);
    }
    return counts;
  }
}

export type OwnedTable = "wallets" | "stores" | "notifications" | "products" | "discounts" | "templates" | "files";
