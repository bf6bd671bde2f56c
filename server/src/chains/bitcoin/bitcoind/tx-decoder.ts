/**
 * Decoder for raw Bitcoin/Litecoin transactions and blocks: only what a payment watcher needs (txid, spent outpoints,
 * sequence numbers, output scripts and values). Handles legacy and segwit (BIP144) serialisation, and Litecoin's
 * MWEB extensions: the MWEB flag (0x08) on transactions and the extension block after a block's transactions.
 */
import { createHash } from "node:crypto";

export class TxDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TxDecodeError";
  }
}

export interface TxInput {
  /** Txid of the spent transaction (display order hex). All zeros for a coinbase. */
  prevTxid: string;
  prevVout: number;
  sequence: number;
}

export interface TxOutput {
  /** scriptPubKey, hex. */
  script: string;
  /** Base units (satoshi/litoshi). */
  value: bigint;
}

export interface DecodedTransaction {
  txid: string;
  inputs: TxInput[];
  outputs: TxOutput[];
  /** BIP125 opt-in signal: some input has nSequence < 0xfffffffe. */
  rbf: boolean;
  coinbase: boolean;
  /**
   * The transaction carries Litecoin MWEB data (the 0x08 flag with a body). When it has no canonical inputs and
   * outputs it is MWEB-only and its real id is the MWEB hash, which this decoder does not compute: use the id the
   * node reported.
   */
  mweb: boolean;
}

export interface DecodedBlockHeader {
  hash: string;
  prevHash: string;
  merkleRoot: string;
  time: number;
}

export interface DecodedBlock extends DecodedBlockHeader {
  transactions: DecodedTransaction[];
}

const ZERO_TXID = "0".repeat(64);
const FLAG_WITNESS = 0x01;
const FLAG_MWEB = 0x08;

function toBuffer(raw: Uint8Array | string): Buffer {
  if (typeof raw === "string") {
    if (raw.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(raw)) throw new TxDecodeError("raw data is not hex");
    return Buffer.from(raw, "hex");
  }
  return Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
}

function dsha256(...parts: Uint8Array[]): Buffer {
  const first = createHash("sha256");
  for (const part of parts) first.update(part);
  return createHash("sha256").update(first.digest()).digest();
}

/** Hex of `bytes` in reverse order (hash display order). */
function reversedHex(buf: Buffer, start: number, length: number): string {
  const copy = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) copy[i] = buf[start + length - 1 - i]!;
  return copy.toString("hex");
}

