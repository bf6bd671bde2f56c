import { fromJson, toBool, toJson } from "../../db/json.ts";
import type { TokensTable, UsersTable } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import { isoNow } from "../../kernel/clock.ts";
import { AppError, forbidden, invalidField, unprocessable } from "../../kernel/errors.ts";
import { sha256Hex } from "../../kernel/hashing.ts";
import { newId, newSecret } from "../../kernel/ids.ts";
import { canGrant, isKnownPermission } from "../../kernel/scopes.ts";
import { OwnedCrudService } from "../shared/crud-service.ts";
import type { AuthCodeRepository } from "../users/index.ts";
import { type UserRepository, verifyPassword } from "../users/index.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import type { TokenRepository } from "./token.repository.ts";
import type { CreateTokenInput, EditTokenInput } from "./token.schemas.ts";

export interface TokensDeps {
  policy(): Promise<{ require_verified_email: boolean }>;
  /** Whether a login's captcha answer passes the server policy (true when no captcha is configured). */
  captcha(answer: string, remoteIp: string): Promise<boolean>;
  /** The second factors the user must pass (`fido2`, `totp`); none = the password is enough. */
  secondFactors(user: UsersTable): string[];
  /** A TOTP code or an unused recovery code of the user (a recovery code is used up). */
  checkTotp(userId: string, code: string): Promise<boolean>;
  /** A passkey assertion of the user, checked against the challenge it was issued (used up). */
  checkPasskey(userId: string, response: unknown): Promise<boolean>;
}

/** What the second login step remembers of the first: who, and the token asked for. */
interface PendingLogin {
  permissions: string[];
  app_id: string;
  redirect_url: string;
  failures?: number;
}

const TFA_TTL_MS = 5 * 60_000;
const TFA_MAX_FAILURES = 5;

/** Bitcart's token record; the secret itself is never stored and never listed. */
export function presentToken(row: TokensTable) {
  return {
    id: row.id,
    user_id: row.user_id,
    app_id: row.app_id,
    redirect_url: row.redirect_url,
    permissions: fromJson<string[]>(row.permissions, []),
    metadata: fromJson<Record<string, unknown>>(row.metadata, {}),
    created: row.created,
    updated: row.updated,
  };
}

export type TokenView = ReturnType<typeof presentToken>;

const loginError = (status: 401 | 403 | 404) => new AppError(401, { message: "Unauthorized", status });

/**
 * API tokens: stored as SHA-256 of a 256-bit secret, so a database leak reveals no usable token.
 * A token's `id` is a separate public identifier used to list, edit and revoke it.
 */
export class TokensService extends OwnedCrudService<"tokens", TokenView, never, EditTokenInput> {
  readonly resourceName = "tokens";

  constructor(
    private readonly tokens: TokenRepository,
    private readonly users: UserRepository,
    private readonly throttle: LoginThrottle,
    private readonly deps: TokensDeps,
    private readonly codes: AuthCodeRepository,
  ) {
    super(tokens);
  }

  protected buildRow(): never {
    throw new AppError(405, "Method Not Allowed");
  }

  protected buildPatch(_actor: Actor, input: EditTokenInput) {
    return { redirect_url: input.redirect_url };
  }

  protected async present(rows: TokensTable[]) {
    return rows.map(presentToken);
  }

  override autocompleteLabel(item: TokenView): string {
    return item.app_id || item.id;
  }

  /** Resolves a bearer secret to its actor (null when unknown). A disabled account is refused outright. */
  async resolve(secret: string): Promise<Actor | null> {
    if (secret.length > 200) return null;
    const found = await this.tokens.findWithUser(sha256Hex(secret));
    if (!found) return null;
    if (!toBool(found.user.is_enabled)) throw forbidden("Account is disabled");
    return {
      userId: found.user.id,
      email: found.user.email,
      isSuperuser: toBool(found.user.is_superuser),
      tokenId: found.token.id,
      permissions: fromJson<string[]>(found.token.permissions, []),
    };
  }

  /** Creates a token for a user, returning the secret (shown once) and the stored record. */
  async issue(userId: string, permissions: string[], appId = "", redirectUrl = "") {
    const secret = newSecret();
    const now = isoNow();
    const row: TokensTable = {
      id: newId(),
      token_hash: sha256Hex(secret),
      user_id: userId,
      app_id: appId,
      redirect_url: redirectUrl,
      permissions: toJson(permissions),
      metadata: "{}",
      created: now,
      updated: now,
      last_used: null,
    };
    await this.tokens.insert(row);
    return { secret, row };
  }

