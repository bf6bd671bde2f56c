import { toJson } from "../../db/json.ts";
import type { ProductsTable } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import { type Clock, isoNow, systemClock } from "../../kernel/clock.ts";
import { notFound, unauthorized } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { type Big, normalizeDecimal, parseDecimal } from "../../kernel/money.ts";
import type { Refine } from "../shared/crud-repository.ts";
import { type BaseColumns, OwnedCrudService } from "../shared/crud-service.ts";
import type { ListParams } from "../shared/list-params.ts";
import type { UploadedFile } from "../shared/upload-form.ts";
import { type ProductView, presentProduct } from "./product.presenter.ts";
import type { ProductRepository, ProductScope } from "./product.repository.ts";
import type { CreateProductInput, PatchProductInput, ProductListQuery } from "./product.schemas.ts";
import type { ProductImages } from "./product-images.ts";

export interface ProductCreate {
  fields: CreateProductInput;
  image: UploadedFile | null;
}

export interface ProductPatch {
  fields: PatchProductInput;
  image: UploadedFile | null;
}

type Filters = Pick<ProductListQuery, "store" | "category" | "min_price" | "max_price" | "sale">;

const ALL_CATEGORIES = "all";

/**
 * Products, as Bitcart: owner-scoped CRUD with an optional image, plus a public catalogue per store
 * (listing, categories, highest price) that Bitcart's store reads anonymously.
 */
export class ProductsService extends OwnedCrudService<"products", ProductView, ProductCreate, ProductPatch> {
  readonly resourceName = "products";

  constructor(
    private readonly products: ProductRepository,
    private readonly images: ProductImages,
    private readonly clock: Clock = systemClock,
  ) {
    super(products);
  }

  protected buildRow(_actor: Actor, input: ProductCreate, base: BaseColumns): ProductsTable {
    const f = input.fields;
    return {
      ...base,
      metadata: toJson(f.metadata),
      store_id: f.store_id,
      name: f.name,
      price: f.price,
      quantity: f.quantity,
      download_url: f.download_url,
      category: f.category,
      description: f.description,
      image: "",
      status: "active",
      templates: toJson(f.templates),
    };
  }

  protected buildPatch(_actor: Actor, input: ProductPatch): Partial<ProductsTable> {
    const f = input.fields;
    const patch: Partial<ProductsTable> = {};
    if (f.name !== undefined) patch.name = f.name;
    if (f.price !== undefined) patch.price = f.price;
    if (f.quantity !== undefined) patch.quantity = f.quantity;
    if (f.store_id !== undefined) patch.store_id = f.store_id;
    if (f.download_url !== undefined) patch.download_url = f.download_url;
    if (f.description !== undefined) patch.description = f.description;
    if (f.category !== undefined) patch.category = f.category;
    if (f.status !== undefined) patch.status = f.status;
    if (f.templates !== undefined) patch.templates = toJson(f.templates);
    if (f.metadata !== undefined) patch.metadata = toJson(f.metadata);
    return patch;
  }

  protected override async writeLinks(_actor: Actor, id: string, input: ProductCreate | ProductPatch): Promise<void> {
    if (input.fields.discounts !== undefined) await this.products.replaceDiscounts(id, input.fields.discounts);
  }

  protected async present(rows: ProductsTable[], actor: Actor | null): Promise<ProductView[]> {
    const ids = rows.map((r) => r.id);
    const storeIds = rows.flatMap((r) => (r.store_id ? [r.store_id] : []));
    const [discounts, currencies] = await Promise.all([
      this.products.discountIds(ids),
      this.products.storeCurrencies(storeIds),
    ]);
    return rows.map((row) =>
      presentProduct(row, {
        discounts: discounts.get(row.id) ?? [],
        currency: row.store_id ? currencies.get(row.store_id) : undefined,
        isOwner: actor?.userId === row.user_id,
      }),
    );
  }

  private async assertLinksOwned(actor: Actor, fields: { store_id?: string | null; discounts?: string[] }) {
    if (fields.store_id) await this.assertOwned(this.products.stores, actor, [fields.store_id]);
    await this.assertOwned(this.products.discounts, actor, fields.discounts);
  }

  override async create(actor: Actor, input: ProductCreate): Promise<ProductView> {
    const image = input.image ? this.images.check(input.image) : null;
    await this.assertLinksOwned(actor, input.fields);
    const now = isoNow(this.clock);
    const row = this.buildRow(actor, input, { id: newId(), user_id: actor.userId, created: now, updated: now });
    if (image) row.image = await this.images.save(row.id, image);
    try {
      await this.products.insert(row);
      await this.writeLinks(actor, row.id, input);
    } catch (error) {
      await this.products.deleteMany(actor.userId, [row.id]);
      await this.images.remove(row.id);
      throw error;
    }
    return this.get(actor, row.id);
  }

  override async update(actor: Actor, id: string, input: ProductPatch): Promise<ProductView> {
    const existing = await this.getRow(actor, id);
    const image = input.image ? this.images.check(input.image) : null;
    await this.assertLinksOwned(actor, input.fields);
    const patch = this.buildPatch(actor, input);
    const dropImage = !image && (input.fields.image === "" || input.fields.image === null) && existing.image !== "";
    if (image) patch.image = await this.images.save(id, image);
    if (dropImage) patch.image = "";
    await this.products.update(id, { ...patch, updated: isoNow(this.clock) });
    await this.writeLinks(actor, id, input);
    if (image) await this.images.removeOthers(id, image);
    if (dropImage) await this.images.remove(id);
    return this.get(actor, id);
  }

