import type { Db } from "../../db/database.ts";
import type { DiscountsTable } from "../../db/tables.ts";
import { CrudRepository, type Refine } from "../shared/crud-repository.ts";
import type { ListParams } from "../shared/list-params.ts";

const PERCENT_FILTER = /^percent:/i;
const INTEGER_FILTER = /^percent:-?\d{1,9}$/i;

/**
 * `percent` is an INTEGER column: PostgreSQL refuses to compare it with text that is not a number, so a
 * `percent:abc` filter is turned into one that matches nothing (`id:` with an empty value) before searching.
 */
function guardIntegerFilters<P extends Pick<ListParams, "query">>(params: P): P {
  if (!params.query) return params;
  const words = params.query.split(/\s+/).map((w) => (PERCENT_FILTER.test(w) && !INTEGER_FILTER.test(w) ? "id:" : w));
  return { ...params, query: words.join(" ") };
}

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
      ownerColumn: "user_id",
    });
  }

  override list(
    ownerId: string | null,
    params: ListParams,
    refine?: Refine,
  ): Promise<{ rows: DiscountsTable[]; count: number }> {
    return super.list(ownerId, guardIntegerFilters(params), refine);
  }

  override count(
    ownerId: string | null,
    params: Pick<ListParams, "query" | "multiple">,
    refine?: Refine,
  ): Promise<number> {
    return super.count(ownerId, guardIntegerFilters(params), refine);
  }
}
