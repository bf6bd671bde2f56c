import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, registerUser, type TestApp, tokenWith } from "./helpers/test-app.ts";
import { sendMultipart, tinyPng } from "./helpers/uploads.ts";

const MAX_UPLOAD = 4096;

describe("files", () => {
  let app: TestApp;
  let admin: Awaited<ReturnType<typeof registerUser>>;
  let user: Awaited<ReturnType<typeof registerUser>>;
  let token: string;
  let otherToken: string;

  const filesDir = () => path.join(app.till.config.dataDir, "files");
  const upload = (parts: Parameters<typeof sendMultipart>[4], as = token) =>
    sendMultipart(app, "POST", "/files", as, parts);
  const storedName = async (id: string) =>
    (await app.till.db.kysely.selectFrom("files").select("stored_name").where("id", "=", id).executeTakeFirstOrThrow())
      .stored_name;

  beforeAll(async () => {
    app = await createTestApp({ TILL_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) });
    admin = await registerUser(app);
    user = await registerUser(app);
    const other = await registerUser(app);
    token = await tokenWith(app, user.token, ["file_management"]);
    otherToken = await tokenWith(app, other.token, ["file_management"]);
  });
  afterAll(() => app.close());

  it("uploads a file with metadata and keeps the original name apart from the stored one", async () => {
    const response = await upload({
      data: JSON.stringify({ metadata: { purpose: "manual" } }),
      file: { content: "%PDF-1.4 fake", filename: "Käse Handbuch (v2).pdf", type: "text/html" },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      user_id: user.id,
      filename: "Käse Handbuch (v2).pdf",
      content_type: "application/pdf",
      size: 13,
      metadata: { purpose: "manual" },
    });
    const stored = await storedName(body.id);
    expect(stored).toBe(`${body.id}-Kase_Handbuch_v2_.pdf`);
    expect(readFileSync(path.join(filesDir(), stored), "utf8")).toBe("%PDF-1.4 fake");
  });

  it("never lets the client's filename choose the path", async () => {
    const response = await upload({ file: { content: "pwned", filename: "../../../etc/passwd", type: "text/plain" } });
    expect(response.statusCode).toBe(200);
    const { id, filename } = response.json();
    expect(filename).toBe("passwd");
    expect(await storedName(id)).toBe(`${id}-passwd`);
    expect(readdirSync(filesDir())).toContain(`${id}-passwd`);
    const dotted = await upload({ file: { content: "x", filename: "..", type: "text/plain" } });
    expect(dotted.statusCode).toBe(200);
    expect(await storedName(dotted.json().id)).toBe(`${dotted.json().id}-file`);
    const traversal = await app.call("GET", "/files/localstorage/..%2f..%2ftill.db");
    expect([403, 404]).toContain(traversal.statusCode);
  });

  it("requires a file part and answers 413 above the upload limit", async () => {
    const missing = await upload({ data: "{}" });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().detail[0].loc).toEqual(["body", "file"]);
    const big = await upload({ file: { content: Buffer.alloc(MAX_UPLOAD + 1, 1), filename: "big.bin" } });
    expect(big.statusCode).toBe(413);
  });

  it("answers a malformed multipart body with 422", async () => {
    const send = (contentType: string, payload: string) =>
      app.till.http.inject({
        method: "POST",
        url: "/files",
        payload,
        headers: { authorization: `Bearer ${token}`, "content-type": contentType },
      });
    const noBoundary = await send("multipart/form-data", "x");
    expect(noBoundary.statusCode).toBe(422);
    expect(noBoundary.json().detail[0].type).toBe("multipart");
    const truncated = await send(
      "multipart/form-data; boundary=b",
      '--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhalf',
    );
    expect(truncated.statusCode).toBe(422);
  });

  it("lists, counts and gets the caller's files only", async () => {
    const { id } = (await upload({ file: { content: "a", filename: "list-me.txt", type: "text/plain" } })).json();
    const list = await app.call("GET", "/files?limit=-1", { token });
    expect(list.statusCode).toBe(200);
    expect(list.json().result.map((f: { id: string }) => f.id)).toContain(id);
    expect(list.json().count).toBe((await app.call("GET", "/files/count", { token })).json());
    const search = await app.call("GET", "/files?query=list-me", { token });
    expect(search.json().result.map((f: { id: string }) => f.id)).toEqual([id]);
    expect((await app.call("GET", `/files/${id}`, { token })).json().filename).toBe("list-me.txt");
    expect((await app.call("GET", `/files/${id}`, { token: otherToken })).statusCode).toBe(404);
    expect((await app.call("GET", "/files?limit=-1", { token: otherToken })).json().count).toBe(0);
    expect((await app.call("DELETE", `/files/${id}`, { token: otherToken })).statusCode).toBe(404);
  });

  it("redirects the public handle to the stored file, served as a download unless it is an image", async () => {
    const page = (
      await upload({ file: { content: "<script>alert(1)</script>", filename: "page.html", type: "text/html" } })
    ).json();
    const handle = await app.call("GET", `/files/handle/${page.id}`);
    expect(handle.statusCode).toBe(302);
    const location = handle.headers.location as string;
    expect(location).toBe(`/files/localstorage/${page.id}-page.html`);

    const served = await app.call("GET", location);
    expect(served.statusCode).toBe(200);
    expect(served.body).toBe("<script>alert(1)</script>");
    expect(served.headers["content-disposition"]).toBe('attachment; filename="page.html"');
    expect(served.headers["x-content-type-options"]).toBe("nosniff");
    expect(served.headers["access-control-allow-origin"]).toBe("*");

    const png = tinyPng();
    const image = (await upload({ file: { content: png, filename: "pic.png", type: "image/png" } })).json();
    expect(image.content_type).toBe("image/png");
    const shown = await app.call(
      "GET",
      (await app.call("GET", `/files/handle/${image.id}`)).headers.location as string,
    );
    expect(shown.headers["content-type"]).toBe("image/png");
    expect(shown.headers["content-disposition"]).toBeUndefined();
    expect(shown.rawPayload.equals(png)).toBe(true);

    expect((await app.call("GET", "/files/handle/NOPE")).statusCode).toBe(404);
    const missing = await app.call("GET", "/files/localstorage/nothing-here.txt");
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: "Not Found" });
    // No directory listing: the bare prefix is just an unknown file id.
    expect((await app.call("GET", "/files/localstorage/", { token })).statusCode).toBe(404);
    expect((await app.call("GET", "/images/")).statusCode).toBe(404);
  });

  it("replaces the content on PATCH and removes the old file", async () => {
    const first = (await upload({ file: { content: "one", filename: "v1.txt", type: "text/plain" } })).json();
    const oldName = await storedName(first.id);
    const patched = await sendMultipart(app, "PATCH", `/files/${first.id}`, token, {
      file: { content: "version two", filename: "v2.txt", type: "text/plain" },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ id: first.id, filename: "v2.txt", size: 11 });
    expect(existsSync(path.join(filesDir(), oldName))).toBe(false);
    const served = await app.call(
      "GET",
      (await app.call("GET", `/files/handle/${first.id}`)).headers.location as string,
    );
    expect(served.body).toBe("version two");

    const metadataOnly = await app.call("PATCH", `/files/${first.id}`, { token, body: { metadata: { tag: "x" } } });
    expect(metadataOnly.statusCode).toBe(200);
    expect(metadataOnly.json()).toMatchObject({ filename: "v2.txt", metadata: { tag: "x" } });
  });

  it("deletes the stored content with the record, one by one and in batches", async () => {
    const ids: string[] = [];
    for (const name of ["d1.txt", "d2.txt", "d3.txt"]) {
      ids.push((await upload({ file: { content: name, filename: name, type: "text/plain" } })).json().id);
    }
    const names = await Promise.all(ids.map(storedName));
    const deleted = await app.call("DELETE", `/files/${ids[0]}`, { token });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json().id).toBe(ids[0]);
    expect(existsSync(path.join(filesDir(), names[0]!))).toBe(false);

    const refused = await app.call("POST", "/files/batch", {
      token: otherToken,
      body: { ids: ids.slice(1), command: "delete" },
    });
    expect(refused.json()).toBe(true);
    for (const name of names.slice(1)) expect(existsSync(path.join(filesDir(), name))).toBe(true);

    const batch = await app.call("POST", "/files/batch", { token, body: { ids: ids.slice(1), command: "delete" } });
    expect(batch.json()).toBe(true);
    for (const name of names.slice(1)) expect(existsSync(path.join(filesDir(), name))).toBe(false);
    expect((await app.call("GET", `/files/handle/${ids[1]}`)).statusCode).toBe(404);
  });

  it("lets only superusers upload when allow_file_uploads is off", async () => {
    const off = await app.call("POST", "/manage/policies", { token: admin.token, body: { allow_file_uploads: false } });
    expect(off.statusCode).toBe(200);
    try {
      const { id } = (await app.call("GET", "/files?limit=1", { token })).json().result[0];
      const refused = await upload({ file: { content: "no", filename: "no.txt", type: "text/plain" } });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().detail).toBe("File uploads are not allowed");
      const replace = await sendMultipart(app, "PATCH", `/files/${id}`, token, {
        file: { content: "no", filename: "no.txt" },
      });
      expect(replace.statusCode).toBe(403);
      const allowed = await upload({ file: { content: "yes", filename: "yes.txt", type: "text/plain" } }, admin.token);
      expect(allowed.statusCode).toBe(200);
    } finally {
      await app.call("POST", "/manage/policies", { token: admin.token, body: { allow_file_uploads: true } });
    }
  });

  it("needs file_management", async () => {
    const wrongScope = await tokenWith(app, user.token, ["product_management"]);
    expect((await upload({ file: { content: "x", filename: "x.txt" } }, wrongScope)).statusCode).toBe(403);
    expect((await app.call("GET", "/files")).statusCode).toBe(401);
  });
});
