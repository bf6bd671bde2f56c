import { useSyncExternalStore } from "react";

/** A cart line keeps what was shown when it was added, so the cart renders without a request. */
export interface CartLine {
  id: string;
  name: string;
  price: string;
  image: string;
  quantity: number;
}

const listeners = new Set<() => void>();
const cache = new Map<string, { raw: string | null; lines: CartLine[] }>();
const keyOf = (storeId: string) => `till.cart.${storeId}`;

function read(storeId: string): CartLine[] {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(keyOf(storeId));
  } catch {
    raw = null;
  }
  const cached = cache.get(storeId);
  if (cached && cached.raw === raw) return cached.lines;
  let lines: CartLine[] = [];
  try {
    const parsed = raw ? JSON.parse(raw) : [];
    lines = Array.isArray(parsed) ? parsed : [];
  } catch {
    lines = [];
  }
  cache.set(storeId, { raw, lines });
  return lines;
}

function write(storeId: string, lines: CartLine[]): void {
  try {
    if (lines.length === 0) localStorage.removeItem(keyOf(storeId));
    else localStorage.setItem(keyOf(storeId), JSON.stringify(lines));
  } catch {
    // Storage blocked: the cart cannot be kept.
  }
  for (const listener of listeners) listener();
}

export function addToCart(storeId: string, line: Omit<CartLine, "quantity">, quantity = 1): void {
  const lines = read(storeId);
  const existing = lines.find((l) => l.id === line.id);
  write(
    storeId,
    existing
      ? lines.map((l) => (l.id === line.id ? { ...l, quantity: l.quantity + quantity } : l))
      : [...lines, { ...line, quantity }],
  );
}

export function setQuantity(storeId: string, id: string, quantity: number): void {
  const lines = read(storeId);
  write(
    storeId,
    quantity <= 0 ? lines.filter((l) => l.id !== id) : lines.map((l) => (l.id === id ? { ...l, quantity } : l)),
  );
}

export const clearCart = (storeId: string) => write(storeId, []);

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  // Another tab changing the cart.
  window.addEventListener("storage", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", listener);
  };
};

export function useCart(storeId: string): CartLine[] {
  return useSyncExternalStore(subscribe, () => read(storeId));
}
