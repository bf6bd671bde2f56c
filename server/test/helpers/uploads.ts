import { deflateSync } from "node:zlib";
import type { LightMyRequestResponse } from "fastify";
import { isoNow } from "../../src/kernel/clock.ts";
import { newId } from "../../src/kernel/ids.ts";
import type { TestApp } from "./test-app.ts";

export interface FilePart {
  content: Buffer | string;
  filename: string;
  type?: string;
}

/** Encodes a multipart/form-data body the way browsers do (via the platform's FormData). */
export async function multipartBody(parts: Record<string, string | FilePart>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(parts)) {
    if (typeof value === "string") form.append(name, value);
    else
      form.append(name, new Blob([value.content], { type: value.type ?? "application/octet-stream" }), value.filename);
  }
  const response = new Response(form);
  const payload = Buffer.from(await response.arrayBuffer());
  return { payload, contentType: response.headers.get("content-type")! };
}

/** Sends a multipart request through the app's injector. */
export async function sendMultipart(
  app: TestApp,
  method: "POST" | "PATCH",
  url: string,
  token: string,
  parts: Record<string, string | FilePart>,
): Promise<LightMyRequestResponse> {
  const { payload, contentType } = await multipartBody(parts);
  return app.till.http.inject({
    method,
    url,
    payload,
    headers: { authorization: `Bearer ${token}`, "content-type": contentType },
  });
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid 1×1 RGB PNG of the given colour, built byte by byte. */
export function tinyPng(rgb: [number, number, number] = [255, 0, 0]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  const pixels = deflateSync(Buffer.from([0, ...rgb]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The smallest GIF header a sniffer recognises, followed by a trivial 1×1 image. */
export function tinyGif(): Buffer {
  return Buffer.concat([
    Buffer.from("GIF89a", "ascii"),
    Buffer.from([
      1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b,
    ]),
  ]);
}

/** Inserts a store row directly, so these tests do not depend on the stores module. */
export async function insertStore(app: TestApp, userId: string, currency = "USD"): Promise<string> {
  const id = newId();
  const now = isoNow();
  await app.till.db.kysely
    .insertInto("stores")
    .values({
      id,
      user_id: userId,
      metadata: "{}",
      created: now,
      updated: now,
      name: "Shop",
      default_currency: currency,
      email_settings: "{}",
      checkout_settings: "{}",
      theme_settings: "{}",
      plugin_settings: "{}",
      templates: "{}",
    })
    .execute();
  return id;
}

/** Inserts a discount row directly, ending at `endDate`. */
export async function insertDiscount(app: TestApp, userId: string, endDate: Date): Promise<string> {
  const id = newId();
  const now = isoNow();
  await app.till.db.kysely
    .insertInto("discounts")
    .values({
      id,
      user_id: userId,
      metadata: "{}",
      created: now,
      updated: now,
      name: "Sale",
      percent: 10,
      end_date: endDate.toISOString(),
      description: "",
      promocode: "",
      currencies: "",
    })
    .execute();
  return id;
}
