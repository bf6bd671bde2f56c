import { Liquid } from "liquidjs";

/** Why a template failed, with the line when the engine knows it. */
export interface TemplateFailure {
  line: number | null;
  reason: string;
}

export type RenderOutcome = { ok: true; output: string } | { ok: false; failure: TemplateFailure };

/** Tags that read other templates: merchant templates have no file system to read from. */
const FILE_TAGS = ["include", "render", "layout"];

/**
 * LiquidJS configured as a sandbox for merchant-written text: no file system (every file tag removed, an
 * empty in-memory template map), only own properties of the given variables (no prototype walk), unknown
 * filters are errors, and hard limits on template size, render time and memory so a loop cannot hang or
 * exhaust the server. HTML templates escape every output.
 */
function sandbox(html: boolean): Liquid {
  const engine = new Liquid({
    templates: {},
    relativeReference: false,
    dynamicPartials: false,
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false,
    parseLimit: 200_000,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
    ...(html ? { outputEscape: "escape" as const } : {}),
  });
  const tags = engine.tags as Record<string, unknown>;
  for (const tag of FILE_TAGS) delete tags[tag];
  return engine;
}

const engines = { text: sandbox(false), html: sandbox(true) };

function failureOf(error: unknown): TemplateFailure {
  const message = error instanceof Error ? error.message : String(error);
  const position = /line:(\d+)/.exec(message);
  const reason = message.replace(/,?\s*(file:[^,]*,\s*)?line:\d+,\s*col:\d+/g, "").trim();
  return { line: position ? Number(position[1]) : null, reason: reason || "render failed" };
}

/** Parses only: the failure of a template a merchant saves, or null. */
export function checkTemplate(text: string): TemplateFailure | null {
  try {
    engines.text.parse(text);
    return null;
  } catch (error) {
    return failureOf(error);
  }
}

/** Renders `text` with `variables` in the sandbox; never throws. */
export async function renderTemplate(
  text: string,
  variables: Record<string, unknown>,
  options: { html?: boolean } = {},
): Promise<RenderOutcome> {
  const engine = options.html ? engines.html : engines.text;
  try {
    const output = await engine.parseAndRender(text, variables);
    return { ok: true, output };
  } catch (error) {
    return { ok: false, failure: failureOf(error) };
  }
}
