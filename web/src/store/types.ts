/** Public shapes the store reads (`GET /stores/{id}`, `GET /products?store=`), from Till's presenters. */
export interface Store {
  id: string;
  name: string;
  default_currency: string;
  currency_data: { code: string; symbol: string; divisibility: number };
  checkout_settings: {
    email_required: boolean;
    pos_screen_enabled: boolean;
    use_dark_mode: boolean;
    custom_logo_link: string;
    allow_anonymous_invoice_creation: boolean;
  };
}

export interface Product {
  id: string;
  name: string;
  price: string;
  quantity: number;
  description: string;
  category: string;
  image: string;
  status: string;
}

export interface Page<T> {
  result: T[];
  count: number;
  next: string | null;
  previous: string | null;
}
