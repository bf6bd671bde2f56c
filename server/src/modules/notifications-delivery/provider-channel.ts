import { type EnqueuedJob, JobError, type JobQueue } from "../../jobs/queue.ts";
import { createLogger, type Logger } from "../../kernel/logger.ts";
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from "./delivery-policy.ts";
import type { HttpSender } from "./http-sender.ts";
import { urlOrigin } from "./ipn.ts";
import {
  type ProviderEndpoints,
  type ProviderMessage,
  ProviderOptionError,
  providerRequest,
} from "./provider-requests.ts";

export const PROVIDER_JOB = "notification.provider";

export interface ProviderPayload {
  notificationId: string;
  message: ProviderMessage;
}

export interface ProviderTarget {
  provider: string;
  /** The provider's options with secrets opened. */
  options: Record<string, unknown>;
}

export interface ProviderChannelDeps {
  /** The provider record, read when the job runs (null once deleted). */
  target(notificationId: string): Promise<ProviderTarget | null>;
  /** Records the outcome on the record: `sent` after a success; `error` is why it failed, or a warning. */
  record(notificationId: string, outcome: { sent: boolean; error: string | null }): Promise<void>;
  /** The Email provider: sends with the store's SMTP settings; throws with the SMTP error in words. */
  mail(storeId: string, to: string, subject: string, text: string): Promise<void>;
  endpoints: ProviderEndpoints;
}

/**
 * Chat and push notifications (Telegram, Discord, Slack, Matrix, ntfy, Gotify, Pushover, email, webhook), each
 * a job written in the invoice change's transaction. Every HTTP call goes through the guarded HttpSender;
 * failures are retried with backoff and the last outcome is kept on the provider record for the merchant.
 */
export class ProviderChannel {
  constructor(
    private readonly queue: JobQueue,
    private readonly sender: HttpSender,
    private readonly deps: ProviderChannelDeps,
    private readonly logger: Logger = createLogger("silent"),
    private readonly policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
  ) {
    queue.handle<ProviderPayload>(PROVIDER_JOB, (payload, job) => this.deliver(payload, job.id, job.attempt), {
      backoff: policy.backoff,
    });
  }

  /** Queues a message; one invoice event is sent at most once per provider (`test` messages are not deduplicated). */
  send(notificationId: string, message: ProviderMessage): Promise<EnqueuedJob> {
    return this.queue.enqueue(PROVIDER_JOB, { notificationId, message } satisfies ProviderPayload, {
      orderingKey: `provider:${notificationId}`,
      ...(message.event === "test"
        ? {}
        : { dedupeKey: `provider:${notificationId}:${message.invoiceId}:${message.event}` }),
      maxAttempts: this.policy.maxAttempts,
    });
  }

  private async deliver(payload: ProviderPayload, jobId: number, attempt: number): Promise<void> {
    const target = await this.deps.target(payload.notificationId);
    if (!target) return;
    const fields = { notification: payload.notificationId, provider: target.provider, attempt };
    let error: string | null;
    let retry = true;
    try {
      ({ error, retry } = await this.attempt(target, payload.message, jobId));
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
      retry = !(failure instanceof ProviderOptionError);
    }
    await this.deps.record(payload.notificationId, {
      sent: error === null,
      error: error ?? payload.message.warning ?? null,
    });
    if (error === null) {
      this.logger.info(fields, "notification delivered");
      return;
    }
    this.logger.warn({ ...fields, error }, "notification delivery failed");
    throw new JobError(error, { retry });
  }

  private async attempt(target: ProviderTarget, message: ProviderMessage, jobId: number) {
    if (target.provider === "Email") {
      const to = target.options.to;
      if (typeof to !== "string" || !to) throw new ProviderOptionError("the option to is not set");
      await this.deps.mail(message.storeId, to, message.title, message.text);
      return { error: null, retry: false };
    }
    const call = providerRequest(target.provider, target.options, message, {
      endpoints: this.deps.endpoints,
      txnId: `till-${jobId}`,
    });
    const result = await this.sender.send(call.method, call.url, call.body, call.headers);
    if (result.ok) return { error: null, retry: false };
    // The URL itself is a secret (tokens in the path): only its origin appears in the error.
    return { error: `${urlOrigin(call.url)}: ${result.error ?? "failed"}`, retry: result.retryable };
  }
}
