import type { Db } from "../../db/database.ts";
import { CrudRepository } from "../shared/crud-repository.ts";

export class FileRepository extends CrudRepository<"files"> {
  constructor(db: Db) {
    super(db, {
      table: "files",
      columns: ["id", "filename", "stored_name", "content_type", "created", "updated"],
      textColumns: ["id", "filename", "content_type"],
      ownerColumn: "user_id",
    });
  }

  /** The stored names of the owner's files among `ids`, to remove their content with them. */
  async storedNames(ownerId: string, ids: readonly string[]): Promise<{ id: string; stored_name: string }[]> {
    if (!ids.length) return [];
    return this.db.kysely
      .selectFrom("files")
      .select(["id", "stored_name"])
      .where("user_id", "=", ownerId)
      .where("id", "in", [...ids])
      .execute();
  }

  /** Any owner's file: the download handle is public, as in Bitcart. */
  findStoredName(id: string): Promise<{ stored_name: string } | undefined> {
    return this.db.kysely.selectFrom("files").select("stored_name").where("id", "=", id).executeTakeFirst();
  }
}
