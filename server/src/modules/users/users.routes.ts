import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { requireActor } from "../../http/auth.ts";
import { registerCrudRoutes } from "../shared/crud-routes.ts";
import { passwordChangeSchema, preferencesSchema, registerSchema, userPatchSchema } from "./user.schemas.ts";
import type { UsersService } from "./users.service.ts";

export function registerUserRoutes(
  root: FastifyInstance,
  users: UsersService,
  registerRateLimit: number,
  adminUrl: (request: FastifyRequest) => string = (request) => `${request.protocol}://${request.host}/admin`,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["users"];

  app.get("/users/me", { config: { auth: { scopes: ["token_management"] } }, schema: { tags } }, (request) =>
    users.me(requireActor(request)),
  );
  app.post(
    "/users/me/settings",
    { config: { auth: { scopes: ["token_management"] } }, schema: { tags, body: preferencesSchema.partial() } },
    (request) => users.updatePreferences(requireActor(request), request.body),
  );
  app.get("/users/stats", { config: { auth: { scopes: ["full_control"] } }, schema: { tags } }, (request) =>
    users.stats(requireActor(request)),
  );
  app.post(
    "/users/password",
    { config: { auth: { scopes: ["full_control"] } }, schema: { tags, body: passwordChangeSchema } },
    (request) => users.changePassword(requireActor(request), request.body),
  );
  app.post(
    "/users",
    {
      config: {
        auth: { scopes: ["server_management"], optional: true },
        rateLimit: { max: registerRateLimit, timeWindow: "1 minute" },
      },
      schema: { tags, body: registerSchema },
    },
    (request) => users.register(request.actor, request.body, request.ip, adminUrl(request)),
  );
  registerCrudRoutes(app, {
    prefix: "/users",
    tag: "users",
    scope: "server_management",
    service: users,
    createSchema: registerSchema,
    patchSchema: userPatchSchema,
    skip: ["create"],
  });
}
