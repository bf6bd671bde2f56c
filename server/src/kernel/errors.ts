/** One field-level problem, in FastAPI's (and so Bitcart's) `detail[]` shape. */
export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/**
 * The one error type services throw. The HTTP layer maps `status` and `detail` to a response;
 * anything that is not an AppError is masked as a 500 and logged.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === "string" ? detail : JSON.stringify(detail));
    this.name = "AppError";
  }
}

export const notFound = (what = "Object") => new AppError(404, `${what} not found`);

export const forbidden = (message: string) => new AppError(403, message);

export const unauthorized = (message = "Could not validate credentials") =>
  new AppError(401, message, { "WWW-Authenticate": "Bearer" });

export const unprocessable = (message: string) => new AppError(422, message);

/** A 422 naming the field, for checks a schema cannot express (uniqueness, ownership of linked ids). */
export const invalidField = (loc: (string | number)[], msg: string, type = "value_error") =>
  new AppError(422, [{ loc: ["body", ...loc], msg, type }] satisfies FieldError[]);

export const accessDenied = () => forbidden("Access denied: attempt to use objects not owned by current user");
