import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";
import { AppError } from "../../kernel/errors.ts";
import { SAFE_IMAGE_EXTENSIONS } from "./file-type.ts";
import { UPLOAD_AREAS, type UploadStorage } from "./upload-storage.ts";

const SAFE_DOWNLOAD_NAME = /^[A-Za-z0-9._-]{1,255}$/;

/**
 * Headers for uploaded content, which is hostile: only raster images are displayed inline; anything else
 * (HTML, SVG, scripts) is a download that cannot run on Till's origin. Bitcart's store loads product
 * images with crossOrigin=anonymous, so every upload is readable cross-origin.
 */
function uploadHeaders(reply: FastifyReply, filePath: string): void {
  reply.header("access-control-allow-origin", "*");
  reply.header("x-content-type-options", "nosniff");
  const ext = path.extname(filePath).slice(1).toLowerCase();
  if ((SAFE_IMAGE_EXTENSIONS as readonly string[]).includes(ext)) return;
  const name = path.basename(filePath).replace(/^[0-9A-Z]{26}-/, "");
  reply.header("content-disposition", SAFE_DOWNLOAD_NAME.test(name) ? `attachment; filename="${name}"` : "attachment");
  reply.header("content-security-policy", "default-src 'none'; sandbox");
}

/** Serves `/images/...` and `/files/localstorage/...` from the data directory: no listing, no index files. */
export async function registerUploadServing(app: FastifyInstance, storage: UploadStorage): Promise<void> {
  storage.ensureAreas();
  await app.register(async (scope) => {
    // A directory is never served: answer it as the missing file it is, not with a 403 that confirms it exists.
    scope.addHook("onRequest", async (request) => {
      if (request.url.split("?")[0]!.endsWith("/")) throw new AppError(404, "Not Found");
    });
    for (const area of Object.values(UPLOAD_AREAS)) {
      await scope.register(fastifyStatic, {
        root: storage.absolute(area.dir),
        prefix: area.urlPrefix,
        decorateReply: false,
        index: false,
        list: false,
        redirect: false,
        dotfiles: "ignore",
        setHeaders: uploadHeaders,
      });
    }
  });
}
