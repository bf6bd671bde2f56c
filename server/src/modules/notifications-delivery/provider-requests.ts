/** A rendered notification: a short title and the `notification` template's text. */
export interface ProviderMessage {
  title: string;
  text: string;
  event: string;
  invoiceId: string;
  storeId: string;
  /** Why the merchant's template was not used (the default was), kept as the provider's last error. */
  warning?: string;
}

export interface HttpCall {
  method: "POST" | "PUT";
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** Hosts fixed by the service, overridable by the operator (`TILL_TELEGRAM_API_URL`, `TILL_PUSHOVER_API_URL`). */
export interface ProviderEndpoints {
  telegram: string;
  pushover: string;
}

/** A provider whose options lack something it needs: retrying cannot help until the merchant fixes them. */
export class ProviderOptionError extends Error {
  override name = "ProviderOptionError";
}

type Options = Record<string, unknown>;

function option(options: Options, key: string): string {
  const value = options[key];
  if (value === undefined || value === null || value === "")
    throw new ProviderOptionError(`the option ${key} is not set`);
  return String(value);
}

const optional = (options: Options, key: string) => {
  const value = options[key];
  return value === undefined || value === null || value === "" ? undefined : String(value);
};

const trimSlash = (url: string) => url.replace(/\/+$/, "");
const json = (method: "POST" | "PUT", url: string, body: unknown, headers: Record<string, string> = {}): HttpCall => ({
  method,
  url,
  body: JSON.stringify(body),
  headers: { "content-type": "application/json", ...headers },
});

/**
 * The HTTP request each chat service's API expects. `txnId` identifies the delivery, so a retried Matrix
 * send is the same transaction (the homeserver drops the duplicate).
 */
export function providerRequest(
  provider: string,
  options: Options,
  message: ProviderMessage,
  context: { endpoints: ProviderEndpoints; txnId: string },
): HttpCall {
  const full = `${message.title}\n\n${message.text}`;
  switch (provider) {
    case "Telegram":
      return json("POST", `${trimSlash(context.endpoints.telegram)}/bot${option(options, "bot_token")}/sendMessage`, {
        chat_id: option(options, "chat_id"),
        text: full,
      });
    case "Discord": {
      const username = optional(options, "username");
      return json("POST", option(options, "webhook_url"), { content: full, ...(username ? { username } : {}) });
    }
    case "Slack":
      return json("POST", option(options, "webhook_url"), { text: full });
    case "Matrix": {
      const room = encodeURIComponent(option(options, "room_id"));
      const path = `/_matrix/client/v3/rooms/${room}/send/m.room.message/${encodeURIComponent(context.txnId)}`;
      return json(
        "PUT",
        `${trimSlash(option(options, "homeserver"))}${path}`,
        { msgtype: "m.text", body: full },
        { authorization: `Bearer ${option(options, "access_token")}` },
      );
    }
    case "Ntfy": {
      const server = trimSlash(optional(options, "server") ?? "https://ntfy.sh");
      const token = optional(options, "access_token");
      const priority = optional(options, "priority");
      return {
        method: "POST",
        url: `${server}/${encodeURIComponent(option(options, "topic"))}`,
        body: message.text,
        headers: {
          "content-type": "text/plain; charset=utf-8",
          // Header values must be Latin-1: the title goes RFC 2047-encoded.
          title: `=?UTF-8?B?${Buffer.from(message.title).toString("base64")}?=`,
          ...(priority ? { priority } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      };
    }
    case "Gotify": {
      const token = encodeURIComponent(option(options, "app_token"));
      return json("POST", `${trimSlash(option(options, "server"))}/message?token=${token}`, {
        title: message.title,
        message: message.text,
        priority: Number(optional(options, "priority") ?? 5),
      });
    }
    case "Pushover": {
      const device = optional(options, "device");
      return json("POST", `${trimSlash(context.endpoints.pushover)}/1/messages.json`, {
        token: option(options, "api_token"),
        user: option(options, "user_key"),
        title: message.title,
        message: message.text,
        ...(device ? { device } : {}),
      });
    }
    case "Webhook":
      return json("POST", option(options, "url"), {
        event: message.event,
        invoice_id: message.invoiceId,
        store_id: message.storeId,
        title: message.title,
        message: message.text,
      });
    default:
      throw new ProviderOptionError(`${provider} does not send over HTTP`);
  }
}
