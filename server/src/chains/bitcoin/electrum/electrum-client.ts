/**
 * One connection to an Electrum server (protocol 1.4): newline-delimited JSON-RPC 2.0 over TCP or TLS.
 *
 * - `tcp://host:port` or `ssl://host:port` (also `tls://`, and Electrum's own `host:port:t` / `host:port:s`).
 * - TLS: certificates signed by a trusted CA are checked as usual (chain and host name). Self-signed certificates,
 *   which many Electrum servers use, are accepted when `acceptSelfSigned` is true (the default, as Electrum does);
 *   nothing is pinned. Any other certificate problem (expired, wrong host name, untrusted chain) is refused.
 * - `server.version` is negotiated on connect; `server.ping` keeps the connection alive and detects dead peers.
 * - Errors are typed: ElectrumConnectionError (cannot connect, connection lost or closed), ElectrumTimeoutError,
 *   ElectrumRpcError (the server answered with a JSON-RPC error), ElectrumProtocolError (malformed or invalid data;
 *   also raised by callers that find the server's data inconsistent).
 */
import { connect as netConnect, type Socket } from "node:net";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { parseJsonNumbersAsText } from "../bitcoind/exact-json.ts";

export type ElectrumErrorKind = "connection" | "timeout" | "rpc" | "protocol";

export class ElectrumError extends Error {
  constructor(
    message: string,
    readonly kind: ElectrumErrorKind,
    /** The server's URL (`ssl://host:port`); no secrets. */
    readonly server: string,
  ) {
    super(message);
    this.name = "ElectrumError";
  }
}

export class ElectrumConnectionError extends ElectrumError {
  constructor(
    message: string,
    server: string,
    /** TLS: the certificate was refused (its verification error code, e.g. CERT_HAS_EXPIRED). */
    readonly certificateError: string | null = null,
  ) {
    super(message, "connection", server);
    this.name = "ElectrumConnectionError";
  }
}

export class ElectrumTimeoutError extends ElectrumError {
  constructor(
    message: string,
    server: string,
    readonly method: string,
  ) {
    super(message, "timeout", server);
    this.name = "ElectrumTimeoutError";
  }
}

export class ElectrumRpcError extends ElectrumError {
  constructor(
    message: string,
    server: string,
    readonly method: string,
    /** The JSON-RPC error code the server sent (ElectrumX: 1 bad request, 2 daemon error, -32601 unknown method). */
    readonly code: number | null,
  ) {
    super(message, "rpc", server);
    this.name = "ElectrumRpcError";
  }
}

export class ElectrumProtocolError extends ElectrumError {
  constructor(message: string, server: string) {
    super(message, "protocol", server);
    this.name = "ElectrumProtocolError";
  }
}

export interface ElectrumServerAddress {
  protocol: "tcp" | "ssl";
  host: string;
  port: number;
  /** Normalised URL, `tcp://host:port` or `ssl://host:port`. */
  url: string;
}

/** Parses `tcp://host:port`, `ssl://host:port`, `tls://host:port` or Electrum's `host:port:t|s`. */
export function parseServerAddress(address: string): ElectrumServerAddress {
  const text = address.trim();
  let protocol: "tcp" | "ssl";
  let host: string;
  let portText: string;
  const electrumStyle = /^(\[[^\]]+\]|[^:/\s]+):(\d+):([ts])$/i.exec(text);
  if (electrumStyle) {
    host = electrumStyle[1]!;
    portText = electrumStyle[2]!;
    protocol = electrumStyle[3]!.toLowerCase() === "s" ? "ssl" : "tcp";
  } else {
    const match = /^(tcp|ssl|tls):\/\/(\[[^\]]+\]|[^:/\s]+):(\d+)\/?$/i.exec(text);
    if (!match)
      throw new TypeError(
        `invalid Electrum server address ${JSON.stringify(address)} (expected tcp://host:port or ssl://host:port)`,
      );
    protocol = match[1]!.toLowerCase() === "tcp" ? "tcp" : "ssl";
    host = match[2]!;
    portText = match[3]!;
  }
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new TypeError(`invalid port in Electrum server address ${JSON.stringify(address)}`);
  const bareHost = host.startsWith("[") ? host.slice(1, -1) : host;
  const urlHost = bareHost.includes(":") ? `[${bareHost}]` : bareHost;
  return { protocol, host: bareHost, port, url: `${protocol}://${urlHost}:${port}` };
}

export interface ElectrumClientOptions {
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Timeout of the TCP/TLS connection and version negotiation. Default 10 s. */
  connectTimeoutMs?: number;
  /** Accept self-signed TLS certificates (nothing is pinned). Default true. */
  acceptSelfSigned?: boolean;
  /** Interval of `server.ping` keepalives; 0 disables them. Default 60 s. */
  pingIntervalMs?: number;
  /** Client name sent in `server.version`. Default "Till". */
  clientName?: string;
  /** Protocol version asked for. Default "1.4". */
  protocolVersion?: string;
  /** Longest accepted message line. Default 64 MiB. */
  maxLineBytes?: number;
}

