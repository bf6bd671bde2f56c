import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../http/auth.ts";
import { idParams } from "../../http/fields.ts";
import { registerCrudRoutes } from "../shared/crud-routes.ts";
import {
  createPayoutSchema,
  createRefundSchema,
  payoutPatchSchema,
  psbtBodySchema,
  submitRefundSchema,
} from "./payout.schemas.ts";
import type { PayoutSender } from "./payout-sender.ts";
import type { PayoutsService } from "./payouts.service.ts";
import type { RefundsService } from "./refunds.service.ts";

export function registerPayoutRoutes(root: FastifyInstance, payouts: PayoutsService, sender: PayoutSender): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["payouts"];
  const auth = { scopes: ["payout_management" as const] };
  app.get("/payouts/:id/psbt", { config: { auth }, schema: { tags, params: idParams } }, (request) =>
    sender.exportPsbt(requireActor(request), request.params.id),
  );
  app.post(
    "/payouts/:id/psbt",
    { config: { auth }, schema: { tags, params: idParams, body: psbtBodySchema } },
    (request) => sender.submitPsbt(requireActor(request), request.params.id, request.body.psbt),
  );
  registerCrudRoutes(app, {
    prefix: "/payouts",
    tag: "payouts",
    scope: "payout_management",
    service: payouts,
    createSchema: createPayoutSchema,
    patchSchema: payoutPatchSchema,
  });
}

/** Bitcart's refund endpoints, under /invoices: creation needs the merchant, reading and submitting are public. */
export function registerRefundRoutes(
  root: FastifyInstance,
  refunds: RefundsService,
  defaultHost: (request: FastifyRequest) => string,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["invoices"];
  const refundParams = z.object({ refund_id: z.string().min(1).max(128) });
  app.post(
    "/invoices/:id/refunds",
    {
      config: { auth: { scopes: ["invoice_management", "payout_management"] } },
      schema: { tags, params: idParams, body: createRefundSchema },
    },
    (request) => refunds.create(requireActor(request), request.params.id, request.body, defaultHost(request)),
  );
  app.get("/invoices/refunds/:refund_id", { schema: { tags, params: refundParams } }, (request) =>
    refunds.get(request.params.refund_id),
  );
  app.post(
    "/invoices/refunds/:refund_id/submit",
    { schema: { tags, params: refundParams, body: submitRefundSchema } },
    (request) => refunds.submit(request.params.refund_id, request.body.destination),
  );
}
