const MAX_ORIGINAL = 255;
const MAX_STORED_TAIL = 120;

/** The client's filename as shown back to it: the last path segment, without control characters. */
export function originalFilename(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return (clean || "file").slice(0, MAX_ORIGINAL);
}

/**
 * The on-disk name `<id>-<safe name>`: only ASCII letters, digits, `.`, `_` and `-`, so it is one plain path
 * segment and a URL without escaping. The extension is kept so downloads keep their type.
 */
export function storedName(id: string, filename: string): string {
  const ascii = filename.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  let safe = ascii
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^[._-]+/, "");
  if (safe.length > MAX_STORED_TAIL) {
    const dot = safe.lastIndexOf(".");
    const ext = dot > 0 && safe.length - dot <= 16 ? safe.slice(dot) : "";
    safe = safe.slice(0, MAX_STORED_TAIL - ext.length) + ext;
  }
  return `${id}-${safe || "file"}`;
}
