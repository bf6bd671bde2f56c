import { type EnqueuedJob, JobError, type JobQueue } from "../../jobs/queue.ts";
import { createLogger, type Logger } from "../../kernel/logger.ts";
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from "../notifications-delivery/index.ts";
import {
  describeSmtpError,
  isConfigured,
  type MailMessage,
  type OpenEmailSettings,
  type SmtpMailer,
} from "./smtp-mailer.ts";

export const EMAIL_JOB = "email.send";

/** Whose SMTP settings send a message: the server's (policy) or a store's. */
export type MailSource = { kind: "server" } | { kind: "store"; storeId: string };

export interface EmailPayload {
  source: MailSource;
  message: MailMessage;
}

export interface EmailChannelDeps {
  /** The source's settings with the password opened, read when the job runs (never copied into the job). */
  settings(source: MailSource): Promise<OpenEmailSettings | null>;
}

/** Transient SMTP failures are retried; a refused login or recipient is not going to change by waiting. */
const FINAL_ERROR_CODES = new Set(["EAUTH", "EENVELOPE", "EMESSAGE"]);

/**
 * Email through the job outbox: a message is a job written in the caller's transaction, sent by the worker
 * over SMTP, retried with backoff while the server is unreachable.
 */
export class EmailChannel {
  constructor(
    private readonly queue: JobQueue,
    private readonly mailer: SmtpMailer,
    private readonly deps: EmailChannelDeps,
    private readonly logger: Logger = createLogger("silent"),
    private readonly policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
  ) {
    queue.handle<EmailPayload>(EMAIL_JOB, (payload, job) => this.deliver(payload, job.attempt), {
      backoff: policy.backoff,
    });
  }

  send(source: MailSource, message: MailMessage, options: { dedupeKey?: string } = {}): Promise<EnqueuedJob> {
    return this.queue.enqueue(EMAIL_JOB, { source, message } satisfies EmailPayload, {
      maxAttempts: this.policy.maxAttempts,
      ...(options.dedupeKey ? { dedupeKey: `email:${options.dedupeKey}` } : {}),
    });
  }

  private async deliver(payload: EmailPayload, attempt: number): Promise<void> {
    const settings = await this.deps.settings(payload.source);
    if (!settings || !isConfigured(settings)) {
      throw new JobError("no SMTP settings to send with", { retry: false });
    }
    try {
      await this.mailer.send(settings, payload.message);
      this.logger.info({ source: payload.source.kind, attempt }, "email sent");
    } catch (error) {
      const reason = describeSmtpError(error);
      this.logger.warn({ source: payload.source.kind, attempt, error: reason }, "email delivery failed");
      const code = (error as { code?: string }).code;
      throw new JobError(reason, { retry: !code || !FINAL_ERROR_CODES.has(code) });
    }
  }
}
