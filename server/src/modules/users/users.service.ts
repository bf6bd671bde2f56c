import { fromBool, fromJson, toJson } from "../../db/json.ts";
import type { UsersTable } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import { isoNow } from "../../kernel/clock.ts";
import { AppError, forbidden, invalidField, notFound, unprocessable } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { type BaseColumns, OwnedCrudService } from "../shared/crud-service.ts";
import { hashPassword, verifyPassword } from "./password-hasher.ts";
import { presentUser, type UserView } from "./user.presenter.ts";
import type { OwnedTable, UserRepository } from "./user.repository.ts";
import type { RegisterInput, UserPatch } from "./user.schemas.ts";

/** What registration needs from the rest of the server, wired by the composition root. */
export interface UsersDeps {
  policy(): Promise<{ disable_registration: boolean; require_verified_email: boolean }>;
  claimFirstSuperuser(userId: string): Promise<boolean>;
  issueToken(userId: string, permissions: string[]): Promise<string>;
  revokeAllTokens(userId: string, exceptTokenId?: string): Promise<void>;
  /** Mails the verification code to a new account that must verify its address (best effort). */
  sendVerification(email: string, adminUrl: string): Promise<unknown>;
  /** Whether an anonymous registration's captcha answer passes the server policy (true without a captcha). */
  captcha(answer: string, remoteIp: string): Promise<boolean>;
  /** Tables counted by `GET /users/stats`. */
  statsTables: readonly OwnedTable[];
}

/** Users: registration (first user = superuser), the caller's own profile, and superuser management. */
export class UsersService extends OwnedCrudService<"users", UserView, RegisterInput, UserPatch> {
  readonly resourceName = "users";

  constructor(
    private readonly users: UserRepository,
    private readonly deps: UsersDeps,
  ) {
    super(users);
  }

  protected override ownerOf(): string | null {
    return null;
  }

  override autocompleteLabel(item: UserView): string {
    return item.email;
  }

  protected async buildRow(_actor: Actor, input: RegisterInput, base: BaseColumns): Promise<UsersTable> {
    return this.newUserRow(input, base.id, input.is_superuser, base.created);
  }

  protected async buildPatch(actor: Actor, input: UserPatch, existing: UsersTable): Promise<Partial<UsersTable>> {
    const patch: Partial<UsersTable> = {};
    if (input.email !== undefined && input.email !== existing.email) {
      await this.assertEmailFree(input.email);
      patch.email = input.email;
    }
    if (input.password !== undefined) patch.hashed_password = await hashPassword(input.password);
    if (input.is_superuser !== undefined) {
      if (!input.is_superuser && existing.id === actor.userId)
        throw unprocessable("You cannot remove your own superuser rights");
      patch.is_superuser = fromBool(input.is_superuser);
    }
    if (input.is_verified !== undefined) patch.is_verified = fromBool(input.is_verified);
    if (input.is_enabled !== undefined) {
      if (!input.is_enabled && existing.id === actor.userId) throw unprocessable("You cannot disable your own account");
      patch.is_enabled = fromBool(input.is_enabled);
    }
    if (input.settings) patch.settings = toJson({ ...fromJson<object>(existing.settings, {}), ...input.settings });
    if (input.metadata) patch.metadata = toJson(input.metadata);
    return patch;
  }

  protected async present(rows: UsersTable[]): Promise<UserView[]> {
    return rows.map(presentUser);
  }

  private async newUserRow(input: RegisterInput, id: string, superuser: boolean, now: string): Promise<UsersTable> {
    await this.assertEmailFree(input.email);
    return {
      id,
      email: input.email,
      hashed_password: await hashPassword(input.password),
      is_superuser: fromBool(superuser),
      is_verified: 0,
      is_enabled: 1,
      tfa_enabled: 0,
      totp_key: null,
      recovery_codes: "[]",
      fido2_devices: "[]",
      settings: toJson(input.settings),
      metadata: toJson(input.metadata),
      created: now,
      updated: now,
    };
  }

