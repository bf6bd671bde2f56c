import { fromJson } from "../../db/json.ts";
import type { TemplatesTable } from "../../db/tables.ts";

/** Bitcart's DisplayTemplate. */
export function presentTemplate(row: TemplatesTable) {
  return {
    id: row.id,
    user_id: row.user_id,
    name: row.name,
    text: row.text,
    metadata: fromJson<Record<string, unknown>>(row.metadata, {}),
    created: row.created,
    updated: row.updated,
  };
}

export type TemplateView = ReturnType<typeof presentTemplate>;
