import type { FastifyInstance } from "fastify";
import { registerLiveRoute } from "../../src/http/live.ts";
import type { EventBus } from "../../src/kernel/events.ts";

/** A test topic's message: a status, like an invoice's. */
export interface TopicState {
  status: string;
  n?: number;
}

export const FINAL_STATUSES = ["complete", "expired", "invalid"];

/**
 * A throwaway live topic family, `/ws/test-topics/:id` and `/test-topics/:id/events` on topic
 * `test-topic:<id>`, whose current state depends on the id alone: ids starting with `missing` do not exist,
 * ids starting with `done` are already complete, every other one is pending — unless `states` holds the id's
 * state (tests that change a state behind the bus's back).
 */
export function registerTestTopics(
  app: FastifyInstance,
  bus: EventBus,
  options: { heartbeatMs?: number; states?: Map<string, TopicState> } = {},
): void {
  registerLiveRoute<TopicState>(app, bus, {
    ws: "/ws/test-topics/:id",
    sse: "/test-topics/:id/events",
    topic: (id) => `test-topic:${id}`,
    initial: async (id) => {
      const known = options.states?.get(id);
      if (known) return known;
      if (id.startsWith("missing")) return null;
      return { status: id.startsWith("done") ? "complete" : "pending" };
    },
    isFinal: (message) => FINAL_STATUSES.includes(message.status),
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  });
}
