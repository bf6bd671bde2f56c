import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";

/** Which built page answers which route; the page's own script reads the rest of the path. */
const PAGES: Array<{ file: string; routes: string[]; embeddable: boolean }> = [
  { file: "admin.html", routes: ["/admin", "/admin/*"], embeddable: false },
  { file: "checkout.html", routes: ["/i/:id", "/refunds/:id"], embeddable: true },
  { file: "store.html", routes: ["/store", "/store/*"], embeddable: false },
];

/**
 * Security headers of an HTML page. Only the checkout may be framed (till.js opens it as a modal on the
 * merchant's site); the admin and the store are never framed, so they cannot be clickjacked.
 */
function pageHeaders(reply: FastifyReply, embeddable: boolean): void {
  reply.header("cache-control", "no-cache");
  reply.header("x-content-type-options", "nosniff");
  reply.header("referrer-policy", "same-origin");
  reply.header(
    "content-security-policy",
    [
      "default-src 'self'",
      "img-src 'self' data: blob: https:",
      "style-src 'self' 'unsafe-inline'",
      "connect-src 'self' ws: wss:",
      "object-src 'none'",
      "base-uri 'self'",
      embeddable ? "frame-ancestors *" : "frame-ancestors 'none'",
    ].join("; "),
  );
  if (!embeddable) reply.header("x-frame-options", "DENY");
}

/**
 * Serves the built web app (web/dist): the three pages on their routes and the hashed assets under
 * /assets/ (cached for a year: their names change with their content). Without a build, the pages answer
 * 503 with the command that makes one, and the API is unaffected.
 */
export async function registerWebPages(app: FastifyInstance, webDir: string | null): Promise<void> {
  const built = webDir !== null && existsSync(path.join(webDir, "admin.html"));
  for (const page of PAGES) {
    const html = built ? readFileSync(path.join(webDir, page.file), "utf8") : null;
    for (const route of page.routes) {
      app.get(route, { schema: { hide: true } }, (_request, reply) => {
        if (html === null) {
          return reply.status(503).send({ detail: "The web app is not built: run `npm run build`" });
        }
        pageHeaders(reply, page.embeddable);
        return reply.type("text/html; charset=utf-8").send(html);
      });
    }
  }
  if (!built) return;
  await app.register(fastifyStatic, {
    root: path.join(webDir, "assets"),
    prefix: "/assets/",
    decorateReply: false,
    index: false,
    list: false,
    redirect: false,
    immutable: true,
    maxAge: "365d",
  });
  // Files from web/public (till.js, icons) are served at the root under their own names.
  const publicFiles = ["till.js", "favicon.svg"].filter((name) => existsSync(path.join(webDir, name)));
  for (const name of publicFiles) {
    const body = readFileSync(path.join(webDir, name));
    const type = name.endsWith(".js") ? "text/javascript; charset=utf-8" : "image/svg+xml";
    app.get(`/${name}`, { schema: { hide: true } }, (_request, reply) => {
      reply.header("cache-control", "public, max-age=300");
      reply.header("access-control-allow-origin", "*");
      return reply.type(type).send(body);
    });
  }
}
