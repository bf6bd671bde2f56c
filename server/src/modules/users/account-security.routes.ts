import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../http/auth.ts";
import { boolField, defaultField, emailField, queryBool } from "../../http/fields.ts";
import type { AccountSecurity } from "./account-security.service.ts";
import { type Passkeys, type RelyingParty, relyingParty } from "./passkeys.ts";
import { passwordField } from "./user.schemas.ts";

export interface AccountSecurityOptions {
  /** `TILL_AUTH_ORIGIN`; undefined = the origin of each request. */
  origin: string | undefined;
  /** `TILL_ADMIN_URL`; undefined = `/admin` on the request's origin. */
  adminUrl: string | undefined;
}

const webauthnResponse = z.looseObject({
  id: z.string().max(2000),
  rawId: z.string().max(2000),
  type: z.literal("public-key"),
  response: z.looseObject({ clientDataJSON: z.string().max(100_000) }),
});

export const requestOrigin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

export function registerAccountSecurityRoutes(
  root: FastifyInstance,
  security: AccountSecurity,
  passkeys: Passkeys,
  options: AccountSecurityOptions,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["users"];
  const fullControl = { auth: { scopes: ["full_control" as const] } };
  const perIpPerHour = (max: number) => ({ rateLimit: { max, timeWindow: "1 hour" } });
  const adminUrl = (request: FastifyRequest) => options.adminUrl ?? `${requestOrigin(request)}/admin`;
  const rp = (request: FastifyRequest): RelyingParty => relyingParty(options.origin ?? requestOrigin(request));

  app.post(
    "/users/reset_password",
    { config: perIpPerHour(5), schema: { tags, body: z.object({ email: emailField() }) } },
    (request) => security.requestReset(request.body.email, adminUrl(request)),
  );
  app.post(
    "/users/reset_password/finalize",
    {
      config: perIpPerHour(10),
      schema: {
        tags,
        body: z.object({
          token: z.string().min(1).max(200),
          password: passwordField(),
          logout_all: defaultField(boolField(), true),
        }),
      },
    },
    (request) => security.finalizeReset(request.body.token, request.body.password, request.body.logout_all),
  );
  app.post(
    "/users/verify",
    { config: perIpPerHour(5), schema: { tags, body: z.object({ email: emailField() }) } },
    (request) => security.requestVerification(request.body.email, adminUrl(request)),
  );
  app.post(
    "/users/verify/finalize",
    {
      config: perIpPerHour(10),
      schema: {
        tags,
        body: z.object({ token: z.string().min(1).max(200) }),
        querystring: z.object({ add_token: queryBool(false) }),
      },
    },
    (request) => security.finalizeVerification(request.body.token, request.query.add_token),
  );

  app.get("/users/me/2fa/totp", { config: fullControl, schema: { tags } }, (request) =>
    security.totpSetup(requireActor(request)),
  );
  app.post(
    "/users/2fa/totp/verify",
    { config: fullControl, schema: { tags, body: z.object({ code: z.string().max(20) }) } },
    (request) => security.enableTotp(requireActor(request), request.body.code),
  );
  app.post("/users/2fa/disable", { config: fullControl, schema: { tags } }, async (request) => {
    await security.disableTotp(requireActor(request));
    return true;
  });

  app.post("/users/2fa/fido2/register/begin", { config: fullControl, schema: { tags } }, (request) =>
    passkeys.registerBegin(requireActor(request), rp(request)),
  );
  app.post(
    "/users/2fa/fido2/register/complete",
    {
      config: fullControl,
      schema: { tags, body: z.object({ name: z.string().trim().max(100).default(""), response: webauthnResponse }) },
    },
    async (request) => {
      const device = await passkeys.registerComplete(
        requireActor(request),
        request.body.name,
        request.body.response as unknown as RegistrationResponseJSON,
      );
      return { id: device.id, name: device.name, created: device.created };
    },
  );
  app.delete(
    "/users/2fa/fido2/:device_id",
    { config: fullControl, schema: { tags, params: z.object({ device_id: z.string().max(64) }) } },
    async (request) => {
      await security.removeDevice(requireActor(request), request.params.device_id);
      return true;
    },
  );
}

export type { AuthenticationResponseJSON };
export { webauthnResponse };
