import type { Db } from "../../db/database.ts";
import { CrudRepository } from "../shared/crud-repository.ts";

export class NotificationRepository extends CrudRepository<"notifications"> {
  constructor(db: Db) {
    super(db, {
      table: "notifications",
      columns: ["id", "user_id", "name", "provider", "created", "updated"],
      textColumns: ["name", "provider"],
      ownerColumn: "user_id",
    });
  }
}
