import { fromJson, toJson } from "../../db/json.ts";
import type { FilesTable } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import { type Clock, isoNow, systemClock } from "../../kernel/clock.ts";
import { forbidden, notFound } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { type BaseColumns, OwnedCrudService } from "../shared/crud-service.ts";
import { detectContentType } from "../shared/file-type.ts";
import type { UploadedFile } from "../shared/upload-form.ts";
import { UPLOAD_AREAS, type UploadStorage } from "../shared/upload-storage.ts";
import type { FileRepository } from "./file.repository.ts";
import type { FileFields } from "./file.schemas.ts";
import { originalFilename, storedName } from "./stored-name.ts";

export interface FilesDeps {
  policy(): Promise<{ allow_file_uploads: boolean }>;
}

export interface FileUpload {
  fields: FileFields;
  file: UploadedFile;
}

export interface FileEdit {
  fields: FileFields;
  file: UploadedFile | null;
}

export interface FileView {
  id: string;
  user_id: string;
  filename: string;
  content_type: string;
  size: number;
  metadata: Record<string, unknown>;
  created: string;
  updated: string;
}

function presentFile(row: FilesTable): FileView {
  return {
    id: row.id,
    user_id: row.user_id,
    filename: row.filename,
    content_type: row.content_type,
    size: Number(row.size),
    metadata: fromJson<Record<string, unknown>>(row.metadata, {}),
    created: row.created,
    updated: row.updated,
  };
}

const diskPath = (stored: string) => `${UPLOAD_AREAS.files.dir}/${stored}`;

/**
 * Uploaded files. The content is stored as `files/<id>-<safe name>`; the client's filename is kept only as
 * the `filename` field. Uploads obey the `allow_file_uploads` policy (superusers always may).
 */
export class FilesService extends OwnedCrudService<"files", FileView, FileUpload, FileEdit> {
  readonly resourceName = "files";

  constructor(
    private readonly files: FileRepository,
    private readonly storage: UploadStorage,
    private readonly deps: FilesDeps,
    private readonly clock: Clock = systemClock,
  ) {
    super(files);
  }

  override autocompleteLabel(item: FileView): string {
    return item.filename;
  }

  async assertUploadAllowed(actor: Actor): Promise<void> {
    if (actor.isSuperuser) return;
    if (!(await this.deps.policy()).allow_file_uploads) throw forbidden("File uploads are not allowed");
  }

  protected buildRow(_actor: Actor, input: FileUpload, base: BaseColumns): FilesTable {
    const filename = originalFilename(input.file.filename);
    return {
      ...base,
      metadata: toJson(input.fields.metadata ?? {}),
      filename,
      stored_name: storedName(base.id, filename),
      content_type: detectContentType(input.file.content, input.file.mimetype),
      size: input.file.content.length,
    };
  }

  protected buildPatch(_actor: Actor, input: FileEdit, existing: FilesTable): Partial<FilesTable> {
    const patch: Partial<FilesTable> = {};
    if (input.fields.metadata !== undefined) patch.metadata = toJson(input.fields.metadata);
    if (input.file) {
      const filename = originalFilename(input.file.filename);
      patch.filename = filename;
      patch.stored_name = storedName(existing.id, filename);
      patch.content_type = detectContentType(input.file.content, input.file.mimetype);
      patch.size = input.file.content.length;
    }
    return patch;
  }

  protected async present(rows: FilesTable[]): Promise<FileView[]> {
    return rows.map(presentFile);
  }

  override async create(actor: Actor, input: FileUpload): Promise<FileView> {
    await this.assertUploadAllowed(actor);
    const now = isoNow(this.clock);
    const row = this.buildRow(actor, input, { id: newId(), user_id: actor.userId, created: now, updated: now });
    await this.storage.write(diskPath(row.stored_name), input.file.content);
    try {
      await this.files.insert(row);
    } catch (error) {
      await this.storage.remove(diskPath(row.stored_name));
      throw error;
    }
    return this.get(actor, row.id);
  }

  /** Replaces the content (and so the name) when a file part is sent; metadata alone may change too. */
  override async update(actor: Actor, id: string, input: FileEdit): Promise<FileView> {
    if (input.file) await this.assertUploadAllowed(actor);
    const existing = await this.getRow(actor, id);
    const patch = this.buildPatch(actor, input, existing);
    if (input.file && patch.stored_name) await this.storage.write(diskPath(patch.stored_name), input.file.content);
    await this.files.update(id, { ...patch, updated: isoNow(this.clock) });
    if (patch.stored_name && patch.stored_name !== existing.stored_name)
      await this.storage.remove(diskPath(existing.stored_name));
    return this.get(actor, id);
  }

  override async remove(actor: Actor, id: string): Promise<FileView> {
    const existing = await this.getRow(actor, id);
    await this.files.deleteMany(actor.userId, [id]);
    await this.storage.remove(diskPath(existing.stored_name));
    return presentFile(existing);
  }

  override async batch(actor: Actor, command: string, ids: string[], options: unknown): Promise<unknown> {
    if (command !== "delete") return super.batch(actor, command, ids, options);
    const owned = await this.files.storedNames(actor.userId, ids);
    await this.files.deleteMany(
      actor.userId,
      owned.map((f) => f.id),
    );
    for (const file of owned) await this.storage.remove(diskPath(file.stored_name));
    return true;
  }

  /** The public download URL behind `GET /files/handle/{id}`. */
  async handleUrl(id: string): Promise<string> {
    const found = await this.files.findStoredName(id);
    if (!found) throw notFound();
    return `${UPLOAD_AREAS.files.urlPrefix}${found.stored_name}`;
  }
}
