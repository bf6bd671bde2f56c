import type { Db } from "../../db/database.ts";
import { fromJson, toJson } from "../../db/json.ts";
import { sha256Hex } from "../../kernel/hashing.ts";

export type AuthCodePurpose = "reset" | "verify" | "tfa" | "fido2_register" | "fido2_login" | "totp_used";

export interface AuthCode<D = Record<string, unknown>> {
  userId: string | null;
  data: D;
}

/** Codes are high-entropy secrets stored as a digest with their purpose: a leaked table gives no usable code. */
const digest = (purpose: AuthCodePurpose, code: string) => sha256Hex(`${purpose}:${code}`);

/** Single-use, expiring codes in `auth_codes` (no cache server needed: every Till process sees them). */
export class AuthCodeRepository {
  constructor(private readonly db: Db) {}

  async issue(
    purpose: AuthCodePurpose,
    code: string,
    userId: string | null,
    ttlMs: number,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    const now = new Date();
    await this.db.kysely
      .insertInto("auth_codes")
      .values({
        code_hash: digest(purpose, code),
        purpose,
        user_id: userId,
        data: toJson(data),
        expires: new Date(now.getTime() + ttlMs).toISOString(),
        created: now.toISOString(),
      })
      .execute();
  }

  /**
   * Records a code as seen, once: false when it already is (and has not expired). Used to refuse a TOTP code
   * the second time within its validity.
   */
  async claim(purpose: AuthCodePurpose, code: string, userId: string | null, ttlMs: number): Promise<boolean> {
    const hash = digest(purpose, code);
    const now = new Date();
    await this.db.kysely
      .deleteFrom("auth_codes")
      .where("code_hash", "=", hash)
      .where("expires", "<=", now.toISOString())
      .execute();
    const inserted = await this.db.kysely
      .insertInto("auth_codes")
      .values({
        code_hash: hash,
        purpose,
        user_id: userId,
        data: "{}",
        expires: new Date(now.getTime() + ttlMs).toISOString(),
        created: now.toISOString(),
      })
      .onConflict((oc) => oc.column("code_hash").doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** The live code without using it up (null when unknown or expired). */
  async peek<D = Record<string, unknown>>(purpose: AuthCodePurpose, code: string): Promise<AuthCode<D> | null> {
    const row = await this.db.kysely
      .selectFrom("auth_codes")
      .selectAll()
      .where("code_hash", "=", digest(purpose, code))
      .where("expires", ">", new Date().toISOString())
      .executeTakeFirst();
    return row ? { userId: row.user_id, data: fromJson<D>(row.data, {} as D) } : null;
  }

  /** Uses the code up: one DELETE, so of two simultaneous uses only one gets it. */
  async consume<D = Record<string, unknown>>(purpose: AuthCodePurpose, code: string): Promise<AuthCode<D> | null> {
    const row = await this.db.kysely
      .deleteFrom("auth_codes")
      .where("code_hash", "=", digest(purpose, code))
      .returningAll()
      .executeTakeFirst();
    if (!row || row.expires <= new Date().toISOString()) return null;
    return { userId: row.user_id, data: fromJson<D>(row.data, {} as D) };
  }

  async updateData(purpose: AuthCodePurpose, code: string, data: Record<string, unknown>): Promise<void> {
    await this.db.kysely
      .updateTable("auth_codes")
      .set({ data: toJson(data) })
      .where("code_hash", "=", digest(purpose, code))
      .execute();
  }

  /** Drops a user's earlier codes of a purpose (a new reset link voids the previous one), and expired codes. */
  async clear(userId: string, purpose: AuthCodePurpose): Promise<void> {
    await this.db.kysely
      .deleteFrom("auth_codes")
      .where((eb) =>
        eb.or([
          eb.and([eb("user_id", "=", userId), eb("purpose", "=", purpose)]),
          eb("expires", "<=", new Date().toISOString()),
        ]),
      )
      .execute();
  }
}
