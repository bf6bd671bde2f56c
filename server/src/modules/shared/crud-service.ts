import type { Database, TableName } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import { isoNow } from "../../kernel/clock.ts";
import { AppError, accessDenied, notFound } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import type { CrudRepository, Refine } from "./crud-repository.ts";
import type { ListParams } from "./list-params.ts";

export type BatchHandler = (actor: Actor, ids: string[], options: unknown) => Promise<unknown>;

/** The use cases every Bitcart-style resource offers; routes call only these. */
export interface CrudService<Out, Create, Patch> {
  readonly resourceName: string;
  list(actor: Actor, params: ListParams): Promise<{ items: Out[]; count: number }>;
  count(actor: Actor, params: ListParams): Promise<number>;
  get(actor: Actor, id: string): Promise<Out>;
  create(actor: Actor, input: Create): Promise<Out>;
  update(actor: Actor, id: string, input: Patch): Promise<Out>;
  remove(actor: Actor, id: string): Promise<Out>;
  batch(actor: Actor, command: string, ids: string[], options: unknown): Promise<unknown>;
  autocompleteLabel(item: Out): string;
}

type Row<T extends TableName> = Database[T];

/**
 * Owner-scoped CRUD over one table. Subclasses say how input becomes a row (`buildRow`, `buildPatch`),
 * how rows become responses (`present`, batched so links load in one query), and what links to write.
 * A user only ever reaches their own rows: a foreign id is 404, never 403.
 */
export abstract class OwnedCrudService<T extends TableName, Out, Create, Patch>
  implements CrudService<Out, Create, Patch>
{
  abstract readonly resourceName: string;
  protected readonly batchCommands: Record<string, BatchHandler> = {};

  constructor(protected readonly repo: CrudRepository<T>) {}

  protected abstract buildRow(actor: Actor, input: Create, base: BaseColumns): Promise<Row<T>> | Row<T>;
  protected abstract buildPatch(
    actor: Actor,
    input: Patch,
    existing: Row<T>,
  ): Promise<Partial<Row<T>>> | Partial<Row<T>>;
  protected abstract present(rows: Row<T>[], actor: Actor | null): Promise<Out[]>;

  /** Writes link tables after the row exists; `input` is the create or patch body. */
  protected async writeLinks(_actor: Actor, _id: string, _input: Create | Patch): Promise<void> {}

  /** The owner filter for an actor: superusers see only their own objects too, as in Bitcart. */
  protected ownerOf(actor: Actor): string | null {
    return actor.userId;
  }

  protected listRefine(_actor: Actor, _params: ListParams): Refine {
    return (q) => q;
  }

  autocompleteLabel(item: Out): string {
    return String((item as { name?: unknown }).name ?? "");
  }

  async list(actor: Actor, params: ListParams) {
    const { rows, count } = await this.repo.list(this.ownerOf(actor), params, this.listRefine(actor, params));
    return { items: await this.present(rows, actor), count };
  }

  count(actor: Actor, params: ListParams) {
    return this.repo.count(this.ownerOf(actor), params, this.listRefine(actor, params));
  }

  protected async getRow(actor: Actor, id: string): Promise<Row<T>> {
    const row = await this.repo.get(this.ownerOf(actor), id);
    if (!row) throw notFound();
    return row;
  }

  async get(actor: Actor, id: string): Promise<Out> {
    return (await this.present([await this.getRow(actor, id)], actor))[0]!;
  }

  /** The row and its links are written in one transaction: a failure leaves neither behind. */
  async create(actor: Actor, input: Create): Promise<Out> {
    const now = isoNow();
    const row = await this.buildRow(actor, input, { id: newId(), user_id: actor.userId, created: now, updated: now });
    const id = (row as { id: string }).id;
    await this.repo.db.transaction(async () => {
      await this.repo.insert(row);
      await this.writeLinks(actor, id, input);
    });
    return this.get(actor, id);
  }

  async update(actor: Actor, id: string, input: Patch): Promise<Out> {
    const existing = await this.getRow(actor, id);
    const patch = await this.buildPatch(actor, input, existing);
    await this.repo.db.transaction(async () => {
      await this.repo.update(id, { ...patch, updated: isoNow() } as Partial<Row<T>>);
      await this.writeLinks(actor, id, input);
    });
    return this.get(actor, id);
  }

  async remove(actor: Actor, id: string): Promise<Out> {
    const item = await this.get(actor, id);
    await this.repo.deleteMany(this.ownerOf(actor), [id]);
    return item;
  }

  async batch(actor: Actor, command: string, ids: string[], options: unknown): Promise<unknown> {
    if (command === "delete") {
      await this.repo.deleteMany(this.ownerOf(actor), ids);
      return true;
    }
    const handler = this.batchCommands[command];
    if (!handler) throw new AppError(404, "Batch command not found");
    return handler(actor, ids, options);
  }

  /** Fails with 403, as Bitcart does, when a body links objects the actor does not own. */
  protected async assertOwned(repo: CrudRepository<any>, actor: Actor, ids: readonly string[] | undefined) {
    if (!ids?.length) return;
    const unique = [...new Set(ids)];
    const owned = await repo.ownedIds(actor.userId, unique);
    if (owned.length !== unique.length) throw accessDenied();
  }
}

export interface BaseColumns {
  id: string;
  user_id: string;
  created: string;
  updated: string;
}
