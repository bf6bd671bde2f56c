// Addresses derived per second for each script type, on the code path the wallet pool uses.
// Run: node --import tsx bench/derive-addresses.mjs [--count 5000]
import { performance } from "node:perf_hooks";
import { deriveAddresses } from "../server/src/chains/bitcoin/addresses.ts";
import { parseWalletKey } from "../server/src/chains/bitcoin/keys.ts";
import { getCoin } from "../server/src/chains/coins.ts";

const countArg = process.argv.indexOf("--count");
const count = countArg > 0 ? Number(process.argv[countArg + 1]) : 5000;
const mnemonic = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const coin = getCoin("BTC", "mainnet");

const rows = [];
for (const purpose of [44, 49, 84, 86]) {
  const key = parseWalletKey(mnemonic, coin, { bip39Purpose: purpose, seedFormat: "bip39" });
  deriveAddresses(key, coin, 0, 0, 10); // warm-up: caches the chain node
  const runs = [];
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    deriveAddresses(key, coin, 0, 1000 + run * count, count);
    runs.push(count / ((performance.now() - start) / 1000));
  }
  runs.sort((a, b) => a - b);
  rows.push({ scriptType: key.scriptType, perSecond: Math.round(runs[1]) });
}
console.log(`| script type | addresses/s (median of 3 × ${count}) |`);
console.log("|---|---:|");
for (const row of rows) console.log(`| ${row.scriptType} | ${row.perSecond.toLocaleString("en")} |`);
