/** Bitcart's token scopes, exactly. A token may also hold `scope:object_id`, granting one object only. */
export const SCOPES = [
  "server_management",
  "token_management",
  "wallet_management",
  "store_management",
  "discount_management",
  "product_management",
  "invoice_management",
  "payout_management",
  "notification_management",
  "template_management",
  "file_management",
  "metrics_management",
  "full_control",
] as const;

export type Scope = (typeof SCOPES)[number];

export const baseScope = (permission: string) => permission.split(":")[0]!;

export const isKnownPermission = (permission: string) => (SCOPES as readonly string[]).includes(baseScope(permission));

/**
 * The first required scope the actor lacks, or null when all are held. `objectId` is the object a route acts
 * on; a selective permission `scope:objectId` grants that object only. `server_management` also needs a
 * superuser, whatever the token says.
 */
export function missingScope(
  held: readonly string[],
  isSuperuser: boolean,
  required: readonly Scope[],
  objectId?: string,
): Scope | null {
  if (required.includes("server_management") && !isSuperuser) return "server_management";
  if (held.includes("full_control")) return null;
  for (const scope of required) {
    if (held.includes(scope)) continue;
    if (objectId !== undefined && held.includes(`${scope}:${objectId}`)) continue;
    return scope;
  }
  return null;
}

/** Whether a token holding `held` may mint a token with `wanted`: each wanted permission must be covered. */
export function canGrant(held: readonly string[], wanted: readonly string[]): boolean {
  if (held.includes("full_control")) return true;
  return wanted.every((p) => held.includes(p) || held.includes(baseScope(p)));
}
