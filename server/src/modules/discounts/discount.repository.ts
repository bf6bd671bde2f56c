import type { Db } from "../../db/database.ts";
import { CrudRepository } from "../shared/crud-repository.ts";

export class DiscountRepository extends CrudRepository<"discounts"> {
  constructor(db: Db) {
    super(db, {
      table: "discounts",
      columns: [
        "id",
        "user_id",
        "name",
        "percent",
        "end_date",
        "description",
        "promocode",
        "currencies",
        "created",
        "updated",
      ],
      textColumns: ["name", "description", "promocode", "currencies"],
      intColumns: ["percent"],
      ownerColumn: "user_id",
    });
  }
}
