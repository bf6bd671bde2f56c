import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { blockedAddressReason, ipLiteralHost } from "./address-policy.ts";

/** The outcome of one POST to a merchant's URL. The sender never throws: every failure is described here. */
export interface HttpResult {
  /** A 2xx answer. */
  ok: boolean;
  /** The response's status, or null when none came (refused, network error, timeout). */
  status: number | null;
  /** Why it did not succeed, or null when it did. */
  error: string | null;
  /** Whether trying again later can help: network errors, timeouts, 5xx, 408 and 429. */
  retryable: boolean;
  durationMs: number;
  /** The start of the response body (UTF-8, truncated). */
  responseBody: string;
}

export interface HttpSenderOptions {
  /** Reach private, loopback and link-local addresses too (`TILL_ALLOW_PRIVATE_WEBHOOKS`). */
  allowPrivate: boolean;
  /** The whole exchange — DNS, connect, request, response headers and body — within this (default 10 s). */
  timeoutMs?: number;
  /** At most this much of the response is read; the connection is closed after it (default 64 KiB). */
  maxResponseBytes?: number;
  /** The response excerpt kept in results (default 2,048 characters). */
  excerptChars?: number;
  userAgent?: string;
}

class RefusedAddressError extends Error {
  override name = "RefusedAddressError";
}

/**
 * Resolves the host and refuses the connection when any of its addresses is not public, so a DNS answer can
 * neither point the request at an internal service nor swap in another address between check and connect:
 * the socket connects to an address this function checked.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints }, (err, addresses) => {
    const reply = callback as (error: Error | null, address: string | dns.LookupAddress[], family?: number) => void;
    if (err) return reply(err, "", 0);
    const refused = addresses.find((entry) => blockedAddressReason(entry.address) !== null);
    if (refused) {
      const reason = blockedAddressReason(refused.address);
      return reply(new RefusedAddressError(`${hostname} resolves to ${refused.address}, a ${reason} address`), "", 0);
    }
    if (addresses.length === 0)
      return reply(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
    if (options.all) return reply(null, addresses);
    return reply(null, addresses[0]!.address, addresses[0]!.family);
  });
};

const retryableStatus = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * POSTs JSON to merchant-supplied URLs, which are hostile input: only http(s), a deadline for the whole
 * exchange, no redirects followed, a cap on the response read, and (unless allowed) no private, loopback,
 * link-local or multicast target — checked on the URL's literal address or on every address its name
 * resolves to, at connect time.
 *
 * Built on node:http rather than fetch: fetch cannot be given the checked addresses (it resolves again by
 * itself), node:http's `lookup` hook makes the checked address the one connected to.
 */
export class HttpSender {
  private readonly allowPrivate: boolean;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly excerptChars: number;
  private readonly userAgent: string;

  constructor(options: HttpSenderOptions) {
    this.allowPrivate = options.allowPrivate;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 65_536;
    this.excerptChars = options.excerptChars ?? 2048;
    this.userAgent = options.userAgent ?? "Till";
  }

  /**
   * Why `url` may not be called, judged without DNS (for checking a URL when it is saved): a bad scheme, a
   * literal private address, or a `localhost` name. Null when it may be tried; names are checked on every
   * send, when they are resolved.
   */
  refusal(url: string): string | null {
    const early = this.literalRefusal(url);
    if (early || this.allowPrivate) return early;
    const host = new URL(url).hostname;
    return /(^|\.)localhost\.?$/i.test(host) ? "refers to localhost" : null;
  }

  private literalRefusal(url: string): string | null {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return "is not a valid URL";
    }
    if (target.protocol !== "http:" && target.protocol !== "https:") return "must be an http or https URL";
    if (this.allowPrivate) return null;
    const literal = ipLiteralHost(target);
    const reason = literal ? blockedAddressReason(literal) : null;
    return reason ? `refers to ${literal}, a ${reason} address` : null;
  }

  post(url: string, body: string, headers: Record<string, string> = {}): Promise<HttpResult> {
    return this.send("POST", url, body, headers);
  }

  /** Any method with a body (Matrix sends with PUT); the body is JSON unless `headers` name another type. */
  async send(
    method: "POST" | "PUT",
    url: string,
    body: string,
    headers: Record<string, string> = {},
  ): Promise<HttpResult> {
    const started = performance.now();
    const result = (fields: Partial<HttpResult>): HttpResult => ({
      ok: false,
      status: null,
      error: null,
      retryable: false,
      responseBody: "",
      ...fields,
      durationMs: Math.round(performance.now() - started),
    });
    const refusal = this.literalRefusal(url);
    if (refusal) return result({ error: `refused: the URL ${refusal}` });
    const target = new URL(url);
    const signal = AbortSignal.timeout(this.timeoutMs);

    return new Promise<HttpResult>((resolve) => {
      let settled = false;
      const settle = (value: HttpResult) => {
        if (settled) return;
        settled = true;
        resolve(value);
      };
      const transport = target.protocol === "https:" ? https : http;
      const request = transport.request(
        target,
        {
          method,
          headers: {
            "content-type": "application/json",
            "user-agent": this.userAgent,
            ...headers,
            "content-length": String(Buffer.byteLength(body)),
          },
          // Node skips `lookup` for literal addresses; those were judged above.
          ...(this.allowPrivate ? {} : { lookup: guardedLookup }),
          agent: false,
          signal,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let size = 0;
          const finish = () => {
            const text = Buffer.concat(chunks).toString("utf8").slice(0, this.excerptChars);
            const ok = status >= 200 && status < 300;
            settle(
              result({
                ok,
                status,
                error: ok
                  ? null
                  : status >= 300 && status < 400
                    ? `HTTP ${status} (redirects are not followed)`
                    : `HTTP ${status}`,
                retryable: !ok && retryableStatus(status),
                responseBody: text,
              }),
            );
          };
          response.on("data", (chunk: Buffer) => {
            const room = this.maxResponseBytes - size;
            if (room <= 0) return;
            chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
            size += Math.min(chunk.length, room);
            if (size >= this.maxResponseBytes) {
              // Enough of it: the rest is not read.
              finish();
              response.destroy();
            }
          });
          response.on("end", finish);
          // A response cut short (timeout while reading the body, reset) is judged by its status.
          response.on("error", finish);
          response.on("close", finish);
        },
      );
      request.on("error", (error: Error & { code?: string }) => {
        if (error instanceof RefusedAddressError) {
          settle(result({ error: `refused: ${error.message}` }));
        } else if (signal.aborted) {
          settle(result({ error: `timed out after ${this.timeoutMs} ms`, retryable: true }));
        } else {
          settle(result({ error: describeNetworkError(error), retryable: true }));
        }
      });
      request.end(body);
    });
  }
}

function describeNetworkError(error: Error & { code?: string }): string {
  switch (error.code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset";
    case "ENOTFOUND":
      return "host not found";
    case "EAI_AGAIN":
      return "DNS lookup failed temporarily";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
    default:
      return error.code ? `${error.code}: ${error.message}` : error.message || "network error";
  }
}