  /**
   * `POST /token`: from email + password, or from the caller's token (then the new permissions must be
   * a subset of the caller's). Answers Bitcart's shape, with the secret as `access_token`.
   */
  async createToken(caller: Actor | null, input: CreateTokenInput, remoteIp = ""): Promise<any> {
    const user = caller ? await this.users.findById(caller.userId) : await this.checkCredentials(input, remoteIp);
    if (!user) throw loginError(404);
    let permissions = [...new Set(input.permissions)];
    if (permissions.includes("server_management") && !toBool(user.is_superuser)) {
      if (input.strict) throw unprocessable("This application requires access to server settings");
      permissions = permissions.filter((p) => p !== "server_management");
    }
    const invalid = permissions.find((p) => !isKnownPermission(p));
    if (invalid) throw unprocessable(`Invalid permission: ${invalid}`);
    if (caller && !canGrant(caller.permissions, permissions)) throw forbidden("Not enough permissions");
    if (!toBool(user.is_enabled)) throw forbidden("Account is disabled");
    const policy = await this.deps.policy();
    if (policy.require_verified_email && !toBool(user.is_verified)) throw forbidden("Email is not verified");
    const factors = caller ? [] : this.deps.secondFactors(user);
    if (factors.length > 0) {
      const tfaCode = newSecret();
      const pending: PendingLogin = { permissions, app_id: input.app_id, redirect_url: input.redirect_url };
      await this.codes.issue("tfa", tfaCode, user.id, TFA_TTL_MS, { ...pending });
      return { access_token: null, token_type: "bearer", tfa_required: true, tfa_code: tfaCode, tfa_types: factors };
    }
    return this.loginAnswer(user.id, permissions, input.app_id, input.redirect_url);
  }

  private async loginAnswer(userId: string, permissions: string[], appId: string, redirectUrl: string) {
    const { secret, row } = await this.issue(userId, permissions, appId, redirectUrl);
    return {
      ...presentToken(row),
      access_token: secret,
      token_type: "bearer",
      tfa_required: false,
      tfa_code: null,
      tfa_types: [],
    };
  }

  /** The user waiting at the second step, or 401 when the code is unknown, expired or used. */
  async pendingUser(tfaCode: string): Promise<string> {
    const pending = await this.codes.peek<PendingLogin>("tfa", tfaCode);
    if (!pending?.userId) throw new AppError(401, { message: "Unknown or expired 2FA code", status: 401 });
    return pending.userId;
  }

  /**
   * The second login step: `proof` (a TOTP or recovery code, or a passkey assertion) is checked, then the
   * step's code is used up and the token issued. Five failures void the code: the login starts over.
   */
  async completeSecondFactor(tfaCode: string, kind: "totp" | "fido2", proof: unknown) {
    const pending = await this.codes.peek<PendingLogin>("tfa", tfaCode);
    if (!pending?.userId) throw new AppError(401, { message: "Unknown or expired 2FA code", status: 401 });
    const userId = pending.userId;
    const passed =
      kind === "totp" ? await this.deps.checkTotp(userId, String(proof)) : await this.deps.checkPasskey(userId, proof);
    if (!passed) {
      const failures = (pending.data.failures ?? 0) + 1;
      if (failures >= TFA_MAX_FAILURES) await this.codes.consume("tfa", tfaCode);
      else await this.codes.updateData("tfa", tfaCode, { ...pending.data, failures });
      throw invalidField([kind === "totp" ? "code" : "response"], "Invalid code");
    }
    const used = await this.codes.consume<PendingLogin>("tfa", tfaCode);
    if (!used) throw new AppError(401, { message: "Unknown or expired 2FA code", status: 401 });
    return this.loginAnswer(userId, used.data.permissions, used.data.app_id, used.data.redirect_url);
  }

  private async checkCredentials(input: CreateTokenInput, remoteIp: string): Promise<UsersTable> {
    const account = input.email.toLowerCase();
    if (!account || !input.password) throw loginError(404);
    if (!(await this.deps.captcha(input.captcha_code, remoteIp))) throw loginError(403);
    if (this.throttle.isBlocked(account)) {
      throw new AppError(429, "Too many failed login attempts for this account, try again later", {
        "retry-after": "900",
      });
    }
    const user = await this.users.findByEmail(account);
    if (!user) {
      this.throttle.recordFailure(account);
      throw loginError(404);
    }
    if (!(await verifyPassword(user.hashed_password, input.password))) {
      this.throttle.recordFailure(account);
      throw loginError(401);
    }
    this.throttle.reset(account);
    return user;
  }

  async current(actor: Actor): Promise<TokenView> {
    return this.get(actor, actor.tokenId);
  }

  revokeAll(userId: string, exceptTokenId?: string): Promise<void> {
    return this.tokens.deleteForUser(userId, exceptTokenId);
  }
}
