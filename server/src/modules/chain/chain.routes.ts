import type { FastifyInstance } from "fastify";

/** `GET /manage/syncinfo` (superuser): per enabled coin, its backend, server, connection and height. */
export function registerChainRoutes(app: FastifyInstance, syncInfo: () => unknown[]): void {
  app.get(
    "/manage/syncinfo",
    { config: { auth: { scopes: ["server_management"] } }, schema: { tags: ["manage"] } },
    () => syncInfo(),
  );
}
