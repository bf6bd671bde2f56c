import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { requireActor } from "../../http/auth.ts";
import { idParams } from "../../http/fields.ts";
import { registerCrudRoutes } from "../shared/crud-routes.ts";
import { createStoreSchema, SETTINGS_SECTIONS, type SettingsSection, storePatchSchema } from "./store.schemas.ts";
import type { StoresService } from "./stores.service.ts";

export function registerStoreRoutes(root: FastifyInstance, stores: StoresService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["stores"];
  const auth = { scopes: ["store_management" as const] };

  app.get(
    "/stores/:id",
    { config: { auth: { ...auth, optional: true } }, schema: { tags, params: idParams } },
    (request) => stores.getForViewer(request.actor, request.params.id),
  );
  for (const section of Object.keys(SETTINGS_SECTIONS) as SettingsSection[]) {
    app.patch(
      `/stores/:id/${section}`,
      { config: { auth }, schema: { tags, params: idParams, body: SETTINGS_SECTIONS[section] } },
      (request) => stores.update(requireActor(request), request.params.id, { [section]: request.body }),
    );
  }
  registerCrudRoutes(app, {
    prefix: "/stores",
    tag: "stores",
    scope: "store_management",
    service: stores,
    createSchema: createStoreSchema,
    patchSchema: storePatchSchema,
    skip: ["get"],
  });
}
