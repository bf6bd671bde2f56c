export type CaptchaType = "none" | "hcaptcha" | "cloudflare_turnstile";

export interface CaptchaPolicy {
  captcha_type: CaptchaType;
  captcha_secretkey: string;
}

/**
 * Checks a captcha answer with its service's `siteverify` endpoint (form-encoded `secret`, `response`,
 * `remoteip`, as both hCaptcha and Turnstile take). The endpoints are the operator's configuration, not user
 * input, so they are called with plain fetch.
 */
export class CaptchaVerifier {
  constructor(
    private readonly verifyUrls: Record<Exclude<CaptchaType, "none">, string>,
    private readonly timeoutMs = 10_000,
  ) {}

  /** True when no captcha is configured or the answer is accepted; any failure to check counts as refused. */
  async passes(policy: CaptchaPolicy, answer: string, remoteIp: string): Promise<boolean> {
    if (policy.captcha_type === "none") return true;
    if (!answer) return false;
    const body = new URLSearchParams({ secret: policy.captcha_secretkey, response: answer, remoteip: remoteIp });
    try {
      const response = await fetch(this.verifyUrls[policy.captcha_type], {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) return false;
      const result = (await response.json()) as { success?: unknown };
      return result.success === true;
    } catch {
      return false;
    }
  }
}
