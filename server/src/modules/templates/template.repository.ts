import type { Db } from "../../db/database.ts";
import type { TemplatesTable } from "../../db/tables.ts";
import { CrudRepository } from "../shared/crud-repository.ts";

/** Thrown when (user_id, name) is already taken, including by a concurrent insert the pre-check missed. */
export class TemplateNameTaken extends Error {
  constructor() {
    super("Template name taken");
    this.name = "TemplateNameTaken";
  }
}

/** SQLite and PostgreSQL report a unique-constraint violation with these codes. */
const isUniqueViolation = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505";
};

async function translateConflict<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new TemplateNameTaken();
    throw error;
  }
}

export class TemplateRepository extends CrudRepository<"templates"> {
  constructor(db: Db) {
    super(db, {
      table: "templates",
      columns: ["id", "user_id", "name", "created", "updated"],
      textColumns: ["name", "text"],
      ownerColumn: "user_id",
    });
  }

  async nameTaken(userId: string, name: string, exceptId?: string): Promise<boolean> {
    let query = this.db.kysely
      .selectFrom("templates")
      .select("id")
      .where("user_id", "=", userId)
      .where("name", "=", name);
    if (exceptId) query = query.where("id", "!=", exceptId);
    return (await query.executeTakeFirst()) !== undefined;
  }

  override insert(row: TemplatesTable): Promise<void> {
    return translateConflict(() => super.insert(row));
  }

  override update(id: string, patch: Partial<TemplatesTable>): Promise<void> {
    return translateConflict(() => super.update(id, patch));
  }
}
