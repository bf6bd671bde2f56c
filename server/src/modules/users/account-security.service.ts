import { fromBool, fromJson, toBool, toJson } from "../../db/json.ts";
import type { UsersTable } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import { isoNow } from "../../kernel/clock.ts";
import { AppError, invalidField, notFound, unprocessable } from "../../kernel/errors.ts";
import { newSecret } from "../../kernel/ids.ts";
import type { SecretBox } from "../../kernel/secret-box.ts";
import type { AuthCodeRepository } from "./auth-code.repository.ts";
import { hashPassword } from "./password-hasher.ts";
import {
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  newVerificationCode,
  totpMatches,
  totpUri,
} from "./second-factor.ts";
import type { UserRepository } from "./user.repository.ts";

export const RESET_TTL_MS = 3_600_000;
export const VERIFY_TTL_MS = 15 * 60_000;
/** A TOTP code is accepted for its step and the ones either side: it is remembered as used that long. */
const TOTP_REPLAY_WINDOW_MS = 3 * 30_000;

/** What account security needs from the rest of the server, wired by the composition root. */
export interface AccountSecurityDeps {
  /** Renders a global template (`forgotpassword`, `verifyemail`) and queues it with the server's SMTP settings. */
  mail(to: string, template: "forgotpassword" | "verifyemail", variables: Record<string, unknown>): Promise<void>;
  /** Whether the server has SMTP settings to send with. */
  canMail(): Promise<boolean>;
  revokeAllTokens(userId: string, exceptTokenId?: string): Promise<void>;
  issueToken(userId: string, permissions: string[]): Promise<string>;
}

export interface Fido2Device {
  id: string;
  name: string;
  credential_id: string;
  public_key: string;
  counter: number;
  transports: string[];
  created: string;
}

/**
 * Password reset and email verification by mailed single-use codes, TOTP with recovery codes. The TOTP secret
 * is sealed at rest; reset, verification and recovery codes exist only as digests.
 */
export class AccountSecurity {
  constructor(
    private readonly users: UserRepository,
    private readonly codes: AuthCodeRepository,
    private readonly box: SecretBox,
    private readonly deps: AccountSecurityDeps,
  ) {}

  private async user(id: string): Promise<UsersTable> {
    const row = await this.users.findById(id);
    if (!row) throw notFound("User");
    return row;
  }

  /**
   * Mails a reset link when the address has an account; answers the same either way, so the endpoint does
   * not tell who has an account.
   */
  async requestReset(email: string, adminUrl: string): Promise<boolean> {
    if (!(await this.deps.canMail())) throw unprocessable("Password reset by email is not available: no SMTP settings");
    const user = await this.users.findByEmail(email);
    if (!user || !toBool(user.is_enabled)) return true;
    const code = newSecret();
    await this.codes.clear(user.id, "reset");
    await this.codes.issue("reset", code, user.id, RESET_TTL_MS);
    await this.deps.mail(user.email, "forgotpassword", {
      email: user.email,
      link: `${adminUrl}/forgotpassword/${code}`,
    });
    return true;
  }

  async finalizeReset(token: string, password: string, logoutAll: boolean): Promise<boolean> {
    const code = await this.codes.consume("reset", token);
    if (!code?.userId) throw invalidField(["token"], "Invalid or expired reset link");
    // Following the mailed link proves the address.
    await this.users.update(code.userId, {
      hashed_password: await hashPassword(password),
      is_verified: 1,
      updated: isoNow(),
    });
    if (logoutAll) await this.deps.revokeAllTokens(code.userId);
    return true;
  }

  async requestVerification(email: string, adminUrl: string): Promise<boolean> {
    if (!(await this.deps.canMail())) throw unprocessable("Email verification is not available: no SMTP settings");
    const user = await this.users.findByEmail(email);
    if (!user || toBool(user.is_verified)) return true;
    const code = newVerificationCode();
    await this.codes.clear(user.id, "verify");
    await this.codes.issue("verify", code, user.id, VERIFY_TTL_MS);
    await this.deps.mail(user.email, "verifyemail", {
      email: user.email,
      code,
      link: `${adminUrl}/verify/${code}`,
    });
    return true;
  }