class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  need(n: number): void {
    if (this.pos + n > this.buf.length)
      throw new TxDecodeError(`unexpected end of data at byte ${this.pos} (needed ${n})`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  varint(): number {
    const first = this.u8();
    if (first < 0xfd) return first;
    if (first === 0xfd) {
      this.need(2);
      const v = this.buf.readUInt16LE(this.pos);
      this.pos += 2;
      return v;
    }
    if (first === 0xfe) return this.u32();
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new TxDecodeError("varint too large");
    return Number(v);
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** A count of items each at least `minItemBytes` long: rejects counts the remaining data cannot hold. */
  count(minItemBytes: number): number {
    const n = this.varint();
    if (n * minItemBytes > this.buf.length - this.pos) throw new TxDecodeError(`count ${n} exceeds the remaining data`);
    return n;
  }
}

/**
 * Decodes one transaction at the reader's position. `standalone` means the transaction is the whole buffer, so
 * MWEB data (whose length this decoder does not parse) can be skipped: nLockTime is then the last four bytes.
 */
function readTransaction(r: Reader, standalone: boolean): DecodedTransaction {
  const buf = r.buf;
  const start = r.pos;
  r.skip(4); // version
  let flags = 0;
  if (r.pos + 1 < buf.length && buf[r.pos] === 0x00 && buf[r.pos + 1] !== 0x00) {
    flags = buf[r.pos + 1]!;
    r.pos += 2;
    if ((flags & ~(FLAG_WITNESS | FLAG_MWEB)) !== 0)
      throw new TxDecodeError(`unknown transaction flags 0x${flags.toString(16)}`);
  }
  const bodyStart = r.pos;

  const inputCount = r.count(41);
  const inputs: TxInput[] = new Array(inputCount);
  let rbf = false;
  for (let i = 0; i < inputCount; i++) {
    r.need(36);
    const prevTxid = reversedHex(buf, r.pos, 32);
    const prevVout = buf.readUInt32LE(r.pos + 32);
    r.pos += 36;
    r.skip(r.varint()); // scriptSig
    const sequence = r.u32();
    if (sequence < 0xfffffffe) rbf = true;
    inputs[i] = { prevTxid, prevVout, sequence };
  }

  const outputCount = r.count(9);
  const outputs: TxOutput[] = new Array(outputCount);
  for (let i = 0; i < outputCount; i++) {
    const value = r.u64();
    const length = r.varint();
    r.need(length);
    outputs[i] = { value, script: buf.toString("hex", r.pos, r.pos + length) };
    r.pos += length;
  }
  const bodyEnd = r.pos;

  if (flags & FLAG_WITNESS) {
    for (let i = 0; i < inputCount; i++) {
      const items = r.count(1);
      for (let j = 0; j < items; j++) r.skip(r.varint());
    }
  }

  let mweb = false;
  if (flags & FLAG_MWEB) {
    // An optional MWEB transaction body: 0x00 = absent (e.g. the HogEx of a block), otherwise a body we do not parse.
    const present = r.u8();
    if (present !== 0) {
      if (!standalone) throw new TxDecodeError("transaction with an MWEB body inside a block: cannot find its end");
      mweb = true;
      if (buf.length - r.pos < 4) throw new TxDecodeError("unexpected end of data in MWEB transaction");
      r.pos = buf.length - 4;
    }
  }
  r.need(4);
  const lockTime = buf.subarray(r.pos, r.pos + 4);
  r.pos += 4;

  const hash =
    flags === 0
      ? dsha256(buf.subarray(start, r.pos))
      : dsha256(buf.subarray(start, start + 4), buf.subarray(bodyStart, bodyEnd), lockTime);
  const coinbase = inputCount === 1 && inputs[0]!.prevTxid === ZERO_TXID && inputs[0]!.prevVout === 0xffffffff;
  return { txid: reversedHex(hash, 0, 32), inputs, outputs, rbf: rbf && !coinbase, coinbase, mweb };
}

/** Decodes a raw transaction (hex or bytes), legacy or segwit, with or without Litecoin MWEB data. */
export function decodeTransaction(raw: Uint8Array | string): DecodedTransaction {
  const buf = toBuffer(raw);
  const r = new Reader(buf);
  const tx = readTransaction(r, true);
  if (r.pos !== buf.length) throw new TxDecodeError(`${buf.length - r.pos} trailing bytes after the transaction`);
  return tx;
}

function readHeader(buf: Buffer): DecodedBlockHeader {
  if (buf.length < 80) throw new TxDecodeError("block header shorter than 80 bytes");
  const hash = dsha256(buf.subarray(0, 80));
  return {
    hash: reversedHex(hash, 0, 32),
    prevHash: reversedHex(buf, 4, 32),
    merkleRoot: reversedHex(buf, 36, 32),
    time: buf.readUInt32LE(68),
  };
}

export function decodeBlockHeader(raw: Uint8Array | string): DecodedBlockHeader {
  return readHeader(toBuffer(raw));
}

/**
 * Decodes a raw block (as `getblock <hash> 0` returns it). Data after the last transaction (Litecoin's MWEB
 * extension block) is ignored: it carries no canonical outputs.
 */
export function decodeBlock(raw: Uint8Array | string): DecodedBlock {
  const buf = toBuffer(raw);
  const header = readHeader(buf);
  const r = new Reader(buf, 80);
  const count = r.count(60);
  const transactions: DecodedTransaction[] = new Array(count);
  for (let i = 0; i < count; i++) transactions[i] = readTransaction(r, false);
  return { ...header, transactions };
}
