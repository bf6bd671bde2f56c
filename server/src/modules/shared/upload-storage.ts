import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** The two public upload areas under the data directory, and where they are served. */
export const UPLOAD_AREAS = {
  images: { dir: "images", urlPrefix: "/images/" },
  files: { dir: "files", urlPrefix: "/files/localstorage/" },
} as const;

const TEMP_DIR = ".upload-tmp";
const SAFE_RELATIVE = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/**
 * Writes and removes uploaded content under the data directory. Callers pass server-built relative paths;
 * anything that is not a plain `dir/name` path, or would leave the root, is refused.
 */
export class UploadStorage {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.resolve(dataDir);
  }

  /** Creates the served directories, so static serving has its roots before the first upload. */
  ensureAreas(): void {
    for (const area of Object.values(UPLOAD_AREAS)) mkdirSync(this.absolute(area.dir), { recursive: true });
  }

  absolute(relative: string): string {
    if (!SAFE_RELATIVE.test(relative) || relative.split("/").some((segment) => segment === "." || segment === "..")) {
      throw new Error(`Refusing unsafe upload path: ${JSON.stringify(relative)}`);
    }
    const resolved = path.resolve(this.root, relative);
    if (!resolved.startsWith(this.root + path.sep))
      throw new Error(`Upload path escapes the data directory: ${relative}`);
    return resolved;
  }

  /** Writes through a temporary file and a rename, so a reader never sees half a file. */
  async write(relative: string, content: Buffer): Promise<void> {
    const target = this.absolute(relative);
    const tempDir = path.join(this.root, TEMP_DIR);
    await mkdir(path.dirname(target), { recursive: true });
    await mkdir(tempDir, { recursive: true });
    const temp = path.join(tempDir, `${randomBytes(12).toString("hex")}.part`);
    try {
      await writeFile(temp, content, { mode: 0o644 });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** Removes a file; a file that is already gone is not an error. */
  async remove(relative: string): Promise<void> {
    await rm(this.absolute(relative), { force: true });
  }
}
