import type { Pair } from "../pair.ts";

/**
 * Splits an exchange symbol written without a separator (`BTCUSDT`) at the longest known quote currency it
 * ends with. Null when it ends with none, or nothing is left for the base.
 */
export function splitSymbol(symbol: string, quotes: readonly string[]): Pair | null {
  let best: string | null = null;
  for (const quote of quotes) {
    if (symbol.length > quote.length && symbol.endsWith(quote) && (!best || quote.length > best.length)) best = quote;
  }
  return best ? { base: symbol.slice(0, -best.length), quote: best } : null;
}
