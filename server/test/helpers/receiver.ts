import http from "node:http";
import type { AddressInfo } from "node:net";

/** A request the receiver got, with its raw body. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Never answer (until the receiver closes): a receiver that hangs. */
  hang?: boolean;
}

/** Decides the answer to the `index`-th request (from 0) to a path. */
export type Responder = (request: ReceivedRequest, index: number) => Reply;

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers as each path's responder says
 * (200 "ok" by default): the merchant's endpoint in delivery tests.
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly responders = new Map<string, Responder>();
  private readonly server: http.Server;
  private port = 0;

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const request: ReceivedRequest = {
          method: req.method ?? "",
          path: req.url ?? "/",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        };
        const index = this.requests.filter((r) => r.path === request.path).length;
        this.requests.push(request);
        const reply = this.responders.get(request.path)?.(request, index) ?? {};
        if (reply.hang) return;
        res.writeHead(reply.status ?? 200, { "content-type": "text/plain", ...reply.headers });
        res.end(reply.body ?? "ok");
      });
    });
  }

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve));
    receiver.port = (receiver.server.address() as AddressInfo).port;
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Sets how `path` answers. */
  on(path: string, responder: Responder): this {
    this.responders.set(path, responder);
    return this;
  }

  to(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
