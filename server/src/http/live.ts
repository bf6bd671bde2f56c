import { PassThrough } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { notFound } from "../kernel/errors.ts";
import type { EventBus } from "../kernel/events.ts";

/**
 * Live streams of one topic family (an invoice's status, …) as a WebSocket route and a Server-Sent Events
 * route, fed by the event bus.
 *
 * Messages are snapshots: each one is the topic's whole current state (Bitcart's invoice message is
 * `{status, exception_status, sent_amount, paid_currency, payment_id}`), so a newer one supersedes older
 * ones, and a message equal to the one sent just before is not sent again. On connect the client gets the
 * current state (`initial`); if that is final the stream ends at once, otherwise every message published on
 * the topic follows until a final one, which is sent and then ends the stream.
 */
export interface LiveRoute<M extends object> {
  /** The WebSocket route, with an `:id` parameter: `/ws/invoices/:id`. */
  ws: string;
  /** The Server-Sent Events route, with an `:id` parameter: `/invoices/:id/events`. */
  sse: string;
  /** The bus topic of an id: `(id) => "invoice:" + id`. */
  topic: (id: string) => string;
  /** The current state, or null when the id is unknown (SSE answers 404, the WebSocket closes with 1008). */
  initial: (id: string) => Promise<M | null>;
  /** Whether a state is final: nothing follows it, so the stream ends after sending it. */
  isFinal: (message: M) => boolean;
  /** Time between heartbeats (WebSocket ping, SSE comment line); 15 s by default. */
  heartbeatMs?: number;
  /** OpenAPI tags of the SSE route. */
  tags?: string[];
}

/** The part of a `ws` WebSocket the routes use. */
interface Socket {
  readonly readyState: number;
  send(data: string): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: "pong" | "close", listener: () => void): void;
  on(event: "error", listener: (error: Error) => void): void;
}

const OPEN = 1;
/** WebSocket close codes: normal closure, policy violation (unknown id), server error, going away. */
const NORMAL = 1000;
const POLICY = 1008;
const SERVER_ERROR = 1011;
const GOING_AWAY = 1001;
/** Re-reads of the initial state while messages keep arriving during the read. */
const MAX_REREADS = 5;

interface Sink {
  send(text: string): void;
  end(): void;
}

/**
 * One client's subscription: subscribes before reading the current state, so nothing published meanwhile is
 * missed; a message arriving during a read makes the read run again (the state read afterwards includes it).
 */
class Feed<M extends object> {
  private unsubscribe: (() => void) | null = null;
  private stopResync: (() => void) | null = null;
  private reading = false;
  private arrived = false;
  private last: string | null = null;
  private ended = false;

  constructor(
    private readonly bus: EventBus,
    private readonly route: LiveRoute<M>,
    private readonly id: string,
    private readonly sink: Sink,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Sends the current state; false when the id is unknown (nothing was sent and the feed is stopped). */
  async start(): Promise<boolean> {
    this.unsubscribe = this.bus.subscribe<M>(this.route.topic(this.id), (message) => this.received(message));
    this.stopResync = this.bus.onResync(() => void this.refresh());
    let current: M | null;
    try {
      current = await this.read();
    } catch (error) {
      this.stop();
      throw error;
    }
    if (this.ended) return true;
    if (current === null) {
      this.stop();
      return false;
    }
    this.emit(current);
    return true;
  }

  /** Stops following (the client left, or the stream ended). */
  stop(): void {
    this.ended = true;
    this.unsubscribe?.();
    this.stopResync?.();
    this.unsubscribe = this.stopResync = null;
  }

  private received(message: M): void {
    if (this.ended) return;
    if (this.reading) this.arrived = true;
    else this.emit(message);
  }

  private async read(): Promise<M | null> {
    this.reading = true;
    try {
      for (let reads = 1; ; reads++) {
        this.arrived = false;
        const current = await this.route.initial(this.id);
        if (!this.arrived || this.ended || reads >= MAX_REREADS) return current;
      }
    } finally {
      this.reading = false;
    }
  }

  /** Messages from other processes may have been missed: send the current state if it changed. */
  private async refresh(): Promise<void> {
    if (this.ended || this.reading) return;
    try {
      const current = await this.read();
      if (current && !this.ended) this.emit(current);
    } catch (error) {
      this.onError(error);
    }
  }

  private emit(message: M): void {
    const text = JSON.stringify(message);
    if (text !== this.last) {
      this.last = text;
      this.sink.send(text);
    }
    if (this.route.isFinal(message)) {
      this.stop();
      this.sink.end();
    }
  }
}

const idOf = (request: FastifyRequest) => (request.params as { id?: string }).id ?? "";

/** Registers `route.ws` and `route.sse` on `app`, fed by `bus`. Call before the server starts listening. */
export function registerLiveRoute<M extends object>(app: FastifyInstance, bus: EventBus, route: LiveRoute<M>): void {
  const heartbeatMs = route.heartbeatMs ?? 15_000;
  // Streams open now, ended when the server closes (an open SSE response would keep `close()` waiting).
  const open = new Set<() => void>();
  app.addHook("preClose", async () => {
    for (const end of [...open]) end();
  });

  app.get(route.ws, { websocket: true }, (connection: unknown, request: FastifyRequest) => {
    const socket = connection as Socket;
    const id = idOf(request);
    let alive = true;
    let heartbeat: NodeJS.Timeout | null = null;
    const close = (code: number, reason?: string) => {
      if (socket.readyState === OPEN) socket.close(code, reason);
    };
    const feed = new Feed(
      bus,
      route,
      id,
      {
        send: (text) => {
          if (socket.readyState === OPEN) socket.send(text);
        },
        end: () => close(NORMAL),
      },
      (err) => request.log.warn({ err, id }, "live stream refresh failed"),
    );
    const end = () => close(GOING_AWAY, "server shutting down");
    open.add(end);
    socket.on("pong", () => {
      alive = true;
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      open.delete(end);
      if (heartbeat) clearInterval(heartbeat);
      feed.stop();
    });
    // A peer that did not answer the previous ping is gone: free its resources.
    heartbeat = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, heartbeatMs);
    feed.start().then(
      (found) => {
        if (!found) close(POLICY, "Not found");
      },
      (err) => {
        request.log.error({ err, id }, "live stream failed to start");
        close(SERVER_ERROR, "Internal error");
      },
    );
  });

  app.get(route.sse, { schema: { tags: route.tags ?? ["live"] } }, async (request, reply) => {
    const id = idOf(request);
    const stream = new PassThrough();
    let heartbeat: NodeJS.Timeout | null = null;
    const finish = () => {
      open.delete(finish);
      if (heartbeat) clearInterval(heartbeat);
      feed.stop();
      if (!stream.writableEnded) stream.end();
    };
    const feed = new Feed(
      bus,
      route,
      id,
      {
        send: (text) => {
          if (!stream.writableEnded) stream.write(`data: ${text}\n\n`);
        },
        end: finish,
      },
      (err) => request.log.warn({ err, id }, "live stream refresh failed"),
    );
    // The client may leave while the current state is being read: `finish` then stops the feed.
    reply.raw.on("close", finish);
    if (!(await feed.start())) throw notFound();
    if (reply.raw.destroyed) finish();
    else open.add(finish);
    if (!stream.writableEnded) {
      heartbeat = setInterval(() => {
        if (!stream.writableEnded) stream.write(": ping\n\n");
      }, heartbeatMs);
    }
    return reply
      .header("content-type", "text/event-stream; charset=utf-8")
      .header("cache-control", "no-cache, no-transform")
      .header("x-accel-buffering", "no")
      .send(stream);
  });
}