  /** Marks the address verified; with `addToken`, also logs the user in (Bitcart's `?add_token=`). */
  async finalizeVerification(token: string, addToken: boolean): Promise<{ verified: true; token: string | null }> {
    const code = await this.codes.consume("verify", token.trim().toLowerCase());
    if (!code?.userId) throw invalidField(["token"], "Invalid or expired verification code");
    await this.users.update(code.userId, { is_verified: 1, updated: isoNow() });
    return { verified: true, token: addToken ? await this.deps.issueToken(code.userId, ["full_control"]) : null };
  }

  /** A new TOTP secret for the authenticator app, kept until TOTP is enabled with a code from it. */
  async totpSetup(actor: Actor): Promise<{ totp_key: string; totp_url: string }> {
    const user = await this.user(actor.userId);
    if (toBool(user.tfa_enabled)) throw unprocessable("TOTP is already enabled: disable it first");
    const secret = newTotpSecret();
    await this.users.update(user.id, { totp_key: this.box.seal(secret), updated: isoNow() });
    return { totp_key: secret, totp_url: totpUri(secret, user.email) };
  }

  /** Enables TOTP once a code from the app matches; answers the 10 recovery codes, shown this once. */
  async enableTotp(actor: Actor, code: string): Promise<string[]> {
    const user = await this.user(actor.userId);
    if (toBool(user.tfa_enabled)) throw unprocessable("TOTP is already enabled");
    if (!user.totp_key) throw unprocessable("Ask for a TOTP secret first (GET /users/me/2fa/totp)");
    if (!(await this.freshTotp(user, code))) throw invalidField(["code"], "Invalid code");
    const recovery = newRecoveryCodes();
    await this.users.update(user.id, {
      tfa_enabled: fromBool(true),
      recovery_codes: toJson(recovery.map(hashRecoveryCode)),
      updated: isoNow(),
    });
    return recovery;
  }

  async disableTotp(actor: Actor): Promise<void> {
    await this.users.update(actor.userId, {
      tfa_enabled: 0,
      totp_key: null,
      recovery_codes: "[]",
      updated: isoNow(),
    });
  }

  /** The second factors a login must pass: `totp` when enabled, `fido2` when a passkey is registered. */
  secondFactors(user: UsersTable): string[] {
    const types: string[] = [];
    if (fromJson<unknown[]>(user.fido2_devices, []).length > 0) types.push("fido2");
    if (toBool(user.tfa_enabled)) types.push("totp");
    return types;
  }

  /** A TOTP code, or a recovery code (used up: removed in the same statement that checks it is still there). */
  async checkTotpOrRecovery(userId: string, code: string): Promise<boolean> {
    const user = await this.user(userId);
    if (!toBool(user.tfa_enabled) || !user.totp_key) return false;
    if (await this.freshTotp(user, code)) return true;
    const hashed = hashRecoveryCode(code);
    const stored = fromJson<string[]>(user.recovery_codes, []);
    if (!stored.includes(hashed)) return false;
    const remaining = toJson(stored.filter((h) => h !== hashed));
    return this.users.replaceRecoveryCodes(userId, user.recovery_codes, remaining);
  }

  /** A right TOTP code not used before: each code works once, so one seen over a shoulder cannot be replayed. */
  private async freshTotp(user: UsersTable, code: string): Promise<boolean> {
    if (!user.totp_key || !totpMatches(this.box.open(user.totp_key), user.email, code)) return false;
    return this.codes.claim("totp_used", `${user.id}:${code.replace(/\s/g, "")}`, user.id, TOTP_REPLAY_WINDOW_MS);
  }

  devices(user: UsersTable): Fido2Device[] {
    return fromJson<Fido2Device[]>(user.fido2_devices, []);
  }

  async saveDevices(userId: string, devices: Fido2Device[]): Promise<void> {
    await this.users.update(userId, { fido2_devices: toJson(devices), updated: isoNow() });
  }

  async removeDevice(actor: Actor, deviceId: string): Promise<void> {
    const user = await this.user(actor.userId);
    const devices = this.devices(user);
    if (!devices.some((d) => d.id === deviceId)) throw new AppError(404, "Device not found");
    await this.saveDevices(
      user.id,
      devices.filter((d) => d.id !== deviceId),
    );
  }
}
