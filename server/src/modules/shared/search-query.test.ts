import { describe, expect, it } from "vitest";
import { parseSearchQuery } from "./search-query.ts";

const NOW = new Date("2024-06-15T12:00:00.000Z");
const HOUR = 3_600_000;

describe("parseSearchQuery", () => {
  it("answers an empty query with no text, no filters and no dates", () => {
    for (const query of ["", "   ", "\t\n"]) {
      const parsed = parseSearchQuery(query, NOW);
      expect(parsed.text).toBe("");
      expect(parsed.filters.size).toBe(0);
      expect(parsed.startDate).toBeNull();
      expect(parsed.endDate).toBeNull();
    }
  });

  it("joins free-text words with single spaces", () => {
    const parsed = parseSearchQuery("  blue   coffee\tmug ", NOW);
    expect(parsed.text).toBe("blue coffee mug");
    expect(parsed.filters.size).toBe(0);
  });

  it("reads field:value words as filters and keeps the rest as free text", () => {
    const parsed = parseSearchQuery("mug status:paid cheap", NOW);
    expect(parsed.text).toBe("mug cheap");
    expect([...parsed.filters.entries()]).toEqual([["status", ["paid"]]]);
  });

  it("collects several values for one key, in order", () => {
    const parsed = parseSearchQuery("status:paid status:complete currency:USD status:expired", NOW);
    expect(parsed.filters.get("status")).toEqual(["paid", "complete", "expired"]);
    expect(parsed.filters.get("currency")).toEqual(["USD"]);
  });

  it("lowercases field names but keeps values as written", () => {
    const parsed = parseSearchQuery("Status:Paid", NOW);
    expect(parsed.filters.get("status")).toEqual(["Paid"]);
    expect(parsed.filters.has("Status")).toBe(false);
  });

  it("splits on the first colon only, so values may contain colons", () => {
    const parsed = parseSearchQuery("redirect_url:https://shop.example:8080/cb", NOW);
    expect(parsed.filters.get("redirect_url")).toEqual(["https://shop.example:8080/cb"]);
  });

  it("treats a word starting with a colon as free text and an empty value as a filter for the empty string", () => {
    const parsed = parseSearchQuery(":orphan app_id:", NOW);
    expect(parsed.text).toBe(":orphan");
    expect(parsed.filters.get("app_id")).toEqual([""]);
  });

  it("treats quoted words as free text even with a colon, without the quotes", () => {
    const parsed = parseSearchQuery('"order:42" "plain" status:paid', NOW);
    expect(parsed.text).toBe("order:42 plain");
    expect([...parsed.filters.keys()]).toEqual(["status"]);
  });

  it("does not treat a lone quote character as a quoted word", () => {
    const parsed = parseSearchQuery('"', NOW);
    expect(parsed.text).toBe('"');
  });

  it("reads metadata.key:value as a metadata filter and keeps the metadata key's case", () => {
    const parsed = parseSearchQuery("metadata.orderId:A-17 metadata.orderId:A-18 metadata.channel:web", NOW);
    expect(parsed.filters.get("metadata.orderId")).toEqual(["A-17", "A-18"]);
    expect(parsed.filters.get("metadata.channel")).toEqual(["web"]);
  });

  it("ignores the created: pseudo-filter", () => {
    const parsed = parseSearchQuery("created:2024-01-01 mug", NOW);
    expect(parsed.filters.has("created")).toBe(false);
    expect(parsed.text).toBe("mug");
  });

  it.each([
    ["-1h", 1],
    ["-6h", 6],
    ["-1d", 24],
    ["-2d", 48],
    ["-1w", 24 * 7],
    ["-1m", 24 * 30],
    ["-3m", 3 * 24 * 30],
    ["-1y", 24 * 360],
  ])("reads the relative date %s as that many hours before now", (value, hours) => {
    const parsed = parseSearchQuery(`start_date:${value} end_date:${value}`, NOW);
    expect(parsed.startDate?.getTime()).toBe(NOW.getTime() - hours * HOUR);
    expect(parsed.endDate?.getTime()).toBe(NOW.getTime() - hours * HOUR);
  });

  it("reads ISO dates and date-times", () => {
    const parsed = parseSearchQuery("start_date:2024-01-02 end_date:2024-03-04T05:06:07Z", NOW);
    expect(parsed.startDate?.toISOString()).toBe("2024-01-02T00:00:00.000Z");
    expect(parsed.endDate?.toISOString()).toBe("2024-03-04T05:06:07.000Z");
  });

  it("removes the date keys from the filters, whether valid or not", () => {
    const parsed = parseSearchQuery("start_date:-1d end_date:yesterday status:paid", NOW);
    expect([...parsed.filters.keys()]).toEqual(["status"]);
  });

  it("takes the first value when a date key is given twice", () => {
    const parsed = parseSearchQuery("start_date:2024-01-01 start_date:2024-02-01", NOW);
    expect(parsed.startDate?.toISOString()).toBe("2024-01-01T00:00:00.000Z");
  });

  it.each([
    "yesterday",
    "-1x",
    "1d",
    "-d",
    "--1d",
    "-1.5d",
    "2024-13-45",
    "2024-02-30T99:00:00Z",
    "2024-01-01garbage",
    "24-01-01",
    "1700000000",
    "",
  ])("ignores the invalid date %j", (value) => {
    const parsed = parseSearchQuery(`start_date:${value} end_date:${value}`, NOW);
    expect(parsed.startDate).toBeNull();
    expect(parsed.endDate).toBeNull();
  });

  it("ignores a relative date too far back to be a date", () => {
    const parsed = parseSearchQuery("start_date:-99999999999999y end_date:-999999999999999999999d", NOW);
    expect(parsed.startDate).toBeNull();
    expect(parsed.endDate).toBeNull();
  });

  it("uses the current time when none is given", () => {
    const before = Date.now();
    const parsed = parseSearchQuery("start_date:-1h");
    const after = Date.now();
    expect(parsed.startDate!.getTime()).toBeGreaterThanOrEqual(before - HOUR);
    expect(parsed.startDate!.getTime()).toBeLessThanOrEqual(after - HOUR);
  });
});
