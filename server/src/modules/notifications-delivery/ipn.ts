import { type EnqueuedJob, JobError, type JobQueue } from "../../jobs/queue.ts";
import { createLogger, type Logger } from "../../kernel/logger.ts";
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from "./delivery-policy.ts";
import type { HttpSender } from "./http-sender.ts";

export const IPN_JOB = "ipn";

/** Bitcart's IPN body: the object's id and its new status. */
export interface IpnBody {
  id: string;
  status: string;
}

export interface IpnPayload {
  url: string;
  body: IpnBody;
}

export interface IpnSendOptions {
  /** IPNs with the same key are delivered one at a time, in order (default: the body's id, i.e. per invoice). */
  orderingKey?: string;
  /** At most one IPN is ever sent per key. */
  dedupeKey?: string;
}

/** Only the origin of a merchant's URL is logged: its path and query often carry the merchant's own tokens. */
export const urlOrigin = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid URL)";
  }
};

/**
 * IPN (Bitcart's instant payment notification): `POST notification_url` with `{"id", "status"}`. Each IPN is
 * a job written in the caller's transaction and delivered at least once, in order per invoice; network
 * errors, timeouts and 5xx answers are retried with backoff for at least 24 hours, other answers are final.
 */
export class IpnChannel {
  constructor(
    private readonly queue: JobQueue,
    private readonly sender: HttpSender,
    private readonly logger: Logger = createLogger("silent"),
    private readonly policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
  ) {
    queue.handle<IpnPayload>(IPN_JOB, (payload, job) => this.deliver(payload, job.attempt), {
      backoff: policy.backoff,
    });
  }

  /** Queues an IPN (inside the caller's transaction, if any). A blank URL sends nothing and returns null. */
  async send(url: string | null | undefined, body: IpnBody, options: IpnSendOptions = {}): Promise<EnqueuedJob | null> {
    if (!url) return null;
    const payload: IpnPayload = { url, body: { id: body.id, status: body.status } };
    return this.queue.enqueue(IPN_JOB, payload, {
      orderingKey: `ipn:${options.orderingKey ?? body.id}`,
      ...(options.dedupeKey ? { dedupeKey: `ipn:${options.dedupeKey}` } : {}),
      maxAttempts: this.policy.maxAttempts,
    });
  }

  private async deliver(payload: IpnPayload, attempt: number): Promise<void> {
    const body = JSON.stringify({ id: payload.body.id, status: payload.body.status });
    const result = await this.sender.post(payload.url, body);
    const fields = {
      ipn: payload.body.id,
      status: payload.body.status,
      target: urlOrigin(payload.url),
      attempt,
      responseStatus: result.status,
      durationMs: result.durationMs,
    };
    if (result.ok) {
      this.logger.info(fields, "IPN delivered");
      return;
    }
    this.logger.warn({ ...fields, error: result.error }, "IPN delivery failed");
    throw new JobError(result.error ?? "delivery failed", { retry: result.retryable });
  }
}
