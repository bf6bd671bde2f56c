import { useSyncExternalStore } from "react";

/** The store's own routes under /store: `[store_id][/product/{id} | /cart | /pos]`. */
export interface Route {
  storeId: string | null;
  view: "grid" | "product" | "cart" | "pos";
  productId: string | null;
}

export function parseRoute(pathname: string): Route {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const [, storeId = null, section, id = null] = parts;
  if (section === "product" && id) return { storeId, view: "product", productId: id };
  if (section === "cart") return { storeId, view: "cart", productId: null };
  if (section === "pos") return { storeId, view: "pos", productId: null };
  return { storeId, view: "grid", productId: null };
}

const listeners = new Set<() => void>();

export function navigate(path: string): void {
  history.pushState(null, "", path);
  for (const listener of listeners) listener();
  window.scrollTo(0, 0);
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
};

export function useLocation(): string {
  return useSyncExternalStore(subscribe, () => location.pathname + location.search);
}

/** A link that navigates inside the app without a reload (and stays a real link for new tabs). */
export const linkProps = (path: string) => ({
  href: path,
  onClick: (event: React.MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(path);
  },
});
