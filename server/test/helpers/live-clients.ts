import http from "node:http";
import { createRequire } from "node:module";
import { waitFor } from "./processes.ts";

/** The part of the `ws` package's client the tests use (the package ships no types of its own). */
interface WsSocket {
  readonly readyState: number;
  on(event: "open" | "ping", listener: () => void): void;
  on(event: "message", listener: (data: Buffer) => void): void;
  on(event: "close", listener: (code: number, reason: Buffer) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  close(): void;
  terminate(): void;
}
type WsConstructor = new (url: string) => WsSocket;
const WebSocket = createRequire(import.meta.url)("ws") as WsConstructor;

/** A WebSocket client recording what it receives. */
export class WsClient {
  readonly messages: unknown[] = [];
  closed: { code: number; reason: string } | null = null;
  pings = 0;
  error: Error | null = null;

  private constructor(private readonly socket: WsSocket) {
    socket.on("message", (data) => this.messages.push(JSON.parse(data.toString("utf8"))));
    socket.on("ping", () => {
      this.pings += 1;
    });
    socket.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString("utf8") };
    });
    socket.on("error", (error) => {
      this.error = error;
    });
  }

  /** Connects; resolves once open (or closed, or failed: check `closed` / `error`). */
  static async connect(url: string): Promise<WsClient> {
    const client = new WsClient(new WebSocket(url));
    await new Promise<void>((resolve) => {
      client.socket.on("open", resolve);
      client.socket.on("close", () => resolve());
      client.socket.on("error", () => resolve());
    });
    return client;
  }

  waitForMessages(count: number, timeoutMs = 10_000): Promise<unknown[]> {
    return waitFor(() => this.messages.length >= count && this.messages, {
      timeoutMs,
      what: `${count} websocket messages (got ${JSON.stringify(this.messages)})`,
    });
  }

  waitForClose(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    return waitFor(() => this.closed, { timeoutMs, what: "the websocket to close" });
  }

  close(): void {
    if (!this.closed) this.socket.terminate();
  }
}

/** A Server-Sent Events client recording data messages and comment lines. */
export class SseClient {
  readonly messages: unknown[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  body = "";
  ended = false;
  private buffer = "";

  private constructor(private readonly request: http.ClientRequest) {}

  /** Connects; resolves once the response's headers have arrived. */
  static connect(url: string): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = http.get(url, { headers: { accept: "text/event-stream" } }, (response) => {
        client.status = response.statusCode ?? 0;
        client.headers = response.headers;
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => client.received(chunk));
        response.on("end", () => {
          client.ended = true;
        });
        response.on("error", () => {
          client.ended = true;
        });
        resolve(client);
      });
      const client = new SseClient(request);
      request.on("error", reject);
    });
  }

  private received(chunk: string): void {
    this.body += chunk;
    if (this.status !== 200) return;
    this.buffer += chunk;
    for (let at = this.buffer.indexOf("\n\n"); at >= 0; at = this.buffer.indexOf("\n\n")) {
      const block = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 2);
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) this.comments.push(line.slice(1).trim());
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length) this.messages.push(JSON.parse(data.join("\n")));
    }
  }

  waitForMessages(count: number, timeoutMs = 10_000): Promise<unknown[]> {
    return waitFor(() => this.messages.length >= count && this.messages, {
      timeoutMs,
      what: `${count} SSE messages (got ${JSON.stringify(this.messages)})`,
    });
  }

  waitForEnd(timeoutMs = 10_000): Promise<true> {
    return waitFor(() => this.ended, { timeoutMs, what: "the SSE stream to end" });
  }

  close(): void {
    this.request.destroy();
  }
}
