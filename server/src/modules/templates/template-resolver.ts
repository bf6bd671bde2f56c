import type { Db } from "../../db/database.ts";
import { DEFAULT_TEMPLATES, type TemplateName } from "./default-templates.ts";
import { renderTemplate, type TemplateFailure } from "./template-renderer.ts";

export interface RenderRequest {
  name: TemplateName;
  /** The owner whose template of that name applies; null for server templates (`templateId` only). */
  userId: string | null;
  /** An object-specific template id (`store.templates[name]`, `product.templates[name]`), tried first. */
  templateId?: string | undefined;
  variables: Record<string, unknown>;
  html?: boolean;
}

export interface Rendered {
  text: string;
  /** When the chosen template failed and the default was used instead: which one and why. */
  failure: (TemplateFailure & { template: string }) | null;
}

/**
 * Bitcart's lookup order: the object's own template (by id, if its owner's), then the owner's template with
 * that name, then the default. A template that fails to render is reported and the default is used.
 */
export class TemplateResolver {
  constructor(private readonly db: Db) {}

  private async find(request: RenderRequest): Promise<{ name: string; text: string } | null> {
    const templates = this.db.kysely.selectFrom("templates").select(["name", "text"]);
    // Server templates (no owner): the id the superuser chose in the policy's `global_templates`.
    if (!request.userId) {
      if (!request.templateId) return null;
      return (await templates.where("id", "=", request.templateId).executeTakeFirst()) ?? null;
    }
    const base = templates.where("user_id", "=", request.userId);
    if (request.templateId) {
      const own = await base.where("id", "=", request.templateId).executeTakeFirst();
      if (own) return own;
    }
    return (await base.where("name", "=", request.name).executeTakeFirst()) ?? null;
  }

  async render(request: RenderRequest): Promise<Rendered> {
    const chosen = await this.find(request);
    const html = request.html ?? false;
    if (chosen) {
      const outcome = await renderTemplate(chosen.text, request.variables, { html });
      if (outcome.ok) return { text: outcome.output, failure: null };
      const fallback = await renderTemplate(DEFAULT_TEMPLATES[request.name], request.variables, { html });
      return { text: fallback.ok ? fallback.output : "", failure: { ...outcome.failure, template: chosen.name } };
    }
    const outcome = await renderTemplate(DEFAULT_TEMPLATES[request.name], request.variables, { html });
    return {
      text: outcome.ok ? outcome.output : "",
      failure: outcome.ok ? null : { ...outcome.failure, template: request.name },
    };
  }
}

/** "template "x" failed at line 3: reason; the default was used" */
export const describeFailure = (failure: NonNullable<Rendered["failure"]>) =>
  `template "${failure.template}" failed${failure.line ? ` at line ${failure.line}` : ""}: ${failure.reason}; the default was used`;
