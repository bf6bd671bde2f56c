import type { z } from "zod";
import type { SecretBox } from "../../kernel/secret-box.ts";
import { applyEmailPatch, presentEmailSettings } from "../shared/email-settings.ts";
import {
  type GlobalStorePolicy,
  globalStorePolicySchema,
  type Policy,
  type policyPatchSchema,
  policySchema,
} from "./policies.ts";
import type { SettingsRepository } from "./settings.repository.ts";

/** Server-wide settings documents, always read through their schema so missing keys take defaults. */
export class SettingsService {
  constructor(
    private readonly repo: SettingsRepository,
    private readonly box: SecretBox,
  ) {}

  async policy(): Promise<Policy> {
    const stored = await this.repo.read("policy");
    const parsed = policySchema.safeParse(stored);
    return parsed.success ? parsed.data : policySchema.parse({});
  }

  async updatePolicy(patch: z.output<typeof policyPatchSchema>): Promise<Policy> {
    const current = await this.policy();
    const { email_settings, ...rest } = patch;
    const next: Policy = {
      ...current,
      ...(Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<Policy>),
      email_settings: email_settings
        ? applyEmailPatch(this.box, current.email_settings, email_settings)
        : current.email_settings,
      // The captcha secret is sealed at rest; "" (what the API answers) keeps the stored one.
      captcha_secretkey:
        patch.captcha_secretkey === undefined || patch.captcha_secretkey === ""
          ? current.captcha_secretkey
          : this.box.seal(patch.captcha_secretkey),
    };
    await this.repo.write("policy", next);
    return next;
  }

  /** What anonymous callers may see: no captcha secret, no SMTP settings. */
  publicPolicy(policy: Policy) {
    const { captcha_secretkey: _secret, email_settings: _email, ...visible } = policy;
    return visible;
  }

  /** What a superuser sees: everything but the secrets themselves (the SMTP password, the captcha secret). */
  adminPolicy(policy: Policy) {
    return {
      ...policy,
      captcha_secretkey: "",
      captcha_secretkey_set: policy.captcha_secretkey !== "",
      email_settings: presentEmailSettings(policy.email_settings),
    };
  }

  /** The policy with its secrets opened, for the code that checks captchas and sends the server's mail. */
  async openPolicy(): Promise<Policy> {
    const policy = await this.policy();
    return {
      ...policy,
      captcha_secretkey: this.box.open(policy.captcha_secretkey),
      email_settings: { ...policy.email_settings, password: this.box.open(policy.email_settings.password) },
    };
  }

  async storePolicy(): Promise<GlobalStorePolicy> {
    const parsed = globalStorePolicySchema.safeParse(await this.repo.read("store_policy"));
    return parsed.success ? parsed.data : { pos_id: "" };
  }

  async updateStorePolicy(patch: Partial<GlobalStorePolicy>): Promise<GlobalStorePolicy> {
    const next = { ...(await this.storePolicy()), ...patch };
    await this.repo.write("store_policy", next);
    return next;
  }

  claimFirstSuperuser(userId: string): Promise<boolean> {
    return this.repo.claim("first_superuser", { user_id: userId });
  }
}
