import type { FastifyInstance } from "fastify";
import { registerCrudRoutes } from "../shared/crud-routes.ts";
import { createDiscountSchema, discountPatchSchema } from "./discount.schemas.ts";
import type { DiscountsService } from "./discounts.service.ts";

export function registerDiscountRoutes(app: FastifyInstance, discounts: DiscountsService): void {
  registerCrudRoutes(app, {
    prefix: "/discounts",
    tag: "discounts",
    scope: "discount_management",
    service: discounts,
    createSchema: createDiscountSchema,
    patchSchema: discountPatchSchema,
  });
}
