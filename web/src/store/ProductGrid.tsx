import { useEffect, useState } from "react";
import { api, query } from "../shared/api.ts";
import { useI18n } from "../shared/i18n.ts";
import { addToCart } from "./cart.ts";
import { Price } from "./Price.tsx";
import { linkProps } from "./router.ts";
import type { Page, Product, Store } from "./types.ts";

const PAGE_SIZE = 12;

export const imageUrl = (product: Product) => (product.image ? `/${product.image.replace(/^\/+/, "")}` : "");

/** The catalogue: search, category, price range and pages, all answered by the server. */
export function ProductGrid({ store, base }: { store: Store; base: string }) {
  const { t } = useI18n();
  const [search, setSearch] = useState("");
  const [category, setCategory] = useState("all");
  const [minPrice, setMinPrice] = useState("");
  const [maxPrice, setMaxPrice] = useState("");
  const [offset, setOffset] = useState(0);
  const [categories, setCategories] = useState<string[]>(["all"]);
  const [highest, setHighest] = useState("");
  const [page, setPage] = useState<Page<Product> | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    api<string[]>("GET", `/products/categories${query({ store: store.id })}`)
      .then(setCategories)
      .catch(() => setCategories(["all"]));
    api<string>("GET", `/products/maxprice${query({ store: store.id })}`)
      .then((value) => setHighest(String(value)))
      .catch(() => setHighest(""));
  }, [store.id]);

  useEffect(() => {
    let current = true;
    // Typing in the search box waits for a pause before asking the server.
    const timer = setTimeout(() => {
      api<Page<Product>>(
        "GET",
        `/products${query({
          store: store.id,
          limit: PAGE_SIZE,
          offset,
          query: search.trim(),
          category,
          min_price: minPrice.trim(),
          max_price: maxPrice.trim(),
        })}`,
      )
        .then((result) => {
          if (!current) return;
          setPage(result);
          setFailed(false);
        })
        .catch(() => current && setFailed(true));
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [store.id, search, category, minPrice, maxPrice, offset]);

  const pages = page ? Math.max(1, Math.ceil(page.count / PAGE_SIZE)) : 1;
  const pageNumber = Math.floor(offset / PAGE_SIZE) + 1;
  const filter =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setOffset(0);
    };

  return (
    <section aria-label={t("products")}>
      <div className="filters">
        <div className="field grow">
          <label htmlFor="search">{t("search")}</label>
          <input id="search" type="search" value={search} onChange={(e) => filter(setSearch)(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="category">{t("category")}</label>
          <select id="category" value={category} onChange={(e) => filter(setCategory)(e.target.value)}>
            {categories.map((c) => (
              <option key={c} value={c}>
                {c === "all" ? t("all_categories") : c}
              </option>
            ))}
          </select>
        </div>
        <div className="field narrow">
          <label htmlFor="min-price">{t("min_price")}</label>
          <input
            id="min-price"
            inputMode="decimal"
            placeholder="0"
            value={minPrice}
            onChange={(e) => filter(setMinPrice)(e.target.value)}
          />
        </div>
        <div className="field narrow">
          <label htmlFor="max-price">{t("max_price")}</label>
          <input
            id="max-price"
            inputMode="decimal"
            placeholder={highest}
            value={maxPrice}
            onChange={(e) => filter(setMaxPrice)(e.target.value)}
          />
        </div>
      </div>

      {failed && (
        <p className="error-text" role="alert">
          {t("error")}
        </p>
      )}
      {page && page.result.length === 0 && <p className="muted">{t("no_products")}</p>}
      <ul className="grid" data-testid="product-grid">
        {page?.result.map((product) => (
          <li key={product.id} className="product card" data-testid="product-card">
            <a {...linkProps(`${base}/product/${encodeURIComponent(product.id)}`)} className="product-link">
              {imageUrl(product) ? (
                <img src={imageUrl(product)} alt="" loading="lazy" className="product-image" />
              ) : (
                <div className="product-image placeholder" aria-hidden="true">
                  {product.name.slice(0, 1).toUpperCase()}
                </div>
              )}
              <span className="product-name">{product.name}</span>
            </a>
            <div className="product-footer">
              <Price amount={product.price} store={store} />
              <button
                type="button"
                className="button small-button"
                disabled={product.quantity === 0}
                aria-label={`${t("add_to_cart")}: ${product.name}`}
                onClick={() =>
                  addToCart(store.id, {
                    id: product.id,
                    name: product.name,
                    price: product.price,
                    image: imageUrl(product),
                  })
                }
              >
                {product.quantity === 0 ? t("out_of_stock") : t("add_to_cart")}
              </button>
            </div>
          </li>
        ))}
      </ul>
      {pages > 1 && (
        <nav className="pager" aria-label={t("page", { page: pageNumber, pages })}>
          <button
            type="button"
            className="button secondary"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
          >
            {t("previous")}
          </button>
          <span>{t("page", { page: pageNumber, pages })}</span>
          <button
            type="button"
            className="button secondary"
            disabled={pageNumber >= pages}
            onClick={() => setOffset(offset + PAGE_SIZE)}
          >
            {t("next")}
          </button>
        </nav>
      )}
    </section>
  );
}
