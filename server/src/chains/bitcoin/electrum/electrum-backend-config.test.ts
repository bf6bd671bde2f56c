import { describe, expect, it } from "vitest";
import { getCoin } from "../../coins.ts";
import { chainParams } from "./chain-params.ts";
import { ElectrumBackend, electrumBackendFor } from "./electrum-backend.ts";

describe("electrum backend configuration", () => {
  it("builds a backend from a coin definition, with its servers and header parameters", () => {
    const backend = electrumBackendFor(getCoin("LTC", "mainnet"));
    expect(backend).toBeInstanceOf(ElectrumBackend);
    expect(backend.syncInfo()).toEqual({
      backend: "electrum",
      server: getCoin("LTC", "mainnet").electrumServers[0],
      connected: false,
      height: null,
      synchronized: false,
    });
    expect(backend.chain.params.powAlgorithm).toBe("scrypt");
    const custom = electrumBackendFor(getCoin("BTC", "regtest"), {
      servers: ["127.0.0.1:50001:t"],
      checkpoints: { 5: "ab".repeat(32) },
    });
    expect(custom.syncInfo().server).toBe("tcp://127.0.0.1:50001");
    expect(custom.chain.params.checkpoints.get(5)).toBe("ab".repeat(32));
    expect(custom.chain.params.checkpoints.get(0)).toBe(chainParams("BTC", "regtest").checkpoints.get(0));
    expect(() => electrumBackendFor(getCoin("LTC", "regtest"))).toThrow(/no Electrum servers/);
    expect(electrumBackendFor(getCoin("BTC", "mainnet"), { servers: [] }).syncInfo().server).toBe(
      getCoin("BTC", "mainnet").electrumServers[0],
    );
    expect(() => new ElectrumBackend({ servers: ["http://x:1"], chain: chainParams("BTC", "mainnet") })).toThrow(
      TypeError,
    );
    expect(() => chainParams("LTC", "signet")).toThrow(RangeError);
  });

  it("rejects watched scripts that are not hex, and refuses requests while not connected", async () => {
    const backend = new ElectrumBackend({ servers: ["tcp://127.0.0.1:1"], chain: chainParams("BTC", "regtest") });
    expect(() => backend.watch(["xyz"])).toThrow(TypeError);
    expect(() => backend.watch([""])).toThrow(TypeError);
    backend.watch([`0014${"11".repeat(20)}`]);
    await expect(backend.estimateFee(2)).rejects.toMatchObject({ name: "ElectrumConnectionError" });
    await expect(backend.history("51")).rejects.toMatchObject({ name: "ElectrumConnectionError" });
  });
});
