import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import type { Actor } from "../../kernel/actor.ts";
import { invalidField, notFound, unprocessable } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import type { AccountSecurity, Fido2Device } from "./account-security.service.ts";
import type { AuthCodeRepository } from "./auth-code.repository.ts";
import type { UserRepository } from "./user.repository.ts";

const CHALLENGE_TTL_MS = 5 * 60_000;
/** Loaded on first use: the WebAuthn library is large and most processes never see a passkey. */
const webauthn = () => import("@simplewebauthn/server");
export const RP_NAME = "Till";

/** The relying party: the configured origin (`TILL_AUTH_ORIGIN`) or else the origin the request came to. */
export interface RelyingParty {
  origin: string;
  rpID: string;
}

export const relyingParty = (origin: string): RelyingParty => ({ origin, rpID: new URL(origin).hostname });

/** The challenge a WebAuthn response signed, read from its client data (verified again by the library). */
function signedChallenge(response: { response?: { clientDataJSON?: unknown } }): string {
  try {
    const json = Buffer.from(String(response.response?.clientDataJSON ?? ""), "base64url").toString("utf8");
    const challenge = (JSON.parse(json) as { challenge?: unknown }).challenge;
    if (typeof challenge === "string" && challenge) return challenge;
  } catch {}
  throw invalidField(["response"], "Not a WebAuthn response");
}

/**
 * Passkeys (WebAuthn) with @simplewebauthn/server: registration and login ceremonies. Each challenge is a
 * single-use code valid 5 minutes, bound to the user and the relying party it was issued for.
 */
export class Passkeys {
  constructor(
    private readonly users: UserRepository,
    private readonly codes: AuthCodeRepository,
    private readonly security: AccountSecurity,
  ) {}

  async registerBegin(actor: Actor, rp: RelyingParty) {
    const user = await this.users.findById(actor.userId);
    if (!user) throw notFound("User");
    const options = await (await webauthn()).generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: rp.rpID,
      userName: user.email,
      userID: new TextEncoder().encode(user.id),
      attestationType: "none",
      excludeCredentials: this.security
        .devices(user)
        .map((d) => ({ id: d.credential_id, transports: d.transports as never })),
      authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
    });
    await this.codes.issue("fido2_register", options.challenge, user.id, CHALLENGE_TTL_MS, { ...rp });
    return options;
  }

  async registerComplete(actor: Actor, name: string, response: RegistrationResponseJSON): Promise<Fido2Device> {
    const challenge = signedChallenge(response);
    const code = await this.codes.consume<RelyingParty>("fido2_register", challenge);
    if (!code || code.userId !== actor.userId) throw invalidField(["response"], "Unknown or expired challenge");
    let verified: Awaited<ReturnType<Awaited<ReturnType<typeof webauthn>>["verifyRegistrationResponse"]>>;
    try {
      verified = await (await webauthn()).verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: code.data.origin,
        expectedRPID: code.data.rpID,
        requireUserVerification: false,
      });
    } catch (error) {
      throw invalidField(["response"], `Passkey not accepted: ${(error as Error).message}`);
    }
    if (!verified.verified) throw invalidField(["response"], "Passkey not accepted");
    const user = await this.users.findById(actor.userId);
    if (!user) throw notFound("User");
    const { credential } = verified.registrationInfo;
    const devices = this.security.devices(user);
    if (devices.some((d) => d.credential_id === credential.id))
      throw unprocessable("This passkey is already registered");
    const device: Fido2Device = {
      id: newId(),
      name: name || `Passkey ${devices.length + 1}`,
      credential_id: credential.id,
      public_key: Buffer.from(credential.publicKey).toString("base64url"),
      counter: credential.counter,
      transports: credential.transports ?? [],
      created: new Date().toISOString(),
    };
    await this.security.saveDevices(user.id, [...devices, device]);
    return device;
  }

  /** Options for the login ceremony of a user who passed the password step. */
  async loginBegin(userId: string, rp: RelyingParty) {
    const user = await this.users.findById(userId);
    if (!user) throw notFound("User");
    const devices = this.security.devices(user);
    if (devices.length === 0) throw unprocessable("No passkey is registered");
    const options = await (await webauthn()).generateAuthenticationOptions({
      rpID: rp.rpID,
      allowCredentials: devices.map((d) => ({ id: d.credential_id, transports: d.transports as never })),
      userVerification: "preferred",
    });
    await this.codes.issue("fido2_login", options.challenge, userId, CHALLENGE_TTL_MS, { ...rp });
    return options;
  }

  /** True when the response is a valid signature of the user's challenge by one of the user's passkeys. */
  async loginVerify(userId: string, response: AuthenticationResponseJSON): Promise<boolean> {
    const challenge = signedChallenge(response);
    const code = await this.codes.consume<RelyingParty>("fido2_login", challenge);
    if (!code || code.userId !== userId) return false;
    const user = await this.users.findById(userId);
    if (!user) return false;
    const devices = this.security.devices(user);
    const device = devices.find((d) => d.credential_id === response.id);
    if (!device) return false;
    try {
      const result = await (await webauthn()).verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: code.data.origin,
        expectedRPID: code.data.rpID,
        credential: {
          id: device.credential_id,
          publicKey: new Uint8Array(Buffer.from(device.public_key, "base64url")),
          counter: device.counter,
          transports: device.transports,
        },
        requireUserVerification: false,
      });
      if (!result.verified) return false;
      device.counter = result.authenticationInfo.newCounter;
      await this.security.saveDevices(userId, devices);
      return true;
    } catch {
      return false;
    }
  }
}
