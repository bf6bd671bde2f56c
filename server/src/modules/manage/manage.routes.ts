import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { globalStorePolicySchema, policyPatchSchema } from "./policies.ts";
import type { SettingsService } from "./settings.service.ts";

export function registerManageRoutes(root: FastifyInstance, settings: SettingsService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["manage"];
  const superuser = { scopes: ["server_management" as const] };

  app.get(
    "/manage/policies",
    { config: { auth: { ...superuser, optional: true } }, schema: { tags } },
    async (request) => {
      const policy = await settings.policy();
      return request.actor ? settings.adminPolicy(policy) : settings.publicPolicy(policy);
    },
  );
  app.post(
    "/manage/policies",
    { config: { auth: superuser }, schema: { tags, body: policyPatchSchema } },
    async (request) => settings.adminPolicy(await settings.updatePolicy(request.body)),
  );
  app.get("/manage/stores", { schema: { tags } }, () => settings.storePolicy());
  app.post(
    "/manage/stores",
    { config: { auth: superuser }, schema: { tags, body: globalStorePolicySchema.partial() } },
    (request) => settings.updateStorePolicy(request.body),
  );
}
