/** A failed API call: the HTTP status, the message to show, and the messages of named fields (from a 422). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface DetailItem {
  loc?: unknown[];
  msg?: string;
}

/** Reads Till's error bodies: `{detail: "text"}` or `{detail: [{loc: ["body", "field"], msg}]}`. */
function toError(status: number, body: unknown): ApiError {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === "string") return new ApiError(status, detail);
  if (Array.isArray(detail)) {
    const fields: Record<string, string> = {};
    const messages: string[] = [];
    for (const item of detail as DetailItem[]) {
      const loc = (item.loc ?? []).filter((part) => part !== "body" && part !== "query");
      const name = loc.map(String).join(".");
      if (name && !(name in fields)) fields[name] = item.msg ?? "";
      messages.push(item.msg ?? "");
    }
    return new ApiError(status, messages.join("; ") || `HTTP ${status}`, fields);
  }
  return new ApiError(status, `HTTP ${status}`);
}

/** Calls the Till API of the page's own origin with an optional JSON body; throws ApiError unless 2xx. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { accept: "application/json" } : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network");
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (!response.ok) throw toError(response.status, parsed);
  return parsed as T;
}

/** A query string from the defined, non-empty values. */
export function query(values: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
