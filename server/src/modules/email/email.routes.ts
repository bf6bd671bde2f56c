import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../http/auth.ts";
import { emailField, idParams } from "../../http/fields.ts";
import type { EmailService } from "./email.service.ts";

const testBody = z.object({ to: emailField().optional() }).default({});

export function registerEmailRoutes(root: FastifyInstance, email: EmailService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["email"];
  app.get("/email/presets", { schema: { tags } }, () => email.presets());
  app.post(
    "/stores/:id/email/test",
    { config: { auth: { scopes: ["store_management"] } }, schema: { tags, params: idParams, body: testBody } },
    (request) => email.testStore(requireActor(request), request.params.id, request.body.to),
  );
  app.post(
    "/manage/email/test",
    { config: { auth: { scopes: ["server_management"] } }, schema: { tags, body: testBody } },
    (request) => email.testServer(request.body.to),
  );
}
