import { describe, expect, it } from "vitest";
import { type ListParams, pageEnvelope } from "./list-params.ts";

const params = (overrides: Partial<ListParams> = {}): ListParams => ({
  offset: 0,
  limit: 5,
  query: "",
  multiple: false,
  sort: "created",
  desc: true,
  autocomplete: false,
  ...overrides,
});

const BASE = "http://till.example/stores";
const query = (url: string | null) => (url === null ? null : Object.fromEntries(new URL(url).searchParams));

describe("pageEnvelope", () => {
  it("answers Bitcart's {result, count, previous, next} shape with the items as given", () => {
    const page = pageEnvelope(["a", "b"], 2, params(), new URL(BASE));
    expect(page).toEqual({ result: ["a", "b"], count: 2, previous: null, next: null });
  });

  it("links the next page from the first page", () => {
    const page = pageEnvelope([1, 2, 3, 4, 5], 12, params(), new URL(BASE));
    expect(page.previous).toBeNull();
    expect(page.next).toBe("http://till.example/stores?offset=5&limit=5");
  });

  it("links both neighbours from a middle page", () => {
    const page = pageEnvelope([6, 7, 8, 9, 10], 12, params({ offset: 5 }), new URL(`${BASE}?offset=5&limit=5`));
    expect(query(page.previous)).toEqual({ offset: "0", limit: "5" });
    expect(query(page.next)).toEqual({ offset: "10", limit: "5" });
  });

  it("has no next link on the last page, whether full or partial", () => {
    const partial = pageEnvelope([11, 12], 12, params({ offset: 10 }), new URL(BASE));
    expect(partial.next).toBeNull();
    expect(query(partial.previous)).toEqual({ offset: "5", limit: "5" });
    const full = pageEnvelope([6, 7, 8, 9, 10], 10, params({ offset: 5 }), new URL(BASE));
    expect(full.next).toBeNull();
  });

  it("never links a previous page before offset 0", () => {
    const page = pageEnvelope([3, 4, 5, 6, 7], 20, params({ offset: 2 }), new URL(`${BASE}?offset=2`));
    expect(query(page.previous)).toEqual({ offset: "0", limit: "5" });
    expect(query(page.next)).toEqual({ offset: "7", limit: "5" });
  });

  it("keeps the other query parameters and the path in the links", () => {
    const url = new URL("http://till.example/invoices?query=status%3Apaid&sort=price&desc=false&offset=10&limit=10");
    const page = pageEnvelope(
      [],
      35,
      params({ offset: 10, limit: 10, query: "status:paid", sort: "price", desc: false }),
      url,
    );
    const next = new URL(page.next!);
    expect(next.pathname).toBe("/invoices");
    expect(Object.fromEntries(next.searchParams)).toEqual({
      query: "status:paid",
      sort: "price",
      desc: "false",
      offset: "20",
      limit: "10",
    });
    expect(query(page.previous)).toMatchObject({ query: "status:paid", offset: "0", limit: "10" });
  });

  it("adds the limit to the links when the request relied on the default", () => {
    const page = pageEnvelope([1, 2, 3, 4, 5], 6, params(), new URL(`${BASE}?query=mug`));
    expect(query(page.next)).toEqual({ query: "mug", offset: "5", limit: "5" });
  });

  it("has no links at all with limit -1 (everything at once)", () => {
    const page = pageEnvelope([1, 2, 3], 3, params({ limit: -1 }), new URL(`${BASE}?limit=-1`));
    expect(page).toEqual({ result: [1, 2, 3], count: 3, previous: null, next: null });
    const offset = pageEnvelope([3], 3, params({ limit: -1, offset: 2 }), new URL(`${BASE}?limit=-1&offset=2`));
    expect(offset.previous).toBeNull();
    expect(offset.next).toBeNull();
  });

  it("has no links for an empty collection", () => {
    expect(pageEnvelope([], 0, params(), new URL(BASE))).toEqual({ result: [], count: 0, previous: null, next: null });
  });

  it("does not modify the URL it was given", () => {
    const url = new URL(`${BASE}?offset=5`);
    pageEnvelope([], 20, params({ offset: 5 }), url);
    expect(url.toString()).toBe(`${BASE}?offset=5`);
  });
});
