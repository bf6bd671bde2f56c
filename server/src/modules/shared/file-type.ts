/** A content type recognised from a file's first bytes, with the extension Till stores it under. */
export interface SniffedType {
  mime: string;
  ext: string;
}

const startsWith = (buffer: Buffer, signature: readonly number[], offset = 0) =>
  buffer.length >= offset + signature.length && signature.every((byte, i) => buffer[offset + i] === byte);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = ascii("GIF87a");
const GIF89 = ascii("GIF89a");
const RIFF = ascii("RIFF");
const WEBP = ascii("WEBP");
const PDF = ascii("%PDF-");
const ZIP = [0x50, 0x4b, 0x03, 0x04];

/** The raster image formats browsers display without running anything; SVG is deliberately not one of them. */
export function sniffImage(buffer: Buffer): SniffedType | null {
  if (startsWith(buffer, PNG)) return { mime: "image/png", ext: "png" };
  if (startsWith(buffer, JPEG)) return { mime: "image/jpeg", ext: "jpg" };
  if (startsWith(buffer, GIF87) || startsWith(buffer, GIF89)) return { mime: "image/gif", ext: "gif" };
  if (startsWith(buffer, RIFF) && startsWith(buffer, WEBP, 8)) return { mime: "image/webp", ext: "webp" };
  return null;
}

export const SAFE_IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "gif", "webp"] as const;

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * The content type recorded for an uploaded file: recognised from its bytes when possible, otherwise the
 * client's claim if it is a well-formed `type/subtype`, otherwise `application/octet-stream`.
 * It is metadata only: serving never trusts it.
 */
export function detectContentType(buffer: Buffer, claimed: string | undefined): string {
  const image = sniffImage(buffer);
  if (image) return image.mime;
  if (startsWith(buffer, PDF)) return "application/pdf";
  if (startsWith(buffer, ZIP)) return "application/zip";
  const normalized = (claimed ?? "").split(";")[0]!.trim().toLowerCase();
  return MIME.test(normalized) ? normalized : "application/octet-stream";
}
