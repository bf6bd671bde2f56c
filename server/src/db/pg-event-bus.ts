import { sql } from "kysely";
import pg from "pg";
import {
  decodeEnvelope,
  type EventBus,
  type EventEnvelope,
  type EventHandler,
  encodeEnvelope,
  Subscribers,
} from "../kernel/events.ts";
import { newId } from "../kernel/ids.ts";
import type { Logger } from "../kernel/logger.ts";
import type { Db } from "./database.ts";

export interface PostgresEventBusOptions {
  /** The database's connection string: the listening connection is opened with it. */
  connectionString: string;
  /** NOTIFY goes through the pool (outside any ambient transaction). */
  db: Db;
  logger: Logger;
  /** The one channel every Till process listens on. */
  channel?: string;
  /** Reconnection delays: from `initialMs`, doubling up to `maxMs` (with jitter). */
  reconnect?: { initialMs?: number; maxMs?: number };
}

export const DEFAULT_EVENT_CHANNEL = "till_events";

/**
 * The bus across processes, over PostgreSQL LISTEN/NOTIFY: one dedicated connection per process listens on
 * one channel; each message travels as `{origin, topic, message}` JSON. A message is delivered to this
 * process's subscribers when it is published (so exactly once, whether or not the listening connection is up)
 * and its own notification, coming back through PostgreSQL, is recognised by `origin` and skipped. Messages
 * from other processes published while the listening connection is down are lost (NOTIFY is not queued for
 * absent listeners); on reconnection `onResync` listeners are told so they can re-read current state.
 */
export class PostgresEventBus implements EventBus {
  /** This bus's id; a notification carrying it was published here and has been delivered already. */
  readonly origin = newId();
  private readonly channel: string;
  private readonly subscribers: Subscribers;
  private readonly resyncListeners = new Set<() => void>();
  private client: pg.Client | null = null;
  private listening = false;
  private everListened = false;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** NOTIFYs are sent one after another, so other processes receive this one's messages in publishing order. */
  private sending: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: PostgresEventBusOptions) {
    this.channel = options.channel ?? DEFAULT_EVENT_CHANNEL;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.channel)) throw new Error(`Invalid event channel name: ${this.channel}`);
    this.subscribers = new Subscribers((err, topic) => options.logger.error({ err, topic }, "event subscriber failed"));
  }

  /**
   * Opens the listening connection. Resolves once it listens, or after a first failure (it keeps
   * reconnecting in the background; publishing and local delivery work meanwhile).
   */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Whether the listening connection is up (messages from other processes arrive). */
  get isListening(): boolean {
    return this.listening;
  }

  async publish(topic: string, message: object): Promise<void> {
    if (this.closed) throw new Error("The event bus is closed");
    const text = encodeEnvelope({ origin: this.origin, topic, message });
    this.subscribers.deliver(topic, (JSON.parse(text) as EventEnvelope).message);
    const sent = this.sending.then(() => this.notify(text));
    this.sending = sent.catch(() => {});
    await sent;
  }

  subscribe<M extends object = Record<string, unknown>>(topic: string, handler: EventHandler<M>): () => void {
    return this.subscribers.add(topic, handler);
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const client = this.client;
    this.client = null;
    this.listening = false;
    await this.sending;
    await client?.end().catch(() => {});
    this.subscribers.clear();
    this.resyncListeners.clear();
  }

  private async notify(text: string): Promise<void> {
    const root = this.options.db.detached(() => this.options.db.kysely);
    await sql`select pg_notify(${this.channel}, ${text})`.execute(root);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: "till-events",
      keepAlive: true,
    });
    this.client = client;
    client.on("error", (err) => this.dropped(client, err));
    client.on("end", () => this.dropped(client, new Error("connection ended")));
    client.on("notification", (notification) => {
      if (notification.channel === this.channel && notification.payload) this.received(notification.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      this.dropped(client, error);
      return;
    }
    if (this.client !== client) return;
    // Anything published elsewhere before now (since the connection was lost, or since start) was missed.
    const recovering = this.everListened || this.failures > 0;
    this.listening = true;
    this.everListened = true;
    this.failures = 0;
    if (recovering) {
      this.options.logger.info({ channel: this.channel }, "event listener reconnected");
      for (const listener of [...this.resyncListeners]) {
        try {
          listener();
        } catch (err) {
          this.options.logger.error({ err }, "event resync listener failed");
        }
      }
    }
  }

  private received(payload: string): void {
    const envelope = decodeEnvelope(payload);
    if (!envelope) {
      this.options.logger.warn({ channel: this.channel }, "ignored a notification that is not a Till event");
      return;
    }
    if (envelope.origin === this.origin) return;
    this.subscribers.deliver(envelope.topic, envelope.message);
  }

  /** The listening connection failed (or never opened): close it and try again later. */
  private dropped(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    this.listening = false;
    client.end().catch(() => {});
    if (this.closed) return;
    const initial = this.options.reconnect?.initialMs ?? 250;
    const max = this.options.reconnect?.maxMs ?? 10_000;
    const delay = Math.min(max, initial * 2 ** this.failures) * (0.75 + Math.random() * 0.5);
    this.failures += 1;
    this.options.logger.warn(
      { err: error, channel: this.channel, retryInMs: Math.round(delay) },
      "event listener connection lost; reconnecting",
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed) void this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }
}
