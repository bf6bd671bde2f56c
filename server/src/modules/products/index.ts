export type { ProductView } from "./product.presenter.ts";
export { ProductRepository } from "./product.repository.ts";
export { ProductImages } from "./product-images.ts";
export { registerProductRoutes } from "./products.routes.ts";
export { ProductsService } from "./products.service.ts";
