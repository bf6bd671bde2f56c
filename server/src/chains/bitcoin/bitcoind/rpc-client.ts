/**
 * JSON-RPC client for Bitcoin Core and its forks (Litecoin Core), over the global fetch.
 *
 * The URL carries the credentials (`http://user:pass@host:port`, optionally `/wallet/<name>`). They are sent as a
 * Basic Authorization header and never appear in error messages or in {@link BitcoindRpc.server}.
 */
import { parseJsonNumbersAsText } from "./exact-json.ts";

export type RpcErrorKind =
  /** Nothing listens on host:port, or the connection was reset. */
  | "connection"
  /** No answer within the timeout. */
  | "timeout"
  /** HTTP 401/403: wrong rpcuser/rpcpassword or rpcallowip. */
  | "auth"
  /** An HTTP status without a JSON-RPC body, or a body that is not JSON-RPC. */
  | "http"
  /** The node answered with a JSON-RPC error object (see `code`). */
  | "rpc";

export class BitcoindRpcError extends Error {
  constructor(
    message: string,
    readonly kind: RpcErrorKind,
    readonly method: string,
    /** JSON-RPC error code (kind "rpc") or HTTP status (kind "http"/"auth"); null otherwise. */
    readonly code: number | null = null,
  ) {
    super(message);
    this.name = "BitcoindRpcError";
  }

  /** Whether the node could not be reached at all (as opposed to answering with an error). */
  get unreachable(): boolean {
    return this.kind === "connection" || this.kind === "timeout";
  }
}

/** Well-known Core RPC error codes. */
export const RpcCodes = {
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  MISC_ERROR: -1,
  TYPE_ERROR: -3,
  INVALID_ADDRESS_OR_KEY: -5,
  INVALID_PARAMETER: -8,
  IN_WARMUP: -28,
  VERIFY_REJECTED: -26,
  VERIFY_ALREADY_IN_CHAIN: -27,
} as const;

export interface RpcCallOptions {
  /** Overrides the client's timeout for this call (e.g. long `scantxoutset`). */
  timeoutMs?: number;
}

export interface BitcoindRpcOptions {
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /**
   * Reuse connections between requests (default true). Core's shutdown waits for open idle connections, so clients
   * that stop nodes themselves may prefer one connection per request.
   */
  keepAlive?: boolean;
}

/** One entry of a batch answer: the result, or the error for that call only. */
export type BatchResult<T = unknown> = { ok: true; result: T } | { ok: false; error: BitcoindRpcError };

let nextId = 1;

export class BitcoindRpc {
  /** `host:port` of the node, safe to log and to show. */
  readonly server: string;
  private readonly endpoint: string;
  private readonly authorization: string | null;
  private readonly timeoutMs: number;
  private readonly keepAlive: boolean;

