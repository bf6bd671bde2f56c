import { newId } from "./ids.ts";

/**
 * The event bus port: fire-and-forget messages on string topics (`invoice:<id>`), for live pushes such as
 * invoice status on open websockets. Not durable: a subscriber that is not connected when a message is
 * published never sees it, so anything that must not be lost goes through the database (outbox rows), and
 * live clients read the current state when they connect.
 *
 * Messages are JSON: subscribers receive a JSON copy (dates become strings), the same on every implementation.
 */

export type EventHandler<M extends object = Record<string, unknown>> = (message: M) => void;

export interface EventBus {
  /**
   * Delivers `message` to this process's subscribers of `topic` (synchronously, before this returns) and, on a
   * shared implementation, to every other process's. Subscribers in this process receive it exactly once.
   * Throws `EventTooLargeError` before delivering anything when the message is too large to travel; rejects
   * when it could not be sent to other processes (it has been delivered here already). Publish after the
   * transaction that made the change has committed.
   */
  publish(topic: string, message: object): Promise<void>;
  /** Calls `handler` for every message on `topic` until the returned function is called. */
  subscribe<M extends object = Record<string, unknown>>(topic: string, handler: EventHandler<M>): () => void;
  /**
   * Calls `listener` whenever messages from other processes may have been missed (the connection that
   * receives them was lost and is back), so live streams can re-read the current state. Never called by the
   * in-process bus. Returns the function that removes the listener.
   */
  onResync(listener: () => void): () => void;
  /** Stops delivering; later publishes are refused. */
  close(): Promise<void>;
}

/** PostgreSQL's NOTIFY payload must be shorter than 8000 bytes; every implementation keeps to it. */
export const MAX_EVENT_BYTES = 7999;

export class EventTooLargeError extends Error {
  override name = "EventTooLargeError";
  constructor(
    readonly topic: string,
    readonly bytes: number,
  ) {
    super(
      `Event on topic "${topic}" is ${bytes} bytes as JSON; events carry at most ${MAX_EVENT_BYTES} bytes ` +
        "(PostgreSQL NOTIFY's limit): publish ids and small fields, and let subscribers read the rest",
    );
  }
}

/** What travels between processes: the message with its topic and the publishing bus's id. */
export interface EventEnvelope {
  origin: string;
  topic: string;
  message: object;
}

/** The envelope as JSON text, refused with `EventTooLargeError` when it exceeds MAX_EVENT_BYTES. */
export function encodeEnvelope(envelope: EventEnvelope): string {
  const text = JSON.stringify(envelope);
  if (text === undefined || typeof envelope.message !== "object" || envelope.message === null)
    throw new TypeError(`Event on topic "${envelope.topic}" must be a JSON object`);
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_EVENT_BYTES) throw new EventTooLargeError(envelope.topic, bytes);
  return text;
}

/** Reads an envelope back; null when the text is not one. */
export function decodeEnvelope(text: string): EventEnvelope | null {
  try {
    const value = JSON.parse(text) as Partial<EventEnvelope>;
    if (typeof value?.origin !== "string" || typeof value.topic !== "string") return null;
    if (typeof value.message !== "object" || value.message === null) return null;
    return value as EventEnvelope;
  } catch {
    return null;
  }
}

export type HandlerErrorReporter = (error: unknown, topic: string) => void;

/**
 * Topic → handlers, shared by the implementations: delivers one message to the current subscribers of its
 * topic. A throwing handler is reported and does not keep the message from the others.
 */
export class Subscribers {
  private readonly byTopic = new Map<string, Set<EventHandler<any>>>();

  constructor(private readonly onHandlerError: HandlerErrorReporter) {}

  add(topic: string, handler: EventHandler<any>): () => void {
    let handlers = this.byTopic.get(topic);
    if (!handlers) {
      handlers = new Set();
      this.byTopic.set(topic, handlers);
    }
    // A wrapper per subscription: the same function subscribed twice is two subscriptions.
    const entry: EventHandler<any> = (message) => handler(message);
    handlers.add(entry);
    return () => {
      const current = this.byTopic.get(topic);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.byTopic.delete(topic);
    };
  }

  deliver(topic: string, message: object): void {
    const handlers = this.byTopic.get(topic);
    if (!handlers) return;
    // A copy: handlers may unsubscribe (or subscribe others) while the message is being delivered.
    for (const handler of [...handlers]) {
      try {
        handler(message);
      } catch (error) {
        this.onHandlerError(error, topic);
      }
    }
  }

  /** Topics with at least one subscriber. */
  get topicCount(): number {
    return this.byTopic.size;
  }

  clear(): void {
    this.byTopic.clear();
  }
}

export interface InMemoryEventBusOptions {
  /** Called when a handler throws; the default ignores it. */
  onHandlerError?: HandlerErrorReporter;
}

/** The bus within one process: what Till uses on SQLite, where there is one process by design. */
export class InMemoryEventBus implements EventBus {
  private readonly subscribers: Subscribers;
  /** Same length as a shared bus's origin, so a message's size is judged alike on every implementation. */
  private readonly origin = newId();
  private closed = false;

  constructor(options: InMemoryEventBusOptions = {}) {
    this.subscribers = new Subscribers(options.onHandlerError ?? (() => {}));
  }

  async publish(topic: string, message: object): Promise<void> {
    if (this.closed) throw new Error("The event bus is closed");
    const text = encodeEnvelope({ origin: this.origin, topic, message });
    this.subscribers.deliver(topic, (JSON.parse(text) as EventEnvelope).message);
  }

  subscribe<M extends object = Record<string, unknown>>(topic: string, handler: EventHandler<M>): () => void {
    return this.subscribers.add(topic, handler);
  }

  onResync(_listener: () => void): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
  }
}
