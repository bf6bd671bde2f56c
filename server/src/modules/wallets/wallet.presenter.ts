import { formatBaseUnits } from "../../chains/index.ts";
import { fromJson, toBool } from "../../db/json.ts";
import type { WalletRow } from "./wallet.repository.ts";

/** More handed-out addresses than this past the last used one, and importing wallets stop looking. */
export const GAP_LIMIT = 20;

export const isPastGapLimit = (row: Pick<WalletRow, "receive_index" | "last_used_receive">) =>
  row.receive_index - 1 - row.last_used_receive > GAP_LIMIT;

/** Bitcart's wallet fields, plus what Till knows of the key and the address counters. Never a private key. */
export function presentWallet(row: WalletRow, divisibility = 8) {
  const confirmed = BigInt(row.balance_confirmed || "0");
  return {
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    currency: row.currency,
    xpub: row.xpub,
    contract: row.contract,
    label: row.label,
    hint: row.hint,
    lightning_enabled: toBool(row.lightning_enabled),
    transaction_speed: row.transaction_speed,
    additional_xpub_data: fromJson<Record<string, unknown>>(row.additional_xpub_data, {}),
    balance: formatBaseUnits(confirmed, divisibility),
    error: row.sync_status === "error",
    hot_wallet: toBool(row.hot_wallet),
    key_kind: row.key_kind,
    script_type: row.script_type,
    derivation: row.derivation,
    descriptor: row.descriptor,
    next_index: row.receive_index,
    next_change_index: row.change_index,
    last_used_index: row.last_used_receive,
    gap_limit_warning: isPastGapLimit(row),
    sync_status: row.sync_status,
    sync_error: row.sync_error,
    synced_at: row.synced_at,
    metadata: fromJson<Record<string, unknown>>(row.metadata, {}),
    created: row.created,
    updated: row.updated,
  };
}

export type WalletView = ReturnType<typeof presentWallet>;

export function presentBalance(row: WalletRow, divisibility = 8) {
  return {
    confirmed: formatBaseUnits(BigInt(row.balance_confirmed || "0"), divisibility),
    unconfirmed: formatBaseUnits(BigInt(row.balance_unconfirmed || "0"), divisibility),
    unmatured: "0",
    lightning: "0",
  };
}