export interface RequestOptions {
  timeoutMs?: number;
  /** Parse the result keeping number literals as their exact source text (strings), e.g. fee rates. */
  exactNumbers?: boolean;
}

export type NotificationListener = (method: string, params: unknown[]) => void;
export type CloseListener = (error: ElectrumError | null) => void;

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: ElectrumError) => void;
  timer: NodeJS.Timeout;
  exactNumbers: boolean;
}

/** Verification errors that mean "self-signed", as OpenSSL reports them. */
const SELF_SIGNED_ERRORS = new Set(["DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN"]);

export class ElectrumClient {
  readonly address: ElectrumServerAddress;
  /** Server software and negotiated protocol, after connect(). */
  serverSoftware: string | null = null;
  protocol: string | null = null;

  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly acceptSelfSigned: boolean;
  private readonly pingIntervalMs: number;
  private readonly clientName: string;
  private readonly protocolVersion: string;
  private readonly maxLineBytes: number;

  private socket: Socket | TLSSocket | null = null;
  private buffer = "";
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly notificationListeners = new Set<NotificationListener>();
  private readonly closeListeners = new Set<CloseListener>();
  private pingTimer: NodeJS.Timeout | null = null;
  private state: "new" | "connecting" | "open" | "closed" = "new";
  private closeError: ElectrumError | null = null;

  constructor(address: string, options: ElectrumClientOptions = {}) {
    this.address = parseServerAddress(address);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.acceptSelfSigned = options.acceptSelfSigned ?? true;
    this.pingIntervalMs = options.pingIntervalMs ?? 60_000;
    this.clientName = options.clientName ?? "Till";
    this.protocolVersion = options.protocolVersion ?? "1.4";
    this.maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024;
  }

  get server(): string {
    return this.address.url;
  }

  get isOpen(): boolean {
    return this.state === "open";
  }

  /** Why the connection ended (null while open, or after a clean close()). */
  get error(): ElectrumError | null {
    return this.closeError;
  }

