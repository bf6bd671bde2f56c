/** Symbol and decimal places (ISO 4217 minor units for fiat; base-unit places for coins). */
const CURRENCIES: Record<string, { symbol: string; divisibility: number }> = {
  USD: { symbol: "$", divisibility: 2 },
  EUR: { symbol: "€", divisibility: 2 },
  GBP: { symbol: "£", divisibility: 2 },
  JPY: { symbol: "¥", divisibility: 0 },
  CNY: { symbol: "CN¥", divisibility: 2 },
  CHF: { symbol: "CHF", divisibility: 2 },
  CAD: { symbol: "CA$", divisibility: 2 },
  AUD: { symbol: "A$", divisibility: 2 },
  NZD: { symbol: "NZ$", divisibility: 2 },
  HKD: { symbol: "HK$", divisibility: 2 },
  SGD: { symbol: "S$", divisibility: 2 },
  SEK: { symbol: "kr", divisibility: 2 },
  NOK: { symbol: "kr", divisibility: 2 },
  DKK: { symbol: "kr", divisibility: 2 },
  ISK: { symbol: "kr", divisibility: 0 },
  PLN: { symbol: "zł", divisibility: 2 },
  CZK: { symbol: "Kč", divisibility: 2 },
  HUF: { symbol: "Ft", divisibility: 2 },
  RON: { symbol: "lei", divisibility: 2 },
  TRY: { symbol: "₺", divisibility: 2 },
  RUB: { symbol: "₽", divisibility: 2 },
  UAH: { symbol: "₴", divisibility: 2 },
  INR: { symbol: "₹", divisibility: 2 },
  IDR: { symbol: "Rp", divisibility: 2 },
  KRW: { symbol: "₩", divisibility: 0 },
  VND: { symbol: "₫", divisibility: 0 },
  THB: { symbol: "฿", divisibility: 2 },
  PHP: { symbol: "₱", divisibility: 2 },
  MYR: { symbol: "RM", divisibility: 2 },
  BRL: { symbol: "R$", divisibility: 2 },
  MXN: { symbol: "MX$", divisibility: 2 },
  ARS: { symbol: "ARS", divisibility: 2 },
  CLP: { symbol: "CLP", divisibility: 0 },
  COP: { symbol: "COP", divisibility: 2 },
  ZAR: { symbol: "R", divisibility: 2 },
  NGN: { symbol: "₦", divisibility: 2 },
  KES: { symbol: "KSh", divisibility: 2 },
  ILS: { symbol: "₪", divisibility: 2 },
  AED: { symbol: "AED", divisibility: 2 },
  SAR: { symbol: "SAR", divisibility: 2 },
  BHD: { symbol: "BHD", divisibility: 3 },
  KWD: { symbol: "KWD", divisibility: 3 },
  OMR: { symbol: "OMR", divisibility: 3 },
  JOD: { symbol: "JOD", divisibility: 3 },
  TND: { symbol: "TND", divisibility: 3 },
  BTC: { symbol: "₿", divisibility: 8 },
  LTC: { symbol: "Ł", divisibility: 8 },
  BCH: { symbol: "BCH", divisibility: 8 },
  ETH: { symbol: "Ξ", divisibility: 18 },
  XMR: { symbol: "XMR", divisibility: 12 },
  SATS: { symbol: "sats", divisibility: 0 },
};

const FALLBACK_DIVISIBILITY = 2;

export interface CurrencyData {
  code: string;
  symbol: string;
  divisibility: number;
}

/** Bitcart's `currency_data` for a store's default currency; unknown codes get their code as symbol. */
export function currencyData(code: string): CurrencyData {
  const known = CURRENCIES[code];
  return known ? { code, ...known } : { code, symbol: code, divisibility: FALLBACK_DIVISIBILITY };
}
