import { TillApiError } from "./errors.ts";
import type { ErrorDetail } from "./types.ts";

export type QueryScalar = string | number | boolean;
export type QueryValue = QueryScalar | readonly QueryScalar[] | null | undefined;
export type Query = { readonly [name: string]: QueryValue };

export interface RequestOptions {
  query?: Query | object;
  /** Sent as a JSON body. */
  json?: unknown;
  /** Sent as multipart/form-data (the runtime sets the boundary). */
  form?: FormData;
  /** Send the bearer token (default true). Login sends none, so the credentials decide the account. */
  auth?: boolean;
  /** Statuses besides 2xx whose body is returned instead of thrown (e.g. 503 from a readiness probe). */
  accept?: readonly number[];
  signal?: AbortSignal;
}

export interface TransportOptions {
  baseUrl: string;
  token?: string | null;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** Appends a query to a URL: skips undefined/null, repeats arrays, writes booleans as true/false. */
export function buildUrl(baseUrl: string, path: string, query?: Query | object): string {
  const url = new URL(baseUrl.replace(/\/+$/, "") + path);
  for (const [name, value] of Object.entries((query ?? {}) as Query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) url.searchParams.append(name, String(item));
    } else {
      url.searchParams.set(name, String(value));
    }
  }
  return url.toString();
}

/** Encodes one path segment (an id) so it cannot change the path. */
export const segment = (value: string) => encodeURIComponent(value);

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return undefined;
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("json")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Sends requests to one server with one (optional) token; every resource goes through it. */
export class Transport {
  readonly baseUrl: string;
  readonly token: string | null;
  private readonly fetchImpl: typeof fetch;
  private readonly headers: Record<string, string>;

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.token = options.token ?? null;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.headers = { ...(options.headers ?? {}) };
  }

  /** The absolute URL of a path on this server. */
  url(path: string, query?: Query | object): string {
    return buildUrl(this.baseUrl, path, query);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { accept: "application/json", ...this.headers };
    if (options.auth !== false && this.token) headers.authorization = `Bearer ${this.token}`;
    let body: RequestInit["body"];
    if (options.form !== undefined) {
      body = options.form;
    } else if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    const response = await this.fetchImpl(url, { method, headers, body, signal: options.signal });
    const payload = await readBody(response);
    if (response.ok || options.accept?.includes(response.status)) return payload as T;
    const detail =
      typeof payload === "object" && payload !== null && "detail" in payload
        ? ((payload as { detail: ErrorDetail }).detail ?? null)
        : ((payload as ErrorDetail | undefined) ?? response.statusText);
    throw new TillApiError(response.status, detail, method, path);
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>("GET", path, options);
  }

  post<T>(path: string, json?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("POST", path, { ...options, json: json ?? options.json });
  }

  patch<T>(path: string, json?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("PATCH", path, { ...options, json: json ?? options.json });
  }

  delete<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>("DELETE", path, options);
  }
}