  /** Opens the connection and negotiates the protocol version. */
  async connect(): Promise<void> {
    if (this.state !== "new") throw new ElectrumConnectionError("connect() can be called once per client", this.server);
    this.state = "connecting";
    const deadline = setTimeout(() => {
      this.fail(new ElectrumTimeoutError(`connecting to ${this.server} timed out`, this.server, "connect"));
    }, this.connectTimeoutMs);
    try {
      await this.openSocket();
      const result = await this.request<unknown>("server.version", [this.clientName, this.protocolVersion], {
        timeoutMs: this.connectTimeoutMs,
      });
      if (!Array.isArray(result) || typeof result[0] !== "string" || typeof result[1] !== "string") {
        throw this.protocolError("server.version returned a malformed answer");
      }
      if (result[1] !== this.protocolVersion)
        throw this.protocolError(`server speaks protocol ${result[1]}, not ${this.protocolVersion}`);
      this.serverSoftware = result[0];
      this.protocol = result[1];
    } catch (error) {
      const typed = this.toElectrumError(error);
      this.fail(typed);
      throw typed;
    } finally {
      clearTimeout(deadline);
    }
    if (this.state !== "connecting")
      throw this.closeError ?? new ElectrumConnectionError("connection closed", this.server);
    this.state = "open";
    if (this.pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => {
        this.request("server.ping", []).catch((error: unknown) => this.fail(this.toElectrumError(error)));
      }, this.pingIntervalMs);
      this.pingTimer.unref();
    }
  }

  /** Sends a request and resolves with its result. */
  request<T = unknown>(method: string, params: unknown[] = [], options: RequestOptions = {}): Promise<T> {
    const socket = this.socket;
    if (!socket || this.state === "closed" || this.state === "new") {
      return Promise.reject(
        this.closeError ?? new ElectrumConnectionError(`not connected to ${this.server}`, this.server),
      );
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.timeoutMs;
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        reject(
          new ElectrumTimeoutError(`${method} timed out after ${timeoutMs} ms on ${this.server}`, this.server, method),
        );
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
        exactNumbers: options.exactNumbers === true,
      });
      socket.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    });
  }

  onNotification(listener: NotificationListener): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  /** Called once when the connection ends: with the error, or null after close(). */
  onClose(listener: CloseListener): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Closes the connection; pending requests fail with an ElectrumConnectionError. */
  async close(): Promise<void> {
    const socket = this.socket;
    this.finish(null, new ElectrumConnectionError(`connection to ${this.server} closed`, this.server));
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 1000);
      socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }

  /** Ends the connection because of `error` (e.g. the caller found the server's data invalid). */
  fail(error: ElectrumError): void {
    this.finish(error, error);
    this.socket?.destroy();
  }

  /** Builds a protocol error for this server (for callers that find its data invalid). */
  protocolError(message: string): ElectrumProtocolError {
    return new ElectrumProtocolError(`${this.server}: ${message}`, this.server);
  }

  // ---------------------------------------------------------------------------------------------------------------

  private openSocket(): Promise<void> {
    const { protocol, host, port } = this.address;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const done = (error: ElectrumError | null) => {
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve();
      };
      let socket: Socket | TLSSocket;
      if (protocol === "ssl") {
        const isIp = /^[\d.]+$/.test(host) || host.includes(":");
        const tls = tlsConnect({ host, port, servername: isIp ? undefined : host, rejectUnauthorized: false });
        tls.once("secureConnect", () => {
          if (!tls.authorized) {
            const code = String(tls.authorizationError ?? "UNKNOWN");
            if (!(this.acceptSelfSigned && SELF_SIGNED_ERRORS.has(code))) {
              const error = new ElectrumConnectionError(
                `TLS certificate of ${this.server} refused: ${code}`,
                this.server,
                code,
              );
              done(error);
              this.fail(error);
              return;
            }
          }
          done(null);
        });
        socket = tls;
      } else {
        socket = netConnect({ host, port });
        socket.once("connect", () => done(null));
      }
      this.socket = socket;
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => this.onData(chunk));
      socket.on("error", (error: Error) => {
        const typed = new ElectrumConnectionError(`connection to ${this.server} failed: ${error.message}`, this.server);
        done(typed);
        this.fail(typed);
      });
      socket.on("close", () => {
        const typed = new ElectrumConnectionError(`connection to ${this.server} closed by the server`, this.server);
        done(this.closeError ?? typed);
        this.finish(typed, typed);
      });
    });
  }

  private onData(chunk: string): void {
    if (this.isClosed()) return;
    this.buffer += chunk;
    let newline = this.buffer.indexOf("\n");
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line !== "") this.onLine(line);
      if (this.isClosed()) return;
      newline = this.buffer.indexOf("\n");
    }
    if (this.buffer.length > this.maxLineBytes)
      this.fail(this.protocolError(`message longer than ${this.maxLineBytes} bytes`));
  }

  private isClosed(): boolean {
    return this.state === "closed";
  }

  private onLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.fail(this.protocolError("received a line that is not JSON"));
      return;
    }
    const messages = Array.isArray(message) ? message : [message];
    for (const m of messages) {
      if (typeof m !== "object" || m === null) {
        this.fail(this.protocolError("received a JSON-RPC message that is not an object"));
        return;
      }
      const msg = m as { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };
      if (msg.id !== undefined && msg.id !== null && msg.method === undefined) {
        this.onResponse(msg, messages.length === 1 ? line : null);
      } else if (typeof msg.method === "string") {
        const params = Array.isArray(msg.params) ? msg.params : msg.params === undefined ? [] : [msg.params];
        for (const listener of [...this.notificationListeners]) {
          try {
            listener(msg.method, params);
          } catch {
            // A listener's failure is its own business.
          }
        }
      } else if (msg.error !== undefined) {
        this.fail(
          new ElectrumRpcError(
            `${this.server} sent an error: ${describeRpcError(msg.error)}`,
            this.server,
            "",
            rpcErrorCode(msg.error),
          ),
        );
        return;
      } else {
        this.fail(this.protocolError("received a JSON-RPC message without id or method"));
        return;
      }
    }
  }

  private onResponse(msg: { id?: unknown; result?: unknown; error?: unknown }, line: string | null): void {
    const pending = typeof msg.id === "number" ? this.pending.get(msg.id) : undefined;
    if (!pending) return; // a late answer to a timed-out request
    this.pending.delete(msg.id as number);
    clearTimeout(pending.timer);
    if (msg.error !== undefined && msg.error !== null) {
      pending.reject(
        new ElectrumRpcError(
          `${pending.method}: ${describeRpcError(msg.error)}`,
          this.server,
          pending.method,
          rpcErrorCode(msg.error),
        ),
      );
      return;
    }
    if (!("result" in msg)) {
      pending.reject(this.protocolError(`${pending.method}: response without result`));
      return;
    }
    if (pending.exactNumbers && line !== null) {
      try {
        pending.resolve((parseJsonNumbersAsText(line) as { result: unknown }).result);
      } catch {
        pending.reject(this.protocolError(`${pending.method}: response could not be parsed`));
      }
      return;
    }
    pending.resolve(msg.result);
  }

  private finish(error: ElectrumError | null, pendingError: ElectrumError): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.closeError = error;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(pendingError);
    }
    for (const listener of [...this.closeListeners]) {
      try {
        listener(error);
      } catch {
        // ignore
      }
    }
    this.closeListeners.clear();
  }

  private toElectrumError(error: unknown): ElectrumError {
    if (error instanceof ElectrumError) return error;
    return new ElectrumConnectionError(
      `${this.server}: ${error instanceof Error ? error.message : String(error)}`,
      this.server,
    );
  }
}

function describeRpcError(error: unknown): string {
  if (typeof error === "object" && error !== null && "message" in error)
    return String((error as { message: unknown }).message);
  return JSON.stringify(error);
}

function rpcErrorCode(error: unknown): number | null {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "number" ? code : null;
  }
  return null;
}
