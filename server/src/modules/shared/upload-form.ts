import type { FastifyRequest } from "fastify";
import { AppError, type FieldError, invalidField } from "../../kernel/errors.ts";

/** One uploaded file, read into memory (its size is bounded by the multipart limit). */
export interface UploadedFile {
  content: Buffer;
  /** The client's name for it: untrusted, never used as a path as is. */
  filename: string;
  /** The client's content type: untrusted. */
  mimetype: string;
}

export interface UploadForm {
  /** The fields: the parsed `data` JSON part, the plain form fields, or a JSON body; `{}` when none. */
  data: unknown;
  file: UploadedFile | null;
}

const tooLarge = () => new AppError(413, "Request body is too large");

const malformed = () =>
  new AppError(422, [
    { loc: ["body"], msg: "Malformed multipart/form-data body", type: "multipart" },
  ] satisfies FieldError[]);

function parseDataJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidField(["data"], "Invalid JSON", "json_invalid");
  }
}

/**
 * Reads Bitcart's upload requests: `multipart/form-data` with a `data` part holding a JSON string and one
 * file part named `fileField`, or a plain JSON body with the same fields (no file then).
 * Without a `data` part, plain form fields are taken as the fields.
 */
export async function readUploadForm(request: FastifyRequest, fileField: string): Promise<UploadForm> {
  if (!request.isMultipart()) {
    return { data: request.body ?? {}, file: null };
  }
  let dataText: string | undefined;
  const fields: Record<string, unknown> = Object.create(null);
  let file: UploadedFile | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === "field") {
        if (part.valueTruncated || part.fieldnameTruncated) throw tooLarge();
        const value = typeof part.value === "string" ? part.value : String(part.value);
        if (part.fieldname === "data") dataText = value;
        else fields[part.fieldname] = value;
        continue;
      }
      // Every file part must be read to the end, or the request stream stalls.
      const content = await part.toBuffer();
      if (part.fieldname === fileField) {
        if (content.length > 0 || part.filename) {
          file = { content, filename: part.filename ?? "", mimetype: part.mimetype ?? "" };
        }
      } else if (part.fieldname === "data") {
        // Some clients append the JSON as a Blob, which arrives as a file part.
        dataText = content.toString("utf8");
      }
    }
  } catch (error) {
    throw isKnownFailure(error) ? error : malformed();
  }
  const data = dataText !== undefined ? parseDataJson(dataText) : fields;
  return { data, file };
}

/** Limit errors (413) carry a status; the parser's own errors (no boundary, truncated body) do not. */
function isKnownFailure(error: unknown): boolean {
  return error instanceof AppError || typeof (error as { statusCode?: unknown })?.statusCode === "number";
}
