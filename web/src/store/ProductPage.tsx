import { useEffect, useState } from "react";
import { api, query } from "../shared/api.ts";
import { useI18n } from "../shared/i18n.ts";
import { addToCart } from "./cart.ts";
import { Price } from "./Price.tsx";
import { imageUrl } from "./ProductGrid.tsx";
import { linkProps } from "./router.ts";
import type { Product, Store } from "./types.ts";

export function ProductPage({ store, base, productId }: { store: Store; base: string; productId: string }) {
  const { t } = useI18n();
  const [product, setProduct] = useState<Product | null>(null);
  const [missing, setMissing] = useState(false);
  const [quantity, setQuantity] = useState(1);

  useEffect(() => {
    api<Product>("GET", `/products/${encodeURIComponent(productId)}${query({ store: store.id })}`)
      .then(setProduct)
      .catch(() => setMissing(true));
  }, [store.id, productId]);

  return (
    <section className="product-page">
      <a {...linkProps(base)}>← {t("back")}</a>
      {missing && <p className="error-text">{t("no_products")}</p>}
      {product && (
        <div className="product-detail">
          {imageUrl(product) ? (
            <img src={imageUrl(product)} alt={product.name} className="detail-image" />
          ) : (
            <div className="detail-image placeholder" aria-hidden="true">
              {product.name.slice(0, 1).toUpperCase()}
            </div>
          )}
          <div>
            <h1>{product.name}</h1>
            <p className="detail-price">
              <Price amount={product.price} store={store} />
            </p>
            {product.description && <p className="description">{product.description}</p>}
            <div className="field narrow">
              <label htmlFor="quantity">{t("quantity")}</label>
              <input
                id="quantity"
                type="number"
                min={1}
                max={product.quantity > 0 ? product.quantity : undefined}
                value={quantity}
                onChange={(e) => setQuantity(Math.max(1, Math.floor(Number(e.target.value) || 1)))}
              />
            </div>
            <button
              type="button"
              className="button"
              disabled={product.quantity === 0}
              onClick={() => {
                addToCart(
                  store.id,
                  { id: product.id, name: product.name, price: product.price, image: imageUrl(product) },
                  quantity,
                );
              }}
            >
              {product.quantity === 0 ? t("out_of_stock") : t("add_to_cart")}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
