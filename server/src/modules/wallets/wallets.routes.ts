import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../http/auth.ts";
import { idParams } from "../../http/fields.ts";
import { registerCrudRoutes } from "../shared/crud-routes.ts";
import { createWalletSchema, generateWalletSchema, walletPatchSchema } from "./wallet.schemas.ts";
import type { WalletsService } from "./wallets.service.ts";

export interface WalletSchemaEntry {
  xpub_name: string;
  required: string[];
  properties: string[];
}

export function registerWalletRoutes(
  root: FastifyInstance,
  wallets: WalletsService,
  schema: () => Record<string, WalletSchemaEntry>,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["wallets"];
  const auth = { scopes: ["wallet_management" as const] };

  app.get("/wallets/schema", { schema: { tags } }, () => schema());
  app.post("/wallets/create", { config: { auth }, schema: { tags, body: generateWalletSchema } }, (request) =>
    wallets.generate(request.body.currency, request.body.hot_wallet),
  );
  app.get("/wallets/:id/balance", { config: { auth }, schema: { tags, params: idParams } }, (request) =>
    wallets.balance(requireActor(request), request.params.id),
  );
  app.post("/wallets/:id/address", { config: { auth }, schema: { tags, params: idParams } }, (request) =>
    wallets.issueAddress(requireActor(request), request.params.id),
  );
  app.get(
    "/wallets/:id/addresses",
    {
      config: { auth },
      schema: {
        tags,
        params: idParams,
        querystring: z.object({
          chain: z.enum(["0", "1"]).default("0"),
          offset: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
    },
    (request) =>
      wallets.listAddresses(
        requireActor(request),
        request.params.id,
        request.query.chain === "1" ? 1 : 0,
        request.query.offset,
        request.query.limit,
      ),
  );
  app.post("/wallets/:id/sync", { config: { auth }, schema: { tags, params: idParams } }, (request) =>
    wallets.requestSync(requireActor(request), request.params.id),
  );
  app.get(
    "/wallets/:id/symbol",
    { config: { auth }, schema: { tags, params: idParams } },
    async (request) => (await wallets.get(requireActor(request), request.params.id)).currency,
  );
  // Lightning is not built yet: every wallet answers that it has no node, as Bitcart does for on-chain wallets.
  app.get("/wallets/:id/checkln", { config: { auth }, schema: { tags, params: idParams } }, async (request) => {
    await wallets.get(requireActor(request), request.params.id);
    return false;
  });
  registerCrudRoutes(app, {
    prefix: "/wallets",
    tag: "wallets",
    scope: "wallet_management",
    service: wallets,
    createSchema: createWalletSchema,
    patchSchema: walletPatchSchema,
  });
}
