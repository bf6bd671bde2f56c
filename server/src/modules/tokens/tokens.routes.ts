import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../http/auth.ts";
import { listQuerySchema } from "../../http/fields.ts";
import { AppError } from "../../kernel/errors.ts";
import { registerCrudRoutes, requestUrl } from "../shared/crud-routes.ts";
import { pageEnvelope } from "../shared/list-params.ts";
import { createTokenSchema, editTokenSchema, tokenListQuery } from "./token.schemas.ts";
import type { TokensService } from "./tokens.service.ts";

/** The passkey login options for a user at the second step (the ceremony's relying party comes from the request). */
export type PasskeyOptions = (userId: string, request: FastifyRequest) => Promise<unknown>;

const tfaToken = z.string().min(1).max(200);

export function registerTokenRoutes(
  root: FastifyInstance,
  tokens: TokensService,
  loginRateLimit: number,
  passkeyOptions?: PasskeyOptions,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["tokens"];
  const auth = { scopes: ["token_management" as const] };

  app.post(
    "/token",
    {
      config: { auth: { scopes: [], optional: true }, rateLimit: { max: loginRateLimit, timeWindow: "1 minute" } },
      schema: { tags, body: createTokenSchema },
    },
    (request) => tokens.createToken(request.actor, request.body, request.ip),
  );
  const secondStep = { rateLimit: { max: loginRateLimit, timeWindow: "1 minute" } };
  app.post(
    "/token/2fa/totp",
    { config: secondStep, schema: { tags, body: z.object({ token: tfaToken, code: z.string().max(50) }) } },
    (request) => tokens.completeSecondFactor(request.body.token, "totp", request.body.code),
  );
  app.post(
    "/token/2fa/fido2/begin",
    { config: secondStep, schema: { tags, body: z.object({ token: tfaToken }) } },
    async (request) => {
      if (!passkeyOptions) throw new AppError(404, "Not Found");
      return passkeyOptions(await tokens.pendingUser(request.body.token), request);
    },
  );
  app.post(
    "/token/2fa/fido2/complete",
    {
      config: secondStep,
      schema: { tags, body: z.object({ token: tfaToken, response: z.looseObject({ id: z.string().max(2000) }) }) },
    },
    (request) => tokens.completeSecondFactor(request.body.token, "fido2", request.body.response),
  );
  app.get("/token/current", { config: { auth: { scopes: [] } }, schema: { tags } }, (request) =>
    tokens.current(requireActor(request)),
  );
  app.get(
    "/token",
    { config: { auth }, schema: { tags, querystring: listQuerySchema.extend(tokenListQuery.shape) } },
    async (request) => {
      const { app_id, redirect_url, permissions, ...params } = request.query;
      const wanted = permissions === undefined ? [] : Array.isArray(permissions) ? permissions : permissions.split(",");
      const extra = [
        app_id !== undefined ? `app_id:${app_id}` : "",
        redirect_url !== undefined ? `redirect_url:${redirect_url}` : "",
      ].filter(Boolean);
      const query = [params.query, ...extra].filter(Boolean).join(" ");
      const { items, count } = await tokens.list(requireActor(request), { ...params, query });
      const filtered = wanted.length ? items.filter((t) => wanted.every((p) => t.permissions.includes(p))) : items;
      const result = params.autocomplete
        ? filtered.map((t) => ({ id: t.id, name: tokens.autocompleteLabel(t) }))
        : filtered;
      return pageEnvelope<unknown>(result, wanted.length ? filtered.length : count, params, requestUrl(request));
    },
  );
  registerCrudRoutes(app, {
    prefix: "/token",
    tag: "tokens",
    scope: "token_management",
    service: tokens,
    createSchema: createTokenSchema,
    patchSchema: editTokenSchema,
    skip: ["create", "list"],
  });
}
