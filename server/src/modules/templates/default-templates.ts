import type { ALL_TEMPLATE_NAMES } from "./template-names.ts";

type TemplateName = (typeof ALL_TEMPLATE_NAMES)[number];

/**
 * The templates used when neither the object nor its owner has one of that name. Variables follow Bitcart's:
 * `product`: store, product, quantity (and download_url); `shop`: store, products (rendered `product` lines,
 * already escaped in HTML mode: print them with `| raw`);
 * `notification`: store, invoice; `customer_refund`: store, invoice, refund, refund_url;
 * `merchant_refund_notify`: store, invoice, refund; `forgotpassword`: email, link; `verifyemail`: email, code,
 * link; `syncinfo`: syncinfo_data, failed_daemons.
 */
export const DEFAULT_TEMPLATES: Record<TemplateName, string> = {
  product: `{{ quantity }} x {{ product.name }} ({{ product.price }} {{ store.default_currency }})
{%- if product.download_url != blank %}
  Download: {{ product.download_url }}
{%- endif %}`,
  shop: `Thank you for your order at {{ store.name }}!

{% for line in products -%}
{{ line | raw }}
{% endfor %}`,
  notification: `New order {{ invoice.id }} at {{ store.name }}: {{ invoice.price }} {{ invoice.currency }}, status {{ invoice.status }}.`,
  customer_refund: `Your payment for order {{ invoice.id }} at {{ store.name }} can be refunded: tell us where to send it at {{ refund_url }}`,
  merchant_refund_notify: `The customer of order {{ invoice.id }} at {{ store.name }} sent a refund address: {{ refund.destination }}`,
  forgotpassword: `Someone asked to reset the password of {{ email }}.
To choose a new password, open {{ link }} within an hour.
If it was not you, ignore this message: your password stays as it is.`,
  verifyemail: `Your verification code is {{ code }}.
To verify {{ email }}, open {{ link }} or enter the code within 15 minutes.`,
  syncinfo: `Some chain backends are not synchronised: {{ failed_daemons | join: ", " }}`,
};

export type { TemplateName };