  constructor(url: string, options: BitcoindRpcOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error("invalid bitcoind RPC URL (expected http://user:password@host:port)");
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new Error(`unsupported bitcoind RPC URL scheme ${parsed.protocol} (expected http or https)`);
    }
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    this.authorization = user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` : null;
    const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
    this.server = `${parsed.hostname}:${port}`;
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    parsed.hash = "";
    this.endpoint = parsed.toString();
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.keepAlive = options.keepAlive ?? true;
  }

  /** Calls one method; the result is parsed with JSON.parse (use {@link callExact} for amounts). */
  async call<T = unknown>(method: string, params: unknown[] = [], options: RpcCallOptions = {}): Promise<T> {
    const text = await this.post(method, { jsonrpc: "1.0", id: nextId++, method, params }, options);
    return this.unwrap<T>(method, this.parseBody(method, text, JSON.parse));
  }

  /**
   * Calls one method and returns its result with every JSON number as its exact decimal text (a string), so
   * amounts can be converted to base units without floating point.
   */
  async callExact(method: string, params: unknown[] = [], options: RpcCallOptions = {}): Promise<unknown> {
    const text = await this.post(method, { jsonrpc: "1.0", id: nextId++, method, params }, options);
    return this.unwrap(method, this.parseBody(method, text, parseJsonNumbersAsText));
  }

  /** Sends several calls in one HTTP request; each entry succeeds or fails on its own. */
  async batch<T = unknown>(
    calls: { method: string; params?: unknown[] }[],
    options: RpcCallOptions = {},
  ): Promise<BatchResult<T>[]> {
    if (calls.length === 0) return [];
    const firstId = nextId;
    nextId += calls.length;
    const body = calls.map((c, i) => ({ jsonrpc: "1.0", id: firstId + i, method: c.method, params: c.params ?? [] }));
    const label = `batch(${calls[0]!.method}${calls.length > 1 ? `,…×${calls.length}` : ""})`;
    const text = await this.post(label, body, options);
    const parsed = this.parseBody(label, text, JSON.parse);
    if (!Array.isArray(parsed)) {
      // Core answers a batch with a single error object when the request as a whole fails.
      this.unwrap(label, parsed);
      throw new BitcoindRpcError(`bitcoind RPC ${this.server}: ${label}: unexpected answer`, "http", label);
    }
    const byId = new Map<number, { result?: unknown; error?: { code?: number; message?: string } | null }>();
    for (const entry of parsed) byId.set(Number(entry?.id), entry);
    return calls.map((c, i) => {
      const entry = byId.get(firstId + i);
      if (!entry) {
        return {
          ok: false,
          error: new BitcoindRpcError(
            `bitcoind RPC ${this.server}: ${c.method}: missing from batch answer`,
            "http",
            c.method,
          ),
        };
      }
      if (entry.error) return { ok: false, error: this.rpcError(c.method, entry.error) };
      return { ok: true, result: entry.result as T };
    });
  }

  private async post(method: string, body: unknown, options: RpcCallOptions): Promise<string> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.authorization) headers.authorization = this.authorization;
    if (!this.keepAlive) headers.connection = "close";
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw this.transportError(method, error, timeoutMs);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.transportError(method, error, timeoutMs);
    }
    if (response.status === 401 || response.status === 403) {
      throw new BitcoindRpcError(
        `bitcoind RPC ${this.server}: ${method}: authentication failed (HTTP ${response.status}; check the RPC user and password, and rpcallowip)`,
        "auth",
        method,
        response.status,
      );
    }
    // Core reports RPC errors with HTTP 404/500 and a JSON-RPC body: let the caller read the body.
    if (!response.ok && !text.trimStart().startsWith("{") && !text.trimStart().startsWith("[")) {
      throw new BitcoindRpcError(
        `bitcoind RPC ${this.server}: ${method}: HTTP ${response.status}${text ? ` ${text.slice(0, 200).trim()}` : ""}`,
        "http",
        method,
        response.status,
      );
    }
    return text;
  }

  private parseBody(method: string, text: string, parse: (text: string) => unknown): unknown {
    try {
      return parse(text);
    } catch {
      throw new BitcoindRpcError(`bitcoind RPC ${this.server}: ${method}: answer is not JSON`, "http", method);
    }
  }

  private unwrap<T>(method: string, body: unknown): T {
    if (!body || typeof body !== "object") {
      throw new BitcoindRpcError(
        `bitcoind RPC ${this.server}: ${method}: answer is not a JSON-RPC object`,
        "http",
        method,
      );
    }
    const { result, error } = body as { result?: unknown; error?: { code?: number | string; message?: string } | null };
    if (error) throw this.rpcError(method, error);
    return result as T;
  }

  private rpcError(method: string, error: { code?: number | string; message?: string }): BitcoindRpcError {
    const code = Number(error.code ?? 0);
    return new BitcoindRpcError(
      `bitcoind RPC ${this.server}: ${method}: error ${code}: ${error.message ?? "unknown error"}`,
      "rpc",
      method,
      code,
    );
  }

  private transportError(method: string, error: unknown, timeoutMs: number): BitcoindRpcError {
    const name = (error as { name?: string })?.name;
    if (name === "TimeoutError" || name === "AbortError") {
      return new BitcoindRpcError(
        `bitcoind RPC ${this.server}: ${method}: no answer within ${timeoutMs} ms`,
        "timeout",
        method,
      );
    }
    const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
    const code = cause?.code;
    const reason =
      code === "ECONNREFUSED"
        ? "connection refused (is the node running and is rpcport right?)"
        : code === "ENOTFOUND" || code === "EAI_AGAIN"
          ? "host not found"
          : code
            ? `connection failed (${code})`
            : `connection failed (${cause?.message ?? (error as Error)?.message ?? String(error)})`;
    return new BitcoindRpcError(`bitcoind RPC ${this.server}: ${method}: ${reason}`, "connection", method);
  }
}
