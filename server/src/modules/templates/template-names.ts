/** Bitcart's built-in template names, by what they apply to. */
export const TEMPLATE_GROUPS = {
  store: ["notification", "shop", "customer_refund", "merchant_refund_notify"],
  product: ["product"],
  global: ["forgotpassword", "verifyemail", "syncinfo"],
} as const satisfies Record<string, readonly string[]>;

export const ALL_TEMPLATE_NAMES = [
  "notification",
  "product",
  "shop",
  "customer_refund",
  "merchant_refund_notify",
  "forgotpassword",
  "verifyemail",
  "syncinfo",
] as const;

export type TemplateGroup = keyof typeof TEMPLATE_GROUPS;

/**
 * `GET /templates/list`: with `applicable_to`, that group's names (none for an unknown group); with
 * `show_all`, every name; with neither, the names grouped, as Bitcart answers.
 */
export function templateNames(applicableTo: string | undefined, showAll: boolean): string[] | Record<string, string[]> {
  if (applicableTo)
    return Object.hasOwn(TEMPLATE_GROUPS, applicableTo) ? [...TEMPLATE_GROUPS[applicableTo as TemplateGroup]] : [];
  if (showAll) return [...ALL_TEMPLATE_NAMES];
  return Object.fromEntries(Object.entries(TEMPLATE_GROUPS).map(([group, names]) => [group, [...names]]));
}
