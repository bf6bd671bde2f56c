import { type RequestOptions, segment, type Transport } from "./http.ts";
import type { AutocompleteItem, ListParams, Page } from "./types.ts";

type NoFilters = Record<never, never>;

/**
 * The routes every Bitcart resource shares: list (paginated), autocomplete, count, get, update, delete, batch.
 * `T` is the record, `Update` the PATCH body, `Filters` extra list query parameters.
 */
export class Resource<T, Update = Partial<T>, Filters extends object = NoFilters> {
  constructor(
    protected readonly http: Transport,
    /** The collection path, e.g. `/stores`. */
    readonly path: string,
  ) {}

  /** The path of one record, optionally followed by a sub-path (`/checkout_settings`). */
  protected itemPath(id: string, suffix = ""): string {
    return `${this.path}/${segment(id)}${suffix}`;
  }

  /** One page (default 5 items; `limit: -1` for all). */
  list(params: ListParams & Filters = {} as ListParams & Filters, options?: RequestOptions): Promise<Page<T>> {
    return this.http.get<Page<T>>(this.path, { ...options, query: { ...params } });
  }

  /** The same page reduced to `{id, name}` items, as the admin's pickers use it. */
  autocomplete(params: ListParams & Filters = {} as ListParams & Filters): Promise<Page<AutocompleteItem>> {
    return this.http.get<Page<AutocompleteItem>>(this.path, { query: { ...params, autocomplete: true } });
  }

  /** How many records match (same filters as `list`). */
  count(params: ListParams & Filters = {} as ListParams & Filters, options?: RequestOptions): Promise<number> {
    return this.http.get<number>(`${this.path}/count`, { ...options, query: { ...params } });
  }

  get(id: string): Promise<T> {
    return this.http.get<T>(this.itemPath(id));
  }

  /** Changes only the fields given. */
  update(id: string, patch: Update): Promise<T> {
    return this.http.patch<T>(this.itemPath(id), patch);
  }

  /** Deletes one record and answers it as it was. */
  delete(id: string): Promise<T> {
    return this.http.delete<T>(this.itemPath(id));
  }

  /** Runs a batch command (default `delete`) on several records; answers true. */
  batch(ids: string[], command = "delete", options?: unknown): Promise<boolean> {
    return this.http.post<boolean>(`${this.path}/batch`, {
      ids,
      command,
      ...(options === undefined ? {} : { options }),
    });
  }
}

/** A resource created with a JSON body. */
export class CrudResource<T, Create, Update = Partial<Create>, Filters extends object = NoFilters> extends Resource<
  T,
  Update,
  Filters
> {
  create(input: Create): Promise<T> {
    return this.http.post<T>(this.path, input);
  }
}
