import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTemplate, renderTemplate } from "../src/modules/templates/index.ts";
import { createTestApp, registerUser, type TestApp } from "./helpers/test-app.ts";

/** Merchant templates run in a sandbox: no file system, no prototype walk, bounded time and memory. */
describe("template sandbox", () => {
  const variables = { store: { name: "Shop" }, invoice: { id: "INV1", price: "1.00" }, products: ["a", "b"] };

  it("renders Bitcart-style variables and filters", async () => {
    expect(
      await renderTemplate("{{ store.name | upcase }} {{ invoice.id }} {{ products | join: '+' }}", variables),
    ).toEqual({
      ok: true,
      output: "SHOP INV1 a+b",
    });
  });

  it.each([
    ['{{ "x" | constructor }}', 1, "undefined filter: constructor"],
    ['{% include "/etc/passwd" %}', 1, 'tag "include" not found'],
    ['{% render "/etc/passwd" %}', 1, 'tag "render" not found'],
    ['{% layout "/etc/passwd" %}', 1, 'tag "layout" not found'],
    ["ok\n{% include 'notification' %}", 2, 'tag "include" not found'],
  ])("refuses %j clearly, with the line", async (text, line, reason) => {
    expect(await renderTemplate(text, variables)).toEqual({ ok: false, failure: { line, reason } });
    expect(await checkTemplate(text)).toEqual({ line, reason });
  });

  it("does not reach prototypes, constructors or globals", async () => {
    const outcome = await renderTemplate(
      "[{{ store.constructor }}][{{ store.__proto__ }}][{{ invoice.id.constructor.name }}][{{ process.env }}][{{ global }}][{{ store.hasOwnProperty }}]",
      variables,
    );
    expect(outcome).toEqual({ ok: true, output: "[][][][][][]" });
  });

  it("stops loops that would exhaust memory or time, and says so", async () => {
    const huge = await renderTemplate("{% for i in (1..100000000) %}{{ i }}{% endfor %}", variables);
    expect(huge).toEqual({ ok: false, failure: { line: 1, reason: "memory alloc limit exceeded" } });
    const nested = await renderTemplate(
      "{% for a in (1..3000) %}{% for b in (1..3000) %}{% assign c = a | plus: b %}{% endfor %}{% endfor %}",
      variables,
    );
    expect(nested.ok).toBe(false);
    if (!nested.ok) expect(nested.failure.reason).toMatch(/limit exceeded/);
  });

  it("refuses an oversized template before parsing it", async () => {
    const outcome = await renderTemplate("x".repeat(300_000), variables);
    expect(outcome).toEqual({ ok: false, failure: { line: null, reason: "parse length limit exceeded" } });
  });

  it("escapes every output in HTML templates", async () => {
    const outcome = await renderTemplate(
      "<b>{{ name }}</b>",
      { name: `<img src=x onerror="alert(1)">` },
      { html: true },
    );
    expect(outcome).toEqual({ ok: true, output: "<b>&lt;img src=x onerror=&#34;alert(1)&#34;&gt;</b>" });
  });
});

describe("template preview", () => {
  let app: TestApp;
  let owner: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    app = await createTestApp();
    owner = await registerUser(app);
  });
  afterAll(() => app?.close());

  it("renders a template with sample variables, or names the line and reason it fails", async () => {
    const create = async (text: string) =>
      (await app.call("POST", "/templates", { token: owner.token, body: { name: `t${text.length}`, text } })).json().id;
    const good = await create("Hello {{ store.name }}");
    const preview = await app.call("POST", `/templates/${good}/preview`, {
      token: owner.token,
      body: { variables: { store: { name: "<Shop>" } }, html: true },
    });
    expect(preview.json()).toEqual({ ok: true, output: "Hello &lt;Shop&gt;", error: null });

    const looping = await create("one\ntwo\n{% for i in (1..100000000) %}{{ i }}{% endfor %}");
    const failed = await app.call("POST", `/templates/${looping}/preview`, { token: owner.token, body: {} });
    expect(failed.json()).toEqual({
      ok: false,
      output: null,
      error: { line: 3, reason: "memory alloc limit exceeded" },
    });

    const stranger = await registerUser(app);
    expect((await app.call("POST", `/templates/${good}/preview`, { token: stranger.token, body: {} })).statusCode).toBe(
      404,
    );
  });
});
