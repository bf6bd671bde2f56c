import { describe, expect, it } from "vitest";
import { ProviderOptionError, providerRequest } from "./provider-requests.ts";

const message = {
  title: "Shop: invoice X complete",
  text: "New order X",
  event: "invoice.complete",
  invoiceId: "X",
  storeId: "S",
};
const context = {
  endpoints: { telegram: "https://api.telegram.org/", pushover: "https://api.pushover.net" },
  txnId: "till-7",
};

describe("provider requests", () => {
  it("leaves optional options out and trims trailing slashes of base URLs", () => {
    expect(providerRequest("Telegram", { bot_token: "1:A", chat_id: 5 }, message, context)).toEqual({
      method: "POST",
      url: "https://api.telegram.org/bot1:A/sendMessage",
      body: JSON.stringify({ chat_id: "5", text: `${message.title}\n\n${message.text}` }),
      headers: { "content-type": "application/json" },
    });
    expect(JSON.parse(providerRequest("Discord", { webhook_url: "https://d/x" }, message, context).body)).toEqual({
      content: `${message.title}\n\n${message.text}`,
    });
    const ntfy = providerRequest("Ntfy", { topic: "orders" }, message, context);
    expect(ntfy.url).toBe("https://ntfy.sh/orders");
    expect(ntfy.headers).not.toHaveProperty("authorization");
    expect(ntfy.headers).not.toHaveProperty("priority");
    const matrix = providerRequest(
      "Matrix",
      { homeserver: "https://m.example/", access_token: "t", room_id: "#shop:m.example" },
      message,
      context,
    );
    expect(matrix.url).toBe("https://m.example/_matrix/client/v3/rooms/%23shop%3Am.example/send/m.room.message/till-7");
  });

  it.each([
    ["Telegram", { chat_id: "1" }, "the option bot_token is not set"],
    ["Slack", { webhook_url: "" }, "the option webhook_url is not set"],
    ["Matrix", { homeserver: "https://m", access_token: "t" }, "the option room_id is not set"],
    ["Gotify", { server: "https://g", app_token: null }, "the option app_token is not set"],
    ["Pushover", { api_token: "a" }, "the option user_key is not set"],
    ["Email", { to: "a@b.c" }, "Email does not send over HTTP"],
  ])("refuses %s without a required option, as a final error", (provider, options, reason) => {
    expect(() => providerRequest(provider, options, message, context)).toThrow(new ProviderOptionError(reason));
  });
});
