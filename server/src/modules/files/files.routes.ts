import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../http/auth.ts";
import { idParams } from "../../http/fields.ts";
import { invalidField } from "../../kernel/errors.ts";
import { registerCrudRoutes } from "../shared/crud-routes.ts";
import { readUploadForm } from "../shared/upload-form.ts";
import { validateBody } from "../shared/validate-body.ts";
import { fileFieldsSchema } from "./file.schemas.ts";
import type { FilesService } from "./files.service.ts";

/** Bitcart's file routes: multipart uploads with a `file` part (and an optional `data` JSON part). */
export function registerFileRoutes(root: FastifyInstance, files: FilesService): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ["files"];
  const auth = { scopes: ["file_management" as const] };

  app.post("/files", { config: { auth }, schema: { tags } }, async (request) => {
    const actor = requireActor(request);
    // The policy is checked before the upload is read, so a refused upload costs no disk or memory.
    await files.assertUploadAllowed(actor);
    const form = await readUploadForm(request, "file");
    if (!form.file) throw invalidField(["file"], "Field required", "missing");
    return files.create(actor, { fields: validateBody(fileFieldsSchema, form.data), file: form.file });
  });
  app.patch("/files/:id", { config: { auth }, schema: { tags, params: idParams } }, async (request) => {
    const actor = requireActor(request);
    if (request.isMultipart()) await files.assertUploadAllowed(actor);
    const form = await readUploadForm(request, "file");
    return files.update(actor, request.params.id, {
      fields: validateBody(fileFieldsSchema, form.data),
      file: form.file,
    });
  });
  app.get("/files/handle/:id", { schema: { tags, params: idParams } }, async (request, reply) =>
    reply.redirect(await files.handleUrl(request.params.id), 302),
  );
  registerCrudRoutes(app, {
    prefix: "/files",
    tag: "files",
    scope: "file_management",
    service: files,
    // Never used: create and update are the multipart routes above.
    createSchema: z.never(),
    patchSchema: z.never(),
    skip: ["create", "update"],
  });
}
