import { invalidField } from "../../kernel/errors.ts";
import { type SniffedType, sniffImage } from "../shared/file-type.ts";
import type { UploadedFile } from "../shared/upload-form.ts";
import type { UploadStorage } from "../shared/upload-storage.ts";

const EXTENSIONS = ["png", "jpg", "gif", "webp"] as const;

/** A product image that passed the content check, ready to store. */
export interface CheckedImage {
  content: Buffer;
  type: SniffedType;
}

/**
 * Product images live at `images/products/<productId>.<ext>`, the extension taken from the bytes. The name
 * is built from the server's id only, so the client's filename never reaches the file system.
 */
export class ProductImages {
  constructor(private readonly storage: UploadStorage) {}

  /** Accepts PNG, JPEG, GIF and WebP by their magic bytes; the client's content type is not consulted. */
  check(file: UploadedFile): CheckedImage {
    const type = sniffImage(file.content);
    if (!type) throw invalidField(["image"], "Image must be a PNG, JPEG, GIF or WebP file", "image_type");
    return { content: file.content, type };
  }

  /** Stores the image and returns its relative path. */
  async save(productId: string, image: CheckedImage): Promise<string> {
    const relative = `images/products/${productId}.${image.type.ext}`;
    await this.storage.write(relative, image.content);
    return relative;
  }

  /** Removes the product's images in other formats, once the record points at the new one. */
  async removeOthers(productId: string, keep: CheckedImage): Promise<void> {
    for (const ext of EXTENSIONS) {
      if (ext !== keep.type.ext) await this.storage.remove(`images/products/${productId}.${ext}`);
    }
  }

  async remove(productId: string): Promise<void> {
    for (const ext of EXTENSIONS) await this.storage.remove(`images/products/${productId}.${ext}`);
  }
}
