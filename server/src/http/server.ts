import cors from "@fastify/cors";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { newId } from "../kernel/ids.ts";
import type { Logger } from "../kernel/logger.ts";
import { installAuth, type TokenResolver } from "./auth.ts";
import { installErrorHandler } from "./error-handler.ts";
import { installInputGuard } from "./input-guard.ts";

export interface HttpOptions {
  logger: Logger;
  maxBodyBytes: number;
  maxUploadBytes: number;
  corsOrigins: string[];
  trustProxy: boolean;
  resolveToken: TokenResolver;
  version: string;
}

function routerError(error: FastifyError, reply: FastifyReply) {
  if (error.code === "FST_ERR_MAX_PARAM_LENGTH") return reply.status(414).send({ detail: "URI Too Long" });
  if (error.code === "FST_ERR_BAD_URL") return reply.status(400).send({ detail: "Invalid URL" });
  return reply
    .status(error.statusCode && error.statusCode < 500 ? error.statusCode : 400)
    .send({ detail: error.message });
}

/** The Fastify instance with everything every route relies on; modules add their routes afterwards. */
export async function createHttpServer(options: HttpOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.maxBodyBytes,
    trustProxy: options.trustProxy,
    genReqId: (request) => {
      const given = request.headers["x-request-id"];
      return typeof given === "string" && /^[\w-]{1,64}$/.test(given) ? given : newId();
    },
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true },
    // The router's own rejections (a malformed or overlong path parameter) answer `{detail}` like every error.
    frameworkErrors: (error, _request, reply) => routerError(error, reply as FastifyReply),
    ajv: { customOptions: { coerceTypes: false } },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  installErrorHandler(app);
  installInputGuard(app);

  await app.register(cors, {
    origin: options.corsOrigins.includes("*") ? "*" : options.corsOrigins,
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowedHeaders: ["authorization", "content-type", "x-request-id"],
    exposedHeaders: ["content-disposition", "x-request-id"],
    maxAge: 86400,
  });
  await app.register(rateLimit, { global: false });
  await app.register(multipart, {
    limits: { fileSize: options.maxUploadBytes, files: 1, fields: 20, fieldSize: options.maxBodyBytes, parts: 25 },
  });
  // Live streams (http/live.ts): clients send nothing, so incoming messages are kept tiny.
  await app.register(websocket, { options: { maxPayload: 4096 } });
  await app.register(swagger, {
    openapi: {
      info: { title: "Till Merchant API", version: options.version, description: "Bitcart-compatible Merchant API" },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, () => app.swagger());

  installAuth(app, options.resolveToken);
  return app;
}
