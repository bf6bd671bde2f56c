import type { Db } from "../../db/database.ts";
import type { TokensTable, UsersTable } from "../../db/tables.ts";
import { CrudRepository } from "../shared/crud-repository.ts";

export class TokenRepository extends CrudRepository<"tokens"> {
  constructor(db: Db) {
    super(db, {
      table: "tokens",
      columns: ["id", "app_id", "redirect_url", "created", "updated"],
      textColumns: ["id", "app_id", "redirect_url", "permissions"],
      ownerColumn: "user_id",
    });
  }

  /** The token and its owner in one query: this runs on every authenticated request. */
  async findWithUser(tokenHash: string): Promise<{ token: TokensTable; user: UsersTable } | undefined> {
    const row = await this.db.kysely
      .selectFrom("tokens")
      .innerJoin("users", "users.id", "tokens.user_id")
      .select([
        "tokens.id as t_id",
        "tokens.permissions as t_permissions",
        "users.id as u_id",
        "users.email as u_email",
        "users.is_superuser as u_is_superuser",
        "users.is_enabled as u_is_enabled",
      ])
      .where("tokens.token_hash", "=", tokenHash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      token: { id: row.t_id, permissions: row.t_permissions } as TokensTable,
      user: {
        id: row.u_id,
        email: row.u_email,
        is_superuser: row.u_is_superuser,
        is_enabled: row.u_is_enabled,
      } as UsersTable,
    };
  }

  async deleteForUser(userId: string, exceptTokenId?: string): Promise<void> {
    let query = this.db.kysely.deleteFrom("tokens").where("user_id", "=", userId);
    if (exceptTokenId) query = query.where("id", "!=", exceptTokenId);
    await query.execute();
  }
}
