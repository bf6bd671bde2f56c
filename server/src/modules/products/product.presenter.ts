import { fromJson } from "../../db/json.ts";
import type { ProductsTable } from "../../db/tables.ts";
import { formatPrice } from "./price-format.ts";

export interface ProductView {
  id: string;
  user_id: string;
  store_id: string | null;
  name: string;
  price: string;
  quantity: number;
  download_url: string;
  description: string;
  category: string;
  image: string;
  status: string;
  discounts: string[];
  templates: Record<string, string>;
  metadata: Record<string, unknown>;
  created: string;
  updated: string;
}

export interface ProductContext {
  discounts: string[];
  /** The store's default currency, which decides how many decimals the price shows. */
  currency: string | undefined;
  /** Whether the caller owns the product: the download link is what a buyer pays for, so only the owner sees it. */
  isOwner: boolean;
}

export function presentProduct(row: ProductsTable, context: ProductContext): ProductView {
  return {
    id: row.id,
    user_id: row.user_id,
    store_id: row.store_id,
    name: row.name,
    price: formatPrice(row.price, context.currency),
    quantity: Number(row.quantity),
    download_url: context.isOwner ? row.download_url : "",
    description: row.description,
    category: row.category,
    image: row.image,
    status: row.status,
    discounts: context.discounts,
    templates: fromJson<Record<string, string>>(row.templates, {}),
    metadata: fromJson<Record<string, unknown>>(row.metadata, {}),
    created: row.created,
    updated: row.updated,
  };
}
