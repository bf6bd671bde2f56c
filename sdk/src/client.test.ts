import { describe, expect, it } from "vitest";
import { buildUrl, TillApiError, TillClient } from "./index.ts";

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that records what it was given and answers with the queued responses. */
function recordingFetch(...answers: Response[]) {
  const sent: Sent[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: { ...(init?.headers as Record<string, string>) },
      body: init?.body,
    });
    const answer = answers.shift();
    if (!answer) throw new Error("no response queued");
    return answer;
  }) as typeof fetch;
  return { sent, fetchImpl };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("buildUrl", () => {
  it("drops undefined and null, repeats arrays and writes booleans as text", () => {
    const url = buildUrl("https://pay.example/api/", "/token", {
      limit: -1,
      app_id: undefined,
      redirect_url: null,
      desc: false,
      permissions: ["store_management", "full_control"],
    });
    expect(url).toBe(
      "https://pay.example/api/token?limit=-1&desc=false&permissions=store_management&permissions=full_control",
    );
  });
});

describe("TillClient", () => {
  it("sends the bearer token and JSON bodies, and answers the parsed body", async () => {
    const { sent, fetchImpl } = recordingFetch(json({ id: "s1", name: "Shop" }));
    const till = new TillClient({ baseUrl: "http://till.test", token: "secret", fetch: fetchImpl });
    const store = await till.stores.create({ name: "Shop", wallets: [] });
    expect(store).toEqual({ id: "s1", name: "Shop" });
    expect(sent[0]).toMatchObject({
      url: "http://till.test/stores",
      method: "POST",
      headers: { authorization: "Bearer secret", "content-type": "application/json" },
      body: JSON.stringify({ name: "Shop", wallets: [] }),
    });
  });

  it("logs in without sending its own token, so the credentials decide the account", async () => {
    const { sent, fetchImpl } = recordingFetch(json({ access_token: "new" }));
    const till = new TillClient({ baseUrl: "http://till.test", token: "old", fetch: fetchImpl });
    await till.tokens.login({ email: "a@b.c", password: "pw" });
    expect(sent[0]?.headers.authorization).toBeUndefined();
    expect(till.withToken("new").token).toBe("new");
    expect(till.token).toBe("old");
  });

  it("turns error statuses into TillApiError with status and detail", async () => {
    const fieldErrors = [{ loc: ["body", "name"], msg: "Field required", type: "missing" }];
    const { fetchImpl } = recordingFetch(
      json({ detail: fieldErrors }, 422),
      json({ detail: { message: "Unauthorized", status: 404 } }, 401),
      new Response("gateway down", { status: 502, headers: { "content-type": "text/plain" } }),
    );
    const till = new TillClient({ baseUrl: "http://till.test", fetch: fetchImpl });

    const invalid = await till.discounts.create({ name: "", percent: 5, end_date: "" }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(TillApiError);
    expect((invalid as TillApiError).status).toBe(422);
    expect((invalid as TillApiError).fieldErrors).toEqual(fieldErrors);
    expect((invalid as TillApiError).message).toBe("POST /discounts failed with 422: body.name: Field required");

    const login = (await till.tokens
      .login({ email: "x@y.z", password: "pw" })
      .catch((e: unknown) => e)) as TillApiError;
    expect(login.status).toBe(401);
    expect(login.loginStatus).toBe(404);

    const proxy = (await till.health.live().catch((e: unknown) => e)) as TillApiError;
    expect(proxy.status).toBe(502);
    expect(proxy.detail).toBe("gateway down");
  });

  it("returns a degraded readiness answer instead of throwing", async () => {
    const { fetchImpl } = recordingFetch(json({ status: "degraded", checks: { database: "unavailable" } }, 503));
    const till = new TillClient({ baseUrl: "http://till.test", fetch: fetchImpl });
    expect(await till.health.ready()).toEqual({ status: "degraded", checks: { database: "unavailable" } });
  });

  it("sends a product with an image as multipart: a data part holding JSON and an image part", async () => {
    const { sent, fetchImpl } = recordingFetch(json({ id: "p1" }));
    const till = new TillClient({ baseUrl: "http://till.test", token: "t", fetch: fetchImpl });
    const image = new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" });
    await till.products.create({ name: "Mug", price: "9.99", store_id: "s1" }, { data: image, filename: "mug.png" });
    const form = sent[0]?.body as FormData;
    expect(form).toBeInstanceOf(FormData);
    expect(sent[0]?.headers["content-type"]).toBeUndefined();
    expect(JSON.parse(form.get("data") as string)).toEqual({ name: "Mug", price: "9.99", store_id: "s1" });
    const part = form.get("image") as File;
    expect(part.name).toBe("mug.png");
    expect(part.size).toBe(4);
  });

  it("encodes ids in paths and builds file handle URLs", async () => {
    const { sent, fetchImpl } = recordingFetch(json(true));
    const till = new TillClient({ baseUrl: "http://till.test/", token: "t", fetch: fetchImpl });
    await till.stores.updateCheckoutSettings("a/b", { expiration: 30 });
    expect(sent[0]?.url).toBe("http://till.test/stores/a%2Fb/checkout_settings");
    expect(sent[0]?.method).toBe("PATCH");
    expect(till.files.handleUrl("f1")).toBe("http://till.test/files/handle/f1");
  });
});
