// Block scan of the bitcoind backend: decode a raw 3,000-transaction block and match every output against a
// set of 100,000 watched scripts (plus the conflict lookup of every input), as the backend does for each new block.
//
//   node --expose-gc --import tsx bench/chain-scan.mjs [--txs 3000] [--watched 100000] [--runs 30]
//
// Prints median / p95 / max milliseconds per block and the heap cost per watched script. Results: bench/CHAIN.md.
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { findWatchedOutputs } from "../server/src/chains/bitcoin/bitcoind/bitcoind-backend.ts";
import { decodeBlock } from "../server/src/chains/bitcoin/bitcoind/tx-decoder.ts";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TXS = arg("txs", 3000);
const WATCHED = arg("watched", 100_000);
const RUNS = arg("runs", 30);
const WARMUP = 5;
const MATCHING = 5;
const TRACKED_INPUTS = 1000;

const varint = (n) => (n < 0xfd ? Buffer.from([n]) : Buffer.from([0xfd, n & 0xff, n >> 8]));
const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const u64 = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};
/** A random output script: mostly P2WPKH, some P2TR, P2PKH and P2SH, like a real block. */
function randomScript() {
  const r = Math.random();
  if (r < 0.6) return Buffer.concat([Buffer.from([0x00, 0x14]), randomBytes(20)]);
  if (r < 0.8) return Buffer.concat([Buffer.from([0x51, 0x20]), randomBytes(32)]);
  if (r < 0.9) return Buffer.concat([Buffer.from([0x76, 0xa9, 0x14]), randomBytes(20), Buffer.from([0x88, 0xac])]);
  return Buffer.concat([Buffer.from([0xa9, 0x14]), randomBytes(20), Buffer.from([0x87])]);
}

/** A segwit transaction: 1 input (P2WPKH-style witness), 2 outputs. */
function transaction(scripts, coinbase = false) {
  const parts = [u32(2), Buffer.from([0x00, 0x01]), varint(1)];
  parts.push(coinbase ? Buffer.alloc(32) : randomBytes(32), u32(coinbase ? 0xffffffff : Math.floor(Math.random() * 4)));
  const scriptSig = coinbase ? Buffer.from([0x03, 0x01, 0x02, 0x03]) : Buffer.alloc(0);
  parts.push(varint(scriptSig.length), scriptSig, u32(0xfffffffd));
  parts.push(varint(scripts.length));
  for (const script of scripts)
    parts.push(u64(BigInt(1000 + Math.floor(Math.random() * 1e8))), varint(script.length), script);
  parts.push(varint(2), varint(72), randomBytes(72), varint(33), randomBytes(33));
  parts.push(u32(0));
  return Buffer.concat(parts);
}

function block(txCount, matchingScripts) {
  const header = Buffer.concat([
    u32(0x20000000),
    randomBytes(32),
    randomBytes(32),
    u32(1_700_000_000),
    u32(0x207fffff),
    u32(0),
  ]);
  const txs = [transaction([randomScript(), randomScript()], true)];
  const matchAt = new Set(
    matchingScripts.map((_, i) => Math.floor(((i + 1) * txCount) / (matchingScripts.length + 1))),
  );
  let m = 0;
  for (let i = 1; i < txCount; i++) {
    const scripts = [randomScript(), randomScript()];
    if (matchAt.has(i)) scripts[0] = matchingScripts[m++];
    txs.push(transaction(scripts));
  }
  return Buffer.concat([header, varint(txCount), ...txs]);
}

function heapUsed() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

// The watched set, measured on its own: hex scriptPubKeys as the backend stores them.
const before = heapUsed();
const watched = new Set();
for (let i = 0; i < WATCHED; i++)
  watched.add(Buffer.concat([Buffer.from([0x00, 0x14]), randomBytes(20)]).toString("hex"));
const after = heapUsed();
const bytesPerScript = (after - before) / WATCHED;

const matching = [...watched].slice(0, MATCHING).map((hex) => Buffer.from(hex, "hex"));
const raw = block(TXS, matching);
// What the RPC answer carries: the block as hex inside a JSON-RPC envelope.
const body = JSON.stringify({ result: raw.toString("hex"), error: null, id: 1 });

// Inputs of tracked unconfirmed transactions, looked up for every input of the block (conflict detection).
const spentBy = new Map();
for (let i = 0; i < TRACKED_INPUTS; i++)
  spentBy.set(`${randomBytes(32).toString("hex")}:0`, randomBytes(32).toString("hex"));

function scan() {
  const hex = JSON.parse(body).result;
  const decoded = decodeBlock(hex);
  let found = 0;
  let conflicts = 0;
  for (const tx of decoded.transactions) {
    if (!tx.coinbase)
      for (const input of tx.inputs) if (spentBy.has(`${input.prevTxid}:${input.prevVout}`)) conflicts++;
    found += findWatchedOutputs(tx, watched, 800_000, decoded.hash).length;
  }
  return { found, conflicts, txs: decoded.transactions.length };
}

const times = [];
let result;
for (let i = 0; i < WARMUP + RUNS; i++) {
  const t0 = process.hrtime.bigint();
  result = scan();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (i >= WARMUP) times.push(ms);
}
if (result.found !== MATCHING || result.txs !== TXS)
  throw new Error(`scan found ${result.found} of ${MATCHING} payments in ${result.txs} txs`);
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];

console.log(
  `block: ${TXS} txs, ${TXS * 2} outputs, ${(raw.length / 1024).toFixed(0)} KiB raw (${(body.length / 1024).toFixed(0)} KiB JSON)`,
);
console.log(`watched scripts: ${WATCHED} (${MATCHING} paid in the block), ${TRACKED_INPUTS} tracked inputs`);
console.log(`scan (JSON parse + decode + txids + match), ${RUNS} runs after ${WARMUP} warm-up:`);
console.log(
  `  median ${pct(50).toFixed(2)} ms   p95 ${pct(95).toFixed(2)} ms   max ${times.at(-1).toFixed(2)} ms   min ${times[0].toFixed(2)} ms`,
);
console.log(
  globalThis.gc
    ? `watched set heap: ${((after - before) / 1024 / 1024).toFixed(1)} MiB = ${bytesPerScript.toFixed(0)} bytes per script`
    : "watched set heap: run with --expose-gc for a stable figure",
);
console.log(
  `rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB; node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
);
