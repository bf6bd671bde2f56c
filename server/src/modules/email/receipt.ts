import type { Db } from "../../db/database.ts";
import { fromJson } from "../../db/json.ts";
import type { Rendered, RenderRequest } from "../templates/index.ts";
import type { MailMessage } from "./smtp-mailer.ts";

/** What the receipt needs to know of the invoice. */
export interface ReceiptInvoice {
  id: string;
  store_id: string | null;
  buyer_email: string;
  products: string[];
  product_quantities: Record<string, number>;
}

export interface ReceiptDeps {
  render(request: RenderRequest): Promise<Rendered>;
  /** Template failures are reported here (the default was used for that part). */
  reportFailure(storeId: string, failure: NonNullable<Rendered["failure"]>): void;
}

export const RECEIPT_SUBJECT = "Thank you for your order";

const storeVariables = (store: { id: string; name: string; default_currency: string }) => ({
  id: store.id,
  name: store.name,
  default_currency: store.default_currency,
});

/**
 * The customer's receipt, as Bitcart builds it: each product line rendered with the `product` template
 * (store, product, quantity; `product.download_url` for digital products), the lines joined by the `shop`
 * template (store, products). Plain text, or HTML when the store's checkout settings say `use_html_templates`.
 */
export class ReceiptBuilder {
  constructor(
    private readonly db: Db,
    private readonly deps: ReceiptDeps,
  ) {}

  /** Null when there is nothing to send: no buyer email, no store, or no products. */
  async build(invoice: ReceiptInvoice): Promise<MailMessage | null> {
    if (!invoice.buyer_email || !invoice.store_id || invoice.products.length === 0) return null;
    const store = await this.db.kysely
      .selectFrom("stores")
      .select(["id", "user_id", "name", "default_currency", "templates", "checkout_settings"])
      .where("id", "=", invoice.store_id)
      .executeTakeFirst();
    if (!store) return null;
    const html = fromJson<{ use_html_templates?: boolean }>(store.checkout_settings, {}).use_html_templates === true;
    const storeTemplates = fromJson<Record<string, string>>(store.templates, {});
    const products = await this.db.kysely
      .selectFrom("products")
      .select(["id", "name", "price", "description", "category", "download_url", "templates"])
      .where("id", "in", invoice.products)
      .orderBy("name")
      .execute();
    const lines: string[] = [];
    for (const product of products) {
      const { templates, ...visible } = product;
      lines.push(
        await this.render(store.id, {
          name: "product",
          userId: store.user_id,
          templateId: fromJson<Record<string, string>>(templates, {}).product,
          html,
          variables: {
            store: storeVariables(store),
            product: visible,
            quantity: invoice.product_quantities[product.id] ?? 1,
            download_url: product.download_url,
          },
        }),
      );
    }
    const text = await this.render(store.id, {
      name: "shop",
      userId: store.user_id,
      templateId: storeTemplates.shop,
      html,
      variables: { store: storeVariables(store), products: lines },
    });
    return html
      ? { to: invoice.buyer_email, subject: RECEIPT_SUBJECT, text: htmlToText(text), html: text }
      : { to: invoice.buyer_email, subject: RECEIPT_SUBJECT, text };
  }

  private async render(storeId: string, request: RenderRequest): Promise<string> {
    const rendered = await this.deps.render(request);
    if (rendered.failure) this.deps.reportFailure(storeId, rendered.failure);
    return rendered.text;
  }
}

/** A plain-text alternative of an HTML receipt: tags dropped, entities of the escaper turned back. */
function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}
