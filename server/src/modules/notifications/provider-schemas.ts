import type { Provider } from "./notification.schemas.ts";

interface Field {
  type: "string" | "integer";
  title: string;
  description?: string;
  format?: "uri" | "email" | "password";
  default?: string | number;
  enum?: readonly (string | number)[];
}

/**
 * A provider's options: Bitcart's `properties` (the option names), `required` and `setup_url`, plus a JSON
 * Schema of the same options (`schema`) with types and titles, from which the admin builds the form.
 */
export interface ProviderSchema {
  properties: string[];
  required: string[];
  setup_url: string;
  schema: {
    type: "object";
    title: string;
    properties: Record<string, Field>;
    required: string[];
    additionalProperties: false;
  };
}

const secret = (title: string, description?: string): Field => ({
  type: "string",
  title,
  format: "password",
  ...(description ? { description } : {}),
});
const text = (title: string, extra: Partial<Field> = {}): Field => ({ type: "string", title, ...extra });
const url = (title: string, extra: Partial<Field> = {}): Field => ({ type: "string", title, format: "uri", ...extra });

function provider(title: string, setupUrl: string, fields: Record<string, Field>, required: string[]): ProviderSchema {
  return {
    properties: Object.keys(fields),
    required,
    setup_url: setupUrl,
    schema: { type: "object", title, properties: fields, required, additionalProperties: false },
  };
}

export const PROVIDER_SCHEMAS: Record<Provider, ProviderSchema> = {
  Telegram: provider(
    "Telegram",
    "https://core.telegram.org/bots/features#creating-a-new-bot",
    { bot_token: secret("Bot token", "From @BotFather"), chat_id: text("Chat ID") },
    ["bot_token", "chat_id"],
  ),
  Discord: provider(
    "Discord",
    "https://support.discord.com/hc/en-us/articles/228383668-Intro-to-Webhooks",
    { webhook_url: secret("Webhook URL", "https://discord.com/api/webhooks/…"), username: text("Username") },
    ["webhook_url"],
  ),
  Slack: provider(
    "Slack",
    "https://api.slack.com/messaging/webhooks",
    { webhook_url: secret("Incoming webhook URL", "https://hooks.slack.com/services/…") },
    ["webhook_url"],
  ),
  Matrix: provider(
    "Matrix",
    "https://spec.matrix.org/latest/client-server-api/#sending-events-to-a-room",
    {
      homeserver: url("Homeserver", { default: "https://matrix.org" }),
      access_token: secret("Access token"),
      room_id: text("Room ID", { description: "!room:example.org" }),
    },
    ["homeserver", "access_token", "room_id"],
  ),
  Ntfy: provider(
    "ntfy",
    "https://docs.ntfy.sh/publish/",
    {
      server: url("Server", { default: "https://ntfy.sh" }),
      topic: text("Topic"),
      access_token: secret("Access token", "Only for protected topics"),
      priority: { type: "integer", title: "Priority", enum: [1, 2, 3, 4, 5], default: 3 },
    },
    ["topic"],
  ),
  Gotify: provider(
    "Gotify",
    "https://gotify.net/docs/pushmsg",
    {
      server: url("Server"),
      app_token: secret("Application token"),
      priority: { type: "integer", title: "Priority", default: 5 },
    },
    ["server", "app_token"],
  ),
  Pushover: provider(
    "Pushover",
    "https://pushover.net/api",
    { user_key: secret("User key"), api_token: secret("Application API token"), device: text("Device") },
    ["user_key", "api_token"],
  ),
  Email: provider(
    "Email",
    "",
    { to: text("Send to", { format: "email", description: "Sent with the store's SMTP settings" }) },
    ["to"],
  ),
  Webhook: provider("Webhook", "", { url: secret("URL", "Receives a JSON POST per event") }, ["url"]),
};
