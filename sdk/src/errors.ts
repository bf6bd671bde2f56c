import type { ErrorDetail, FieldError, LoginErrorDetail } from "./types.ts";

const isFieldErrors = (detail: unknown): detail is FieldError[] =>
  Array.isArray(detail) && detail.every((d) => typeof d === "object" && d !== null && "msg" in d);

const isLoginError = (detail: unknown): detail is LoginErrorDetail =>
  typeof detail === "object" && detail !== null && "message" in detail && "status" in detail;

/** A one-line description of an error `detail`, whatever its shape. */
export function describeDetail(detail: ErrorDetail): string {
  if (typeof detail === "string") return detail;
  if (isFieldErrors(detail)) {
    return detail.map((d) => (d.loc.length ? `${d.loc.join(".")}: ${d.msg}` : d.msg)).join("; ");
  }
  if (isLoginError(detail)) return detail.message;
  return detail === null ? "" : JSON.stringify(detail);
}

/**
 * The server answered with an error status. `status` is the HTTP status; `detail` is the body's `detail`
 * (a message, a list of field errors or a login failure), or the whole body when it has none.
 */
export class TillApiError extends Error {
  override name = "TillApiError";

  constructor(
    readonly status: number,
    readonly detail: ErrorDetail,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path} failed with ${status}${describeDetail(detail) ? `: ${describeDetail(detail)}` : ""}`);
  }

  /** The field errors of a 422, or an empty list for any other error. */
  get fieldErrors(): FieldError[] {
    return isFieldErrors(this.detail) ? this.detail : [];
  }

  /** For a failed login: 404 = no such user, 401 = wrong password, 403 = captcha failed; otherwise undefined. */
  get loginStatus(): number | undefined {
    return isLoginError(this.detail) ? this.detail.status : undefined;
  }
}
