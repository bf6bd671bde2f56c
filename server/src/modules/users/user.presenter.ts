import { fromJson, toBool } from "../../db/json.ts";
import type { UsersTable } from "../../db/tables.ts";

/** Bitcart's DisplayUser; the password hash, TOTP secret and recovery codes never leave the server. */
export function presentUser(row: UsersTable) {
  return {
    id: row.id,
    email: row.email,
    is_superuser: toBool(row.is_superuser),
    is_verified: toBool(row.is_verified),
    is_enabled: toBool(row.is_enabled),
    tfa_enabled: toBool(row.tfa_enabled),
    fido2_devices: fromJson<{ id: string; name: string }[]>(row.fido2_devices, []).map((d) => ({
      id: d.id,
      name: d.name,
    })),
    settings: { balance_currency: "USD", fetch_balance: true, ...fromJson<object>(row.settings, {}) },
    metadata: fromJson<Record<string, unknown>>(row.metadata, {}),
    created: row.created,
    updated: row.updated,
  };
}

export type UserView = ReturnType<typeof presentUser>;
