import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError, type FieldError } from "../kernel/errors.ts";

const CONTEXT_LOC: Record<string, string> = { body: "body", querystring: "query", params: "path", headers: "header" };

const isMissing = (keyword: string, message: string | undefined) =>
  keyword === "invalid_type" && (message ?? "").endsWith("received undefined");

function zodIssueType(keyword: string, message: string | undefined, params: Record<string, unknown>): string {
  if (keyword === "invalid_type") return isMissing(keyword, message) ? "missing" : `${String(params.expected)}_type`;
  return keyword;
}

/** Renders every error in FastAPI's shapes (Bitcart clients read `detail`); never leaks a stack trace. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return reply.status(error.status).headers(error.headers).send({ detail: error.detail });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = CONTEXT_LOC[error.validationContext ?? "body"] ?? "body";
      const detail: FieldError[] = error.validation.map((issue) => {
        const path = issue.instancePath.split("/").filter(Boolean);
        const params = issue.params as Record<string, unknown>;
        const missing = isMissing(issue.keyword, issue.message);
        return {
          loc: [where, ...path.map((p) => (/^\d+$/.test(p) ? Number(p) : p))],
          msg: missing ? "Field required" : (issue.message ?? "Invalid value"),
          type: zodIssueType(issue.keyword, issue.message, params),
        };
      });
      return reply.status(422).send({ detail });
    }
    switch (error.code) {
      case "FST_ERR_CTP_BODY_TOO_LARGE":
      case "FST_REQ_FILE_TOO_LARGE":
      case "FST_FILES_LIMIT":
      case "FST_PARTS_LIMIT":
        return reply.status(413).send({ detail: "Request body is too large" });
      case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
        return reply.status(415).send({ detail: "Unsupported media type" });
      case "FST_ERR_CTP_EMPTY_JSON_BODY":
      case "FST_ERR_CTP_INVALID_JSON_BODY":
        return reply.status(422).send({ detail: [{ loc: ["body"], msg: "JSON decode error", type: "json_invalid" }] });
      case "FST_INVALID_MULTIPART_CONTENT_TYPE":
        return reply
          .status(422)
          .send({ detail: [{ loc: ["body"], msg: "Expected multipart/form-data", type: "multipart" }] });
    }
    if (error instanceof SyntaxError || error.statusCode === 400) {
      return reply.status(422).send({ detail: [{ loc: ["body"], msg: error.message, type: "value_error" }] });
    }
    if (error.statusCode === 429) {
      return reply.status(429).headers({ "retry-after": "60" }).send({ detail: "Too many requests, try again later" });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ detail: error.message });
    }
    request.log.error({ err: error }, "unhandled error");
    return reply.status(500).send({ detail: "Internal Server Error" });
  });

  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ detail: "Not Found" }));
}
