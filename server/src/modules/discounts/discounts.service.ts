import { toJson } from "../../db/json.ts";
import type { DiscountsTable } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import { type BaseColumns, OwnedCrudService } from "../shared/crud-service.ts";
import { type DiscountView, presentDiscount } from "./discount.presenter.ts";
import type { DiscountRepository } from "./discount.repository.ts";
import type { CreateDiscountInput, DiscountPatch } from "./discount.schemas.ts";

export class DiscountsService extends OwnedCrudService<"discounts", DiscountView, CreateDiscountInput, DiscountPatch> {
  readonly resourceName = "discounts";

  constructor(discounts: DiscountRepository) {
    super(discounts);
  }

  protected buildRow(_actor: Actor, input: CreateDiscountInput, base: BaseColumns): DiscountsTable {
    return { ...base, ...input, metadata: toJson(input.metadata) };
  }

  protected buildPatch(_actor: Actor, input: DiscountPatch): Partial<DiscountsTable> {
    const { metadata, ...fields } = input;
    const patch: Partial<DiscountsTable> = Object.fromEntries(
      Object.entries(fields).filter(([, v]) => v !== undefined),
    );
    if (metadata !== undefined) patch.metadata = toJson(metadata);
    return patch;
  }

  protected async present(rows: DiscountsTable[]): Promise<DiscountView[]> {
    return rows.map(presentDiscount);
  }
}
