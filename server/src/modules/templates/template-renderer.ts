import type { Liquid } from "liquidjs";

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
function sandbox(LiquidEngine: typeof Liquid, html: boolean): Liquid {
  const engine = new LiquidEngine({
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

// The engine loads on the first template saved or rendered, not at start: it weighs on idle memory.
let engines: Promise<{ text: Liquid; html: Liquid }> | null = null;
const loadEngines = () =>
  (engines ??= import("liquidjs").then(({ Liquid }) => ({
    text: sandbox(Liquid, false),
    html: sandbox(Liquid, true),
  })));

function failureOf(error: unknown): TemplateFailure {
  const message = error instanceof Error ? error.message : String(error);
  const position = /line:(\d+)/.exec(message);
  const reason = message.replace(/,?\s*(file:[^,]*,\s*)?line:\d+,\s*col:\d+/g, "").trim();
  return { line: position ? Number(position[1]) : null, reason: reason || "render failed" };
}

/** Parses only: the failure of a template a merchant saves, or null. */
export async function checkTemplate(text: string): Promise<TemplateFailure | null> {
  const { text: engine } = await loadEngines();
  try {
    engine.parse(text);
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
  const loaded = await loadEngines();
  const engine = options.html ? loaded.html : loaded.text;
  try {
    const output = await engine.parseAndRender(text, variables);
    return { ok: true, output };
  } catch (error) {
    return { ok: false, failure: failureOf(error) };
  }
}
