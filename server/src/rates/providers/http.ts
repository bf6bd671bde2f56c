import { type Big, parseDecimal } from "../../kernel/money.ts";
import { JsonNumber, JsonSyntaxError, type JsonValue, parseExactJson } from "../exact-json.ts";
import { ProviderResponseError } from "../provider.ts";

/** No price list is this large; a bigger answer is refused instead of filling memory. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

const USER_AGENT = "Till (self-hosted payment processor)";

/** Joins a configured base URL (with or without a trailing slash) and a path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/**
 * GETs `url` and returns the body as text. Rejects on a network error, a non-2xx status, an oversized body,
 * or when `signal` aborts (the caller's timeout).
 */
export async function getText(url: string, signal: AbortSignal, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, {
    signal,
    headers: { accept: "application/json", "user-agent": USER_AGENT, ...headers },
    redirect: "follow",
  });
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new ProviderResponseError(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
  }
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel().catch(() => {});
    throw new ProviderResponseError(`answer too large (${declared} bytes)`);
  }
  if (!response.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) throw new ProviderResponseError(`answer larger than ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** GETs `url` and reads the body as JSON with exact numbers. */
export async function getJson(url: string, signal: AbortSignal, headers: Record<string, string> = {}) {
  const text = await getText(url, signal, headers);
  try {
    return parseExactJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new ProviderResponseError(`answer is not JSON: ${error.message}`);
    throw error;
  }
}

/**
 * A positive exact decimal from a JSON number or a decimal string, else null. A rate of zero or below is no
 * rate (delisted markets report 0), so it is dropped rather than passed on.
 */
export function positiveDecimal(value: JsonValue | undefined): Big | null {
  const text = value instanceof JsonNumber ? value.text : typeof value === "string" ? value : null;
  if (text === null) return null;
  const parsed = parseDecimal(text);
  return parsed?.gt(0) ? parsed : null;
}

export function unexpected(what: string): never {
  throw new ProviderResponseError(`unexpected answer: ${what}`);
}