  private async assertEmailFree(email: string) {
    if (await this.users.findByEmail(email)) {
      // Bitcart's admin recognises a taken email by the "users_email" substring.
      throw invalidField(["email"], "User with this email already exists (users_email)", "unique");
    }
  }

  /**
   * Registration. Anonymous callers may register unless the policy disables it; a superuser always may,
   * and may create superusers. The first account ever becomes superuser: the claim is one atomic insert,
   * so two simultaneous first registrations cannot both win.
   */
  async register(
    caller: Actor | null,
    input: RegisterInput,
    remoteIp = "",
    adminUrl = "",
  ): Promise<UserView & { token: string | null }> {
    const policy = await this.deps.policy();
    const bySuperuser = caller?.isSuperuser === true;
    if (policy.disable_registration && !bySuperuser) throw unprocessable("Registration disabled");
    if (!bySuperuser && !(await this.deps.captcha(input.captcha_code, remoteIp))) {
      throw invalidField(["captcha_code"], "Invalid captcha");
    }
    const now = isoNow();
    const id = newId();
    let row: UsersTable;
    try {
      row = await this.newUserRow(input, id, bySuperuser && input.is_superuser, now);
      await this.users.insert(row);
    } catch (error) {
      if (error instanceof AppError) throw error;
      // A concurrent registration with the same email lost the race on the unique index.
      throw invalidField(["email"], "User with this email already exists (users_email)", "unique");
    }
    if (!caller && (await this.deps.claimFirstSuperuser(id))) {
      await this.users.update(id, { is_superuser: 1, is_verified: 1 });
    }
    const created = (await this.users.findById(id))!;
    const needsVerification = policy.require_verified_email && created.is_verified === 0;
    const token = needsVerification ? null : await this.deps.issueToken(id, ["full_control"]);
    // Without SMTP settings there is nothing to send; the account is created all the same.
    if (needsVerification) await this.deps.sendVerification(created.email, adminUrl).catch(() => undefined);
    return { ...presentUser(created), token };
  }

  /** Operator path (CLI): a superuser regardless of policy. */
  async createSuperuser(email: string, password: string): Promise<UserView> {
    const now = isoNow();
    const input = {
      email,
      password,
      is_superuser: true,
      captcha_code: "",
      settings: { balance_currency: "USD", fetch_balance: true },
      metadata: {},
    };
    const row = await this.newUserRow(input, newId(), true, now);
    row.is_verified = 1;
    await this.users.insert(row);
    return presentUser(row);
  }

  async me(actor: Actor): Promise<UserView> {
    const row = await this.users.findById(actor.userId);
    if (!row) throw notFound("User");
    return presentUser(row);
  }

  async updatePreferences(actor: Actor, settings: Record<string, unknown>): Promise<UserView> {
    const row = await this.users.findById(actor.userId);
    if (!row) throw notFound("User");
    const merged = { ...fromJson<object>(row.settings, {}), ...settings };
    await this.users.update(actor.userId, { settings: toJson(merged), updated: isoNow() });
    return this.me(actor);
  }

  async changePassword(actor: Actor, input: { old_password?: string; password: string; logout_all: boolean }) {
    const row = await this.users.findById(actor.userId);
    if (!row) throw notFound("User");
    if (input.old_password !== undefined && !(await verifyPassword(row.hashed_password, input.old_password))) {
      throw invalidField(["old_password"], "Old password is incorrect");
    }
    await this.users.update(actor.userId, { hashed_password: await hashPassword(input.password), updated: isoNow() });
    if (input.logout_all) await this.deps.revokeAllTokens(actor.userId, actor.tokenId);
    return this.me(actor);
  }

  async stats(actor: Actor): Promise<Record<string, number>> {
    return this.users.countOwned(actor.userId, this.deps.statsTables);
  }

  override async remove(actor: Actor, id: string): Promise<UserView> {
    if (id === actor.userId) throw forbidden("You cannot delete your own account here");
    return super.remove(actor, id);
  }

  override async batch(actor: Actor, command: string, ids: string[], options: unknown): Promise<unknown> {
    if (command === "delete" && ids.includes(actor.userId)) throw forbidden("You cannot delete your own account here");
    return super.batch(actor, command, ids, options);
  }
}
