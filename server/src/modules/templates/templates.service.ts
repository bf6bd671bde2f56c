import { toJson } from "../../db/json.ts";
import type { TemplatesTable } from "../../db/tables.ts";
import type { Actor } from "../../kernel/actor.ts";
import { invalidField } from "../../kernel/errors.ts";
import { type BaseColumns, OwnedCrudService } from "../shared/crud-service.ts";
import { presentTemplate, type TemplateView } from "./template.presenter.ts";
import { TemplateNameTaken, type TemplateRepository } from "./template.repository.ts";
import type { CreateTemplateInput, TemplatePatch } from "./template.schemas.ts";
import { templateNames } from "./template-names.ts";
import { checkTemplate, renderTemplate } from "./template-renderer.ts";

/** A template that does not parse is refused when saved, naming the line and the reason. */
async function assertParses(text: string) {
  const failure = await checkTemplate(text);
  if (failure) throw invalidField(["text"], failure.line ? `Line ${failure.line}: ${failure.reason}` : failure.reason);
}

const nameTaken = () => invalidField(["name"], "Template with this name already exists", "unique");

/** Merchant templates; a name is unique per user. */
export class TemplatesService extends OwnedCrudService<"templates", TemplateView, CreateTemplateInput, TemplatePatch> {
  readonly resourceName = "templates";

  constructor(private readonly templates: TemplateRepository) {
    super(templates);
  }

  protected async buildRow(actor: Actor, input: CreateTemplateInput, base: BaseColumns): Promise<TemplatesTable> {
    if (await this.templates.nameTaken(actor.userId, input.name)) throw nameTaken();
    await assertParses(input.text);
    return { ...base, name: input.name, text: input.text, metadata: toJson(input.metadata) };
  }

  protected async buildPatch(
    actor: Actor,
    input: TemplatePatch,
    existing: TemplatesTable,
  ): Promise<Partial<TemplatesTable>> {
    const patch: Partial<TemplatesTable> = {};
    if (input.name !== undefined && input.name !== existing.name) {
      if (await this.templates.nameTaken(actor.userId, input.name, existing.id)) throw nameTaken();
      patch.name = input.name;
    }
    if (input.text !== undefined) {
      await assertParses(input.text);
      patch.text = input.text;
    }
    if (input.metadata !== undefined) patch.metadata = toJson(input.metadata);
    return patch;
  }

  protected async present(rows: TemplatesTable[]): Promise<TemplateView[]> {
    return rows.map(presentTemplate);
  }

  override async create(actor: Actor, input: CreateTemplateInput): Promise<TemplateView> {
    try {
      return await super.create(actor, input);
    } catch (error) {
      throw error instanceof TemplateNameTaken ? nameTaken() : error;
    }
  }

  override async update(actor: Actor, id: string, input: TemplatePatch): Promise<TemplateView> {
    try {
      return await super.update(actor, id, input);
    } catch (error) {
      throw error instanceof TemplateNameTaken ? nameTaken() : error;
    }
  }

  /**
   * The built-in template names in Bitcart's list envelope (what Bitcart's admin reads as `result`),
   * also given as `templates`.
   */
  listNames(applicableTo: string | undefined, showAll: boolean) {
    const result = templateNames(applicableTo, showAll);
    const templates = Array.isArray(result) ? result : Object.values(result).flat();
    return {
      templates,
      count: Array.isArray(result) ? result.length : Object.keys(result).length,
      next: null,
      previous: null,
      result,
    };
  }

  /** Renders one of the caller's templates with sample variables: `{ok, output}` or `{ok: false, error: {line, reason}}`. */
  async preview(actor: Actor, id: string, input: { variables: Record<string, unknown>; html: boolean }) {
    const template = await this.get(actor, id);
    const outcome = await renderTemplate(template.text, input.variables, { html: input.html });
    return outcome.ok
      ? { ok: true, output: outcome.output, error: null }
      : { ok: false, output: null, error: outcome.failure };
  }
}
