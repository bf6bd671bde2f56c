import { TillApiError, Transport } from "@till/sdk";

const TOKEN_KEY = "till.admin.token";

export const readStoredToken = (): string | null => localStorage.getItem(TOKEN_KEY);

export function storeToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

/** A transport to the Till serving this page, acting with the given token. */
export const transportFor = (token: string | null) => new Transport({ baseUrl: window.location.origin, token });

/** The envelope every list route answers. */
export interface Page<T> {
  result: T[];
  count: number;
  previous: string | null;
  next: string | null;
}

export type Row = { id: string } & Record<string, unknown>;

/**
 * Field name → message, from a 422's `detail[].loc` (the first loc part is `body`, `query` or `path`).
 * With `within`, the errors inside that object field, keyed by the nested name (`data.bot_token` → `bot_token`).
 */
export function fieldErrorsOf(error: unknown, within?: string): Record<string, string> {
  if (!(error instanceof TillApiError)) return {};
  const errors: Record<string, string> = {};
  for (const item of error.fieldErrors) {
    let loc = item.loc[0] === "body" || item.loc[0] === "query" ? item.loc.slice(1) : item.loc;
    if (within !== undefined) {
      if (loc[0] !== within || loc.length < 2) continue;
      loc = loc.slice(1);
    }
    const key = loc.length ? String(loc[0]) : "";
    errors[key] = errors[key] ? `${errors[key]}; ${item.msg}` : item.msg;
  }
  return errors;
}

/** A message for an error that is not about one field. */
export function messageOf(error: unknown): string {
  if (error instanceof TillApiError) {
    if (error.status === 401) return "Your session has expired or the credentials are wrong (401).";
    if (error.status === 403) {
      const detail = typeof error.detail === "string" ? error.detail : "Access denied";
      return `${detail} (403).`;
    }
    if (error.status === 404) return typeof error.detail === "string" ? error.detail : "Not found (404).";
    if (error.fieldErrors.length) return error.fieldErrors.map((e) => e.msg).join("; ");
    if (typeof error.detail === "string") return error.detail;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
