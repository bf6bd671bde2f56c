import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database, TableName } from "../../db/tables.ts";
import type { ListParams } from "./list-params.ts";
import { parseSearchQuery } from "./search-query.ts";

/** What the generic repository needs to know of a table to list, search and own its rows. */
export interface TableSpec<T extends TableName> {
  table: T;
  /** Columns that `field:value` and `sort` may name. */
  columns: readonly (keyof Database[T] & string)[];
  /** Columns free text is matched against (case-insensitive substring). */
  textColumns: readonly (keyof Database[T] & string)[];
  /** INTEGER 0/1 columns, so `is_enabled:true` works. */
  boolColumns?: readonly (keyof Database[T] & string)[];
  /** INTEGER columns: a filter value that is not an integer matches nothing (PostgreSQL would refuse the comparison). */
  intColumns?: readonly (keyof Database[T] & string)[];
  /** The owner column; null for tables listed without an owner (users, for superusers). */
  ownerColumn: (keyof Database[T] & string) | null;
}

type Row<T extends TableName> = Database[T];
// Kysely's dynamic builders are typed per table; the generic code below works on any of them.
type AnyQuery = SelectQueryBuilder<any, any, any>;
export type Refine = (query: AnyQuery) => AnyQuery;

const LIKE_ESCAPE = /[\\%_]/g;
const METADATA_KEY = /^[A-Za-z0-9_-]{1,64}$/;

export class CrudRepository<T extends TableName> {
  constructor(
    readonly db: Db,
    readonly spec: TableSpec<T>,
  ) {}

  private base(ownerId: string | null): AnyQuery {
    let query: AnyQuery = this.db.kysely.selectFrom(this.spec.table as TableName);
    if (ownerId !== null && this.spec.ownerColumn) query = query.where(this.spec.ownerColumn, "=", ownerId as any);
    return query;
  }

  private search(query: AnyQuery, params: Pick<ListParams, "query" | "multiple">): AnyQuery {
    const parsed = parseSearchQuery(params.query ?? "");
    const { columns, boolColumns = [], intColumns = [] } = this.spec;
    for (const [key, values] of parsed.filters) {
      if (key.startsWith("metadata.")) {
        query = this.metadataFilter(query, key.slice("metadata.".length), values);
      } else if ((boolColumns as readonly string[]).includes(key)) {
        query = query.where(
          key,
          "in",
          values.map((v) => (["true", "1", "yes"].includes(v.toLowerCase()) ? 1 : 0)),
        );
      } else if ((intColumns as readonly string[]).includes(key)) {
        const numbers = values
          .filter((v) => /^-?\d{1,10}$/.test(v))
          .map(Number)
          .filter((n) => n >= -2_147_483_648 && n <= 2_147_483_647);
        query = numbers.length ? query.where(key, "in", numbers) : query.where(sql<SqlBool>`1 = 0`);
      } else if ((columns as readonly string[]).includes(key)) {
        query = query.where(key, "in", values);
      }
    }
    if (parsed.startDate) query = query.where("created", ">=", parsed.startDate.toISOString());
    if (parsed.endDate) query = query.where("created", "<=", parsed.endDate.toISOString());
    const terms = params.multiple ? parsed.text.split(",") : [parsed.text];
    const words = terms.map((t) => t.trim().toLowerCase()).filter(Boolean);
    if (words.length && this.spec.textColumns.length) {
      query = query.where((eb) =>
        eb.or(
          words.flatMap((word) => {
            const pattern = `%${word.replace(LIKE_ESCAPE, (c) => `\\${c}`)}%`;
            return this.spec.textColumns.map(
              (column) => sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`,
            );
          }),
        ),
      );
    }
    return query;
  }

  private metadataFilter(query: AnyQuery, key: string, values: string[]): AnyQuery {
    if (!METADATA_KEY.test(key)) return query.where(sql<SqlBool>`1 = 0`);
    const extracted: Expression<string> =
      this.db.dialect === "sqlite"
        ? sql<string>`cast(json_extract(metadata, ${`$."${key}"`}) as text)`
        : sql<string>`(metadata::jsonb ->> ${key})`;
    return query.where(extracted, "in", values);
  }

  async list(
    ownerId: string | null,
    params: ListParams,
    refine: Refine = (q) => q,
  ): Promise<{ rows: Row<T>[]; count: number }> {
    const filtered = refine(this.search(this.base(ownerId), params));
    const countRow = await filtered.select((eb) => eb.fn.countAll().as("n")).executeTakeFirst();
    const sortColumn = (this.spec.columns as readonly string[]).includes(params.sort) ? params.sort : "created";
    let rowsQuery = filtered
      .selectAll()
      .orderBy(sortColumn, params.desc ? "desc" : "asc")
      .orderBy("id", params.desc ? "desc" : "asc");
    if (params.limit >= 0) rowsQuery = rowsQuery.limit(params.limit).offset(params.offset);
    else if (params.offset > 0) rowsQuery = rowsQuery.limit(-1 >>> 1).offset(params.offset);
    const rows = (await rowsQuery.execute()) as Row<T>[];
    return { rows, count: Number(countRow?.n ?? 0) };
  }

  async count(
    ownerId: string | null,
    params: Pick<ListParams, "query" | "multiple">,
    refine: Refine = (q) => q,
  ): Promise<number> {
    const row = await refine(this.search(this.base(ownerId), params))
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async get(ownerId: string | null, id: string): Promise<Row<T> | undefined> {
    return (await this.base(ownerId).selectAll().where("id", "=", id).executeTakeFirst()) as Row<T> | undefined;
  }

  /** The subset of `ids` that exist and belong to the owner. */
  async ownedIds(ownerId: string, ids: readonly string[]): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await this.base(ownerId)
      .select("id")
      .where("id", "in", [...ids])
      .execute();
    return rows.map((r) => r.id as string);
  }

  async insert(row: Row<T>): Promise<void> {
    await this.db.kysely
      .insertInto(this.spec.table as TableName)
      .values(row as any)
      .execute();
  }

  async update(id: string, patch: Partial<Row<T>>): Promise<void> {
    if (!Object.keys(patch).length) return;
    await this.db.kysely
      .updateTable(this.spec.table as TableName)
      .set(patch as any)
      .where("id", "=", id)
      .execute();
  }

  async deleteMany(ownerId: string | null, ids: readonly string[]): Promise<number> {
    if (!ids.length) return 0;
    let query = this.db.kysely.deleteFrom(this.spec.table as TableName).where("id", "in", [...ids]);
    if (ownerId !== null && this.spec.ownerColumn) query = query.where(this.spec.ownerColumn as any, "=", ownerId);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