  override async remove(actor: Actor, id: string): Promise<ProductView> {
    const item = await super.remove(actor, id);
    await this.images.remove(id);
    return item;
  }

  override async batch(actor: Actor, command: string, ids: string[], options: unknown): Promise<unknown> {
    if (command !== "delete") return super.batch(actor, command, ids, options);
    const owned = await this.products.ownedIds(actor.userId, ids);
    await this.products.deleteMany(actor.userId, owned);
    for (const id of owned) await this.images.remove(id);
    return true;
  }

  /** A store's catalogue is public; without a store the caller's own products are listed. */
  private scopeFor(actor: Actor | null, store: string | undefined): ProductScope {
    if (store !== undefined) return { ownerId: null, storeId: store };
    if (!actor) throw unauthorized();
    return { ownerId: actor.userId, storeId: null };
  }

  private refineFor(scope: ProductScope, category: string | undefined): Refine {
    return (query) => {
      let q = query;
      if (scope.storeId !== null) q = q.where("store_id", "=", scope.storeId);
      if (category && category !== ALL_CATEGORIES) q = q.where("category", "=", category);
      return q;
    };
  }

  /**
   * Price bounds and `sale` are applied in code on exact decimals (prices are TEXT, and a float cast would
   * compare inexactly); sorting by price too. One store's catalogue is small enough to filter in memory.
   */
  async browse(actor: Actor | null, query: ListParams & Filters): Promise<{ items: ProductView[]; count: number }> {
    const scope = this.scopeFor(actor, query.store);
    const refine = this.refineFor(scope, query.category);
    const inCode =
      query.min_price !== undefined || query.max_price !== undefined || query.sale || query.sort === "price";
    if (!inCode) {
      const { rows, count } = await this.products.list(scope.ownerId, query, refine);
      return { items: await this.present(rows, actor), count };
    }
    const { rows } = await this.products.list(scope.ownerId, { ...query, limit: -1, offset: 0 }, refine);
    const filtered = await this.filterInCode(rows, query);
    if (query.sort === "price") sortByPrice(filtered, query.desc);
    const page =
      query.limit < 0 ? filtered.slice(query.offset) : filtered.slice(query.offset, query.offset + query.limit);
    return { items: await this.present(page, actor), count: filtered.length };
  }

  async browseCount(actor: Actor | null, query: ListParams & Filters): Promise<number> {
    const scope = this.scopeFor(actor, query.store);
    const refine = this.refineFor(scope, query.category);
    if (query.min_price === undefined && query.max_price === undefined && !query.sale) {
      return this.products.count(scope.ownerId, query, refine);
    }
    const { rows } = await this.products.list(scope.ownerId, { ...query, limit: -1, offset: 0 }, refine);
    return (await this.filterInCode(rows, query)).length;
  }

  private async filterInCode(rows: ProductsTable[], filters: Filters): Promise<ProductsTable[]> {
    const min = filters.min_price !== undefined ? parseDecimal(filters.min_price) : null;
    const max = filters.max_price !== undefined ? parseDecimal(filters.max_price) : null;
    let result = rows.filter((row) => {
      if (!min && !max) return true;
      const price = parseDecimal(row.price);
      if (!price) return false;
      return (!min || price.gte(min)) && (!max || price.lte(max));
    });
    if (filters.sale) {
      const onSale = await this.productsOnSale(result.map((r) => r.id));
      result = result.filter((row) => onSale.has(row.id));
    }
    return result;
  }

  /** A product is on sale while one of its linked discounts has not ended. */
  private async productsOnSale(ids: string[]): Promise<Set<string>> {
    const now = this.clock.now().getTime();
    const links = await this.products.discountEndDates(ids);
    const active = links.filter((link) => {
      const end = Date.parse(link.end_date);
      return Number.isNaN(end) || end > now;
    });
    return new Set(active.map((link) => link.product_id));
  }

  /** `GET /products/{id}?store=`: public when the product belongs to that store, otherwise the owner's. */
  async getForCaller(actor: Actor | null, id: string, store: string | undefined): Promise<ProductView> {
    if (store === undefined) {
      if (!actor) throw unauthorized();
      return this.get(actor, id);
    }
    const row = await this.products.get(null, id);
    if (!row || row.store_id !== store) throw notFound();
    return (await this.present([row], actor))[0]!;
  }

  /** Bitcart's shape: "all" first, then the distinct non-empty categories, sorted. */
  async categories(actor: Actor | null, store: string | undefined): Promise<string[]> {
    const found = await this.products.categories(this.scopeFor(actor, store));
    const distinct = new Set(found.filter((c) => c !== "" && c !== ALL_CATEGORIES));
    return [ALL_CATEGORIES, ...[...distinct].sort()];
  }

  /** The highest price as an exact decimal string; "0" for an empty catalogue. */
  async maxPrice(actor: Actor | null, store: string | undefined): Promise<string> {
    const prices = await this.products.prices(this.scopeFor(actor, store));
    let max: Big | null = null;
    for (const text of prices) {
      const price = parseDecimal(text);
      if (price && (!max || price.gt(max))) max = price;
    }
    return max ? normalizeDecimal(max) : "0";
  }
}

function sortByPrice(rows: ProductsTable[], desc: boolean): void {
  const value = (row: ProductsTable) => parseDecimal(row.price);
  rows.sort((a, b) => {
    const pa = value(a);
    const pb = value(b);
    const order = pa && pb ? pa.cmp(pb) : pa ? 1 : pb ? -1 : 0;
    const tie = order === 0 ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : order;
    return desc ? -tie : tie;
  });
}
