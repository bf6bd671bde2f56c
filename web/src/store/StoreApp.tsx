import { useEffect, useState } from "react";
import { ApiError, api } from "../shared/api.ts";
import { Preferences } from "../shared/controls.tsx";
import { useI18n } from "../shared/i18n.ts";
import { applyTheme, storedTheme } from "../shared/theme.ts";
import { CartPage } from "./CartPage.tsx";
import { useCart } from "./cart.ts";
import { PosPage } from "./PosPage.tsx";
import { ProductGrid } from "./ProductGrid.tsx";
import { ProductPage } from "./ProductPage.tsx";
import { linkProps, parseRoute, useLocation } from "./router.ts";
import type { Store } from "./types.ts";

type State =
  | { kind: "loading" }
  | { kind: "missing"; noDefault: boolean }
  | { kind: "error" }
  | { kind: "ready"; store: Store };

/** `/store` shows the server's default store (the POS store set in the server settings); `/store/{id}` any store. */
async function loadStore(storeId: string | null): Promise<Store | null> {
  const id = storeId ?? (await api<{ pos_id: string }>("GET", "/manage/stores")).pos_id;
  if (!id) return null;
  return api<Store>("GET", `/stores/${encodeURIComponent(id)}`);
}

export function StoreApp() {
  const { t } = useI18n();
  const route = parseRoute(useLocation().split("?")[0]!);
  const [state, setState] = useState<State>({ kind: "loading" });

  useEffect(() => {
    let current = true;
    loadStore(route.storeId)
      .then((store) => {
        if (!current) return;
        if (!store) return setState({ kind: "missing", noDefault: true });
        if (store.checkout_settings.use_dark_mode && !storedTheme()) applyTheme("dark");
        document.title = store.name;
        setState({ kind: "ready", store });
      })
      .catch((error) => {
        if (!current) return;
        const missing = error instanceof ApiError && (error.status === 404 || error.status === 422);
        setState(missing ? { kind: "missing", noDefault: false } : { kind: "error" });
      });
    return () => {
      current = false;
    };
  }, [route.storeId]);

  if (state.kind !== "ready") {
    return (
      <div className="store-page">
        <header className="store-header">
          <span className="store-title">{t("store")}</span>
          <Preferences />
        </header>
        <main className="store-main">
          {state.kind === "loading" && <p className="muted">{t("loading")}</p>}
          {state.kind === "missing" && (
            <h1 data-testid="store-missing">{state.noDefault ? t("no_default_store") : t("store_not_found")}</h1>
          )}
          {state.kind === "error" && <p className="error-text">{t("error")}</p>}
        </main>
      </div>
    );
  }
  return <StoreView store={state.store} route={route} />;
}

function StoreView({ store, route }: { store: Store; route: ReturnType<typeof parseRoute> }) {
  const { t } = useI18n();
  const cart = useCart(store.id);
  const count = cart.reduce((total, line) => total + line.quantity, 0);
  const base = `/store/${encodeURIComponent(store.id)}`;
  const pos = store.checkout_settings.pos_screen_enabled;
  const current = (view: string) => (route.view === view ? ("page" as const) : undefined);

  return (
    <div className="store-page">
      <header className="store-header">
        <a className="store-title" {...linkProps(base)}>
          {store.checkout_settings.custom_logo_link && (
            <img src={store.checkout_settings.custom_logo_link} alt="" className="logo" />
          )}
          <span data-testid="store-name">{store.name}</span>
        </a>
        <nav className="store-nav">
          <a {...linkProps(base)} aria-current={current("grid")}>
            {t("products")}
          </a>
          {pos && (
            <a {...linkProps(`${base}/pos`)} aria-current={current("pos")} data-testid="nav-pos">
              {t("keypad")}
            </a>
          )}
          <a {...linkProps(`${base}/cart`)} aria-current={current("cart")} data-testid="nav-cart">
            {t("cart")}{" "}
            <span className="badge" data-testid="cart-count">
              {count}
            </span>
          </a>
        </nav>
        <Preferences />
      </header>
      <main className="store-main">
        {route.view === "grid" && <ProductGrid store={store} base={base} />}
        {route.view === "product" && route.productId && (
          <ProductPage store={store} base={base} productId={route.productId} />
        )}
        {route.view === "cart" && <CartPage store={store} />}
        {route.view === "pos" && (pos ? <PosPage store={store} /> : <ProductGrid store={store} base={base} />)}
      </main>
    </div>
  );
}
