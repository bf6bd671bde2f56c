import type { Db } from "../../db/database.ts";
import { CrudRepository } from "../shared/crud-repository.ts";

const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Where a product query looks: one owner's products, one store's products, or both. */
export interface ProductScope {
  ownerId: string | null;
  storeId: string | null;
}

export class ProductRepository extends CrudRepository<"products"> {
  /** Ownership lookups for the objects a product links to. */
  readonly stores: CrudRepository<"stores">;
  readonly discounts: CrudRepository<"discounts">;

  constructor(db: Db) {
    super(db, {
      table: "products",
      columns: [
        "id",
        "name",
        "price",
        "quantity",
        "store_id",
        "category",
        "status",
        "download_url",
        "description",
        "image",
        "created",
        "updated",
      ],
      textColumns: ["id", "name", "description", "category", "price", "status", "store_id", "download_url"],
      intColumns: ["quantity"],
      ownerColumn: "user_id",
    });
    this.stores = new CrudRepository(db, { table: "stores", columns: ["id"], textColumns: [], ownerColumn: "user_id" });
    this.discounts = new CrudRepository(db, {
      table: "discounts",
      columns: ["id"],
      textColumns: [],
      ownerColumn: "user_id",
    });
  }

  async discountIds(productIds: readonly string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    for (const part of chunks(productIds)) {
      const rows = await this.db.kysely
        .selectFrom("discounts_products")
        .select(["product_id", "discount_id"])
        .where("product_id", "in", part)
        .orderBy("discount_id")
        .execute();
      for (const row of rows) map.set(row.product_id, [...(map.get(row.product_id) ?? []), row.discount_id]);
    }
    return map;
  }

  /** Linked discounts with their end dates, for deciding which products are on sale. */
  async discountEndDates(productIds: readonly string[]): Promise<{ product_id: string; end_date: string }[]> {
    const out: { product_id: string; end_date: string }[] = [];
    for (const part of chunks(productIds)) {
      const rows = await this.db.kysely
        .selectFrom("discounts_products")
        .innerJoin("discounts", "discounts.id", "discounts_products.discount_id")
        .select(["discounts_products.product_id as product_id", "discounts.end_date as end_date"])
        .where("discounts_products.product_id", "in", part)
        .execute();
      out.push(...rows);
    }
    return out;
  }

  async replaceDiscounts(productId: string, discountIds: readonly string[]): Promise<void> {
    await this.db.transaction(async () => {
      const trx = this.db.kysely;
      await trx.deleteFrom("discounts_products").where("product_id", "=", productId).execute();
      const unique = [...new Set(discountIds)];
      if (unique.length) {
        await trx
          .insertInto("discounts_products")
          .values(unique.map((discount_id) => ({ product_id: productId, discount_id })))
          .execute();
      }
    });
  }

  async storeCurrencies(storeIds: readonly string[]): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    for (const part of chunks([...new Set(storeIds)])) {
      const rows = await this.db.kysely
        .selectFrom("stores")
        .select(["id", "default_currency"])
        .where("id", "in", part)
        .execute();
      for (const row of rows) map.set(row.id, row.default_currency);
    }
    return map;
  }

  private scoped(scope: ProductScope) {
    let query = this.db.kysely.selectFrom("products");
    if (scope.ownerId !== null) query = query.where("user_id", "=", scope.ownerId);
    if (scope.storeId !== null) query = query.where("store_id", "=", scope.storeId);
    return query;
  }

  async categories(scope: ProductScope): Promise<string[]> {
    const rows = await this.scoped(scope).select("category").distinct().execute();
    return rows.map((r) => r.category);
  }

  async prices(scope: ProductScope): Promise<string[]> {
    const rows = await this.scoped(scope).select("price").execute();
    return rows.map((r) => r.price);
  }
}
