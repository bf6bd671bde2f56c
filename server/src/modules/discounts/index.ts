export { type DiscountView, presentDiscount } from "./discount.presenter.ts";
export { DiscountRepository } from "./discount.repository.ts";
export { registerDiscountRoutes } from "./discounts.routes.ts";
export { DiscountsService } from "./discounts.service.ts";
