import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Actor } from "../kernel/actor.ts";
import { forbidden, unauthorized } from "../kernel/errors.ts";
import { missingScope, type Scope } from "../kernel/scopes.ts";

/** What a route declares about its caller. Routes without `auth` are public. */
export interface RouteAuth {
  scopes: Scope[];
  /** A missing or bad token is not an error: the route serves anonymous callers too. */
  optional?: boolean;
  /** The path parameter naming the object, for selective `scope:id` permissions (default `id`). */
  objectParam?: string;
}

declare module "fastify" {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** Resolves a bearer secret to its actor, or null when no such token exists. Throws for a disabled account. */
export type TokenResolver = (secret: string) => Promise<Actor | null>;

export function bearerSecret(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}

export function installAuth(app: FastifyInstance, resolve: TokenResolver): void {
  app.decorateRequest("actor", null);
  app.addHook("preHandler", async (request) => {
    const auth = request.routeOptions.config.auth;
    if (!auth) return;
    const secret = bearerSecret(request);
    const actor = secret ? await resolve(secret) : null;
    if (!actor) {
      if (auth.optional) return;
      throw unauthorized();
    }
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const objectId = params[auth.objectParam ?? "id"];
    const missing = missingScope(actor.permissions, actor.isSuperuser, auth.scopes, objectId);
    if (missing) {
      if (auth.optional) return;
      throw forbidden(`Not enough permissions: this requires the ${missing} scope`);
    }
    request.actor = actor;
  });
}
