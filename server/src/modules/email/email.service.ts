import type { Actor } from "../../kernel/actor.ts";
import { EMAIL_PRESETS } from "./presets.ts";
import { describeSmtpError, type OpenEmailSettings, type SmtpMailer } from "./smtp-mailer.ts";

export interface EmailServiceDeps {
  /** The caller's store's settings, password opened; throws 404 for a store the caller does not own. */
  storeSettings(actor: Actor, storeId: string): Promise<OpenEmailSettings>;
  serverSettings(): Promise<OpenEmailSettings>;
}

export interface SmtpTestResult {
  ok: boolean;
  /** What went wrong, in words (connection refused, authentication failed, TLS error: …), or null. */
  error: string | null;
  /** Whether a test message was sent (when `to` was given). */
  sent: boolean;
}

export const TEST_SUBJECT = "Till test message";

/** SMTP settings checks for merchants and the operator, and the provider presets. */
export class EmailService {
  constructor(
    private readonly mailer: SmtpMailer,
    private readonly deps: EmailServiceDeps,
  ) {}

  presets() {
    return EMAIL_PRESETS;
  }

  async testStore(actor: Actor, storeId: string, to: string | undefined): Promise<SmtpTestResult> {
    return this.test(await this.deps.storeSettings(actor, storeId), to);
  }

  async testServer(to: string | undefined): Promise<SmtpTestResult> {
    return this.test(await this.deps.serverSettings(), to);
  }

  /** Connects and logs in; with `to`, also sends a short message, straight away rather than through the queue. */
  private async test(settings: OpenEmailSettings, to: string | undefined): Promise<SmtpTestResult> {
    if (!settings.address) return { ok: false, error: "no sender address is set", sent: false };
    const error = await this.mailer.check(settings);
    if (error || !to) return { ok: error === null, error, sent: false };
    try {
      await this.mailer.send(settings, {
        to,
        subject: TEST_SUBJECT,
        text: "Your SMTP settings work: this message was sent with them.",
      });
      return { ok: true, error: null, sent: true };
    } catch (failure) {
      return { ok: false, error: describeSmtpError(failure), sent: false };
    }
  }
}
