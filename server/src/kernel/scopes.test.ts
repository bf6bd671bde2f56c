import { describe, expect, it } from "vitest";
import { baseScope, canGrant, isKnownPermission, missingScope, SCOPES } from "./scopes.ts";

describe("scope names", () => {
  it("are Bitcart's thirteen scopes", () => {
    expect([...SCOPES].sort()).toEqual(
      [
        "server_management",
        "token_management",
        "wallet_management",
        "store_management",
        "discount_management",
        "product_management",
        "invoice_management",
        "payout_management",
        "notification_management",
        "template_management",
        "file_management",
        "metrics_management",
        "full_control",
      ].sort(),
    );
  });

  it("recognise plain and selective permissions, and nothing else", () => {
    expect(baseScope("store_management:01ABC")).toBe("store_management");
    expect(baseScope("store_management")).toBe("store_management");
    expect(isKnownPermission("store_management")).toBe(true);
    expect(isKnownPermission("store_management:01ABC")).toBe(true);
    expect(isKnownPermission("make_coffee")).toBe(false);
    expect(isKnownPermission("make_coffee:store_management")).toBe(false);
    expect(isKnownPermission("")).toBe(false);
  });
});

describe("missingScope", () => {
  it("is null when nothing is required", () => {
    expect(missingScope([], false, [])).toBeNull();
  });

  it("is null when every required scope is held", () => {
    expect(missingScope(["store_management", "wallet_management"], false, ["store_management"])).toBeNull();
    expect(
      missingScope(["store_management", "wallet_management"], false, ["wallet_management", "store_management"]),
    ).toBeNull();
  });

  it("names the first required scope that is not held", () => {
    expect(
      missingScope(["store_management"], false, ["store_management", "wallet_management", "product_management"]),
    ).toBe("wallet_management");
    expect(missingScope([], false, ["invoice_management"])).toBe("invoice_management");
  });

  it("lets full_control stand for every scope", () => {
    expect(missingScope(["full_control"], false, ["store_management", "wallet_management"])).toBeNull();
    expect(missingScope(["full_control"], false, ["token_management"], "01OBJECT")).toBeNull();
  });

  it("grants a selective scope:id for that object only", () => {
    const held = ["store_management:01STORE"];
    expect(missingScope(held, false, ["store_management"], "01STORE")).toBeNull();
    expect(missingScope(held, false, ["store_management"], "01OTHER")).toBe("store_management");
    expect(missingScope(held, false, ["store_management"])).toBe("store_management");
  });

  it("does not let a selective permission of one scope stand for another", () => {
    expect(missingScope(["wallet_management:01STORE"], false, ["store_management"], "01STORE")).toBe(
      "store_management",
    );
  });

  it("requires every scope of a route, each held plainly or for the object", () => {
    const held = ["store_management:01STORE", "wallet_management"];
    expect(missingScope(held, false, ["wallet_management", "store_management"], "01STORE")).toBeNull();
    expect(missingScope(held, false, ["wallet_management", "store_management"], "01OTHER")).toBe("store_management");
  });

  it("requires a superuser for server_management, whatever the token holds", () => {
    expect(missingScope(["full_control"], false, ["server_management"])).toBe("server_management");
    expect(missingScope(["server_management"], false, ["server_management"])).toBe("server_management");
    expect(missingScope(["full_control"], false, ["store_management", "server_management"])).toBe("server_management");
  });

  it("requires the scope too for a superuser's server_management", () => {
    expect(missingScope(["server_management"], true, ["server_management"])).toBeNull();
    expect(missingScope(["full_control"], true, ["server_management"])).toBeNull();
    expect(missingScope(["store_management"], true, ["server_management"])).toBe("server_management");
    expect(missingScope([], true, ["server_management"])).toBe("server_management");
  });
});

describe("canGrant", () => {
  it("lets full_control grant anything", () => {
    expect(canGrant(["full_control"], ["full_control"])).toBe(true);
    expect(canGrant(["full_control"], ["server_management", "store_management:01X"])).toBe(true);
  });

  it("always allows a token with no permissions", () => {
    expect(canGrant([], [])).toBe(true);
    expect(canGrant(["store_management"], [])).toBe(true);
  });

  it("allows a subset and refuses anything beyond it", () => {
    const held = ["store_management", "wallet_management"];
    expect(canGrant(held, ["store_management"])).toBe(true);
    expect(canGrant(held, ["store_management", "wallet_management"])).toBe(true);
    expect(canGrant(held, ["store_management", "invoice_management"])).toBe(false);
    expect(canGrant(held, ["full_control"])).toBe(false);
  });

  it("lets a plain scope grant a selective one, but not the reverse", () => {
    expect(canGrant(["store_management"], ["store_management:01STORE"])).toBe(true);
    expect(canGrant(["store_management:01STORE"], ["store_management"])).toBe(false);
  });

  it("lets a selective permission grant itself only", () => {
    expect(canGrant(["store_management:01STORE"], ["store_management:01STORE"])).toBe(true);
    expect(canGrant(["store_management:01STORE"], ["store_management:01OTHER"])).toBe(false);
    expect(canGrant(["store_management:01STORE"], ["wallet_management:01STORE"])).toBe(false);
  });
});
