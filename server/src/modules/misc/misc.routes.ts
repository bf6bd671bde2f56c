import type { FastifyInstance } from "fastify";

export interface HealthProbe {
  /** Resolves when the database answers a trivial query. */
  database(): Promise<void>;
  /** Whether this process holds the leader lease (runs the chain watchers and scheduled work). */
  leader?: () => boolean;
}

const HOME_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Till</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1b1f24}
@media (prefers-color-scheme:dark){body{background:#101317;color:#e6e8eb}a{color:#7ab7ff}}</style></head>
<body><h1>Till</h1><p>Self-hosted, non-custodial crypto payments. This server is running.</p>
<ul><li><a href="/docs">API documentation</a></li><li><a href="/openapi.json">OpenAPI document</a></li></ul></body></html>`;

/** Small endpoints Bitcart's admin and store call on every page, plus health probes and the home page. */
export function registerMiscRoutes(app: FastifyInstance, health: HealthProbe): void {
  app.get("/", { schema: { hide: true } }, (_request, reply) => reply.type("text/html; charset=utf-8").send(HOME_PAGE));
  // Till publishes no onion services and runs no update checker: both answer their honest empty state.
  app.get("/tor/services", { schema: { tags: ["misc"] } }, () => ({}));
  app.get("/update/check", { schema: { tags: ["misc"] } }, () => ({ update_available: false, tag: null }));
  app.get("/health/live", { schema: { tags: ["health"] } }, () => ({ status: "ok" }));
  app.get("/health/ready", { schema: { tags: ["health"] } }, async (request, reply) => {
    try {
      await health.database();
      return { status: "ok", checks: { database: "ok" }, leader: health.leader?.() ?? false };
    } catch (error) {
      request.log.warn({ err: error }, "readiness check failed");
      return reply
        .status(503)
        .send({ status: "degraded", checks: { database: "unavailable" }, leader: health.leader?.() ?? false });
    }
  });
}
