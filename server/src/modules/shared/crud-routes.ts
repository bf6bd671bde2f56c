import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { z } from "zod";
import { requireActor } from "../../http/auth.ts";
import { batchBody, idParams, listQuerySchema } from "../../http/fields.ts";
import type { Scope } from "../../kernel/scopes.ts";
import type { CrudService } from "./crud-service.ts";
import { pageEnvelope } from "./list-params.ts";

export interface CrudRouteOptions<Out, C extends z.ZodType, P extends z.ZodType> {
  prefix: string;
  tag: string;
  scope: Scope;
  service: CrudService<Out, z.output<C>, z.output<P>>;
  createSchema: C;
  patchSchema: P;
  /** Routes the module registers itself (e.g. multipart create, public get). */
  skip?: ("list" | "count" | "get" | "create" | "update" | "delete" | "batch")[];
}

export function requestUrl(request: FastifyRequest): URL {
  return new URL(request.url, `${request.protocol}://${request.host}`);
}

/** Registers Bitcart's generic resource routes. Creates and edits answer 200, as Bitcart's admin requires. */
export function registerCrudRoutes<Out, C extends z.ZodType, P extends z.ZodType>(
  root: FastifyInstance,
  options: CrudRouteOptions<Out, C, P>,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { prefix, tag, scope, service } = options;
  const skip = new Set(options.skip ?? []);
  const auth = { scopes: [scope] };
  const tags = [tag];

  if (!skip.has("list")) {
    app.get(prefix, { config: { auth }, schema: { tags, querystring: listQuerySchema } }, async (request) => {
      const params = request.query;
      const { items, count } = await service.list(requireActor(request), params);
      const result = params.autocomplete
        ? items.map((item) => ({ id: (item as { id: string }).id, name: service.autocompleteLabel(item) }))
        : items;
      return pageEnvelope<unknown>(result, count, params, requestUrl(request));
    });
  }
  if (!skip.has("count")) {
    app.get(`${prefix}/count`, { config: { auth }, schema: { tags, querystring: listQuerySchema } }, (request) =>
      service.count(requireActor(request), request.query),
    );
  }
  if (!skip.has("get")) {
    app.get(`${prefix}/:id`, { config: { auth }, schema: { tags, params: idParams } }, (request) =>
      service.get(requireActor(request), request.params.id),
    );
  }
  if (!skip.has("create")) {
    app.post(prefix, { config: { auth }, schema: { tags, body: options.createSchema } }, (request) =>
      service.create(requireActor(request), request.body as z.output<C>),
    );
  }
  if (!skip.has("update")) {
    app.patch(
      `${prefix}/:id`,
      { config: { auth }, schema: { tags, params: idParams, body: options.patchSchema } },
      (request) => service.update(requireActor(request), request.params.id, request.body as z.output<P>),
    );
  }
  if (!skip.has("delete")) {
    app.delete(`${prefix}/:id`, { config: { auth }, schema: { tags, params: idParams } }, (request) =>
      service.remove(requireActor(request), request.params.id),
    );
  }
  if (!skip.has("batch")) {
    app.post(`${prefix}/batch`, { config: { auth }, schema: { tags, body: batchBody } }, (request) =>
      service.batch(requireActor(request), request.body.command, request.body.ids, request.body.options),
    );
  }
}
