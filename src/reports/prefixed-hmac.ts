// HMAC-SHA256 of (a fixed prefix + a short suffix) under one key, in JavaScript: the click token
// is signed once per message (two HMACs), and node:crypto's createHmac costs a few microseconds
// per call in object set-up alone, more than the hashing. Here the key's inner and outer pads
// and the prefix's whole blocks are hashed once; a message costs the one or two blocks left.
// The result is byte for byte createHmac's (test/unit/click-token.test.ts checks it).
import { createHash } from 'node:crypto';

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74,
  0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d,
  0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e,
  0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
  0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INITIAL = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const BLOCK = 64;
const W = new Int32Array(64);

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** One SHA-256 compression of `block[at .. at + 64)` into `state`. */
function compress(state: Int32Array, block: Uint8Array, at: number): void {
  for (let t = 0; t < 16; t++) {
    const i = at + t * 4;
    W[t] = (block[i]! << 24) | (block[i + 1]! << 16) | (block[i + 2]! << 8) | block[i + 3]!;
  }
  for (let t = 16; t < 64; t++) {
    const x = W[t - 15]!;
    const y = W[t - 2]!;
    W[t] = (W[t - 16]! + (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) + W[t - 7]! + (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10))) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let t = 0; t < 64; t++) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t]! + W[t]!) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/**
 * Hashes `data[0 .. length)` on from `start` (a state after `done` bytes, a multiple of 64),
 * with SHA-256's padding, into `out` (32 bytes). `data` needs room for the padding: length + 72.
 */
const STATE = new Int32Array(8);

function finish(start: Int32Array, done: number, data: Uint8Array, length: number, out: Uint8Array): void {
  const state = STATE;
  for (let i = 0; i < 8; i++) state[i] = start[i]!;
  let at = 0;
  for (; at + BLOCK <= length; at += BLOCK) compress(state, data, at);
  const rest = length - at;
  const blocks = rest < 56 ? 1 : 2;
  data[length] = 0x80;
  data.fill(0, length + 1, at + blocks * BLOCK);
  const bits = (done + length) * 8;
  const end = at + blocks * BLOCK;
  // Messages here are far below 2^32 bits: the high word of the length is zero.
  data[end - 8] = 0;
  data[end - 7] = 0;
  data[end - 6] = 0;
  data[end - 5] = 0;
  data[end - 4] = bits >>> 24;
  data[end - 3] = (bits >>> 16) & 0xff;
  data[end - 2] = (bits >>> 8) & 0xff;
  data[end - 1] = bits & 0xff;
  compress(state, data, at);
  if (blocks === 2) compress(state, data, at + BLOCK);
  for (let i = 0; i < 8; i++) {
    const v = state[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = (v >>> 16) & 0xff;
    out[i * 4 + 2] = (v >>> 8) & 0xff;
    out[i * 4 + 3] = v & 0xff;
  }
}

/** HMAC-SHA256(key, prefix + suffix) for any number of suffixes; not for concurrent use of one instance's result. */
export class PrefixedHmac {
  private readonly inner = INITIAL.slice();
  private readonly outer = INITIAL.slice();
  /** Bytes hashed into `inner` so far (the pad and the prefix's whole blocks). */
  private readonly done: number;
  /** The prefix's bytes after its whole blocks, then the suffix, then room for the padding. */
  private readonly scratch: Uint8Array;
  private readonly carried: number;
  private readonly innerDigest = new Uint8Array(32 + 72);
  /** The digest of the last call (overwritten by the next). */
  readonly digest = new Uint8Array(32);

  constructor(key: Buffer, prefix: Buffer, maxSuffix = 256) {
    // HMAC (RFC 2104): a key longer than a block is hashed first.
    const k = Buffer.alloc(BLOCK);
    (key.length > BLOCK ? createHash('sha256').update(key).digest() : key).copy(k);
    const pad = Buffer.alloc(BLOCK);
    for (let i = 0; i < BLOCK; i++) pad[i] = k[i]! ^ 0x36;
    compress(this.inner, pad, 0);
    for (let i = 0; i < BLOCK; i++) pad[i] = k[i]! ^ 0x5c;
    compress(this.outer, pad, 0);
    const whole = Math.floor(prefix.length / BLOCK) * BLOCK;
    for (let at = 0; at < whole; at += BLOCK) compress(this.inner, prefix, at);
    this.done = BLOCK + whole;
    this.carried = prefix.length - whole;
    this.scratch = new Uint8Array(this.carried + maxSuffix + 2 * BLOCK);
    this.scratch.set(prefix.subarray(whole));
  }

  /** HMAC of prefix + suffix[0 .. length), into `this.digest` (returned). */
  compute(suffix: Uint8Array, length = suffix.length): Uint8Array {
    if (this.carried + length + 2 * BLOCK > this.scratch.length) throw new Error(`PrefixedHmac: a suffix of ${length} bytes is longer than it was made for`);
    // Suffixes are a few dozen bytes: a loop beats a typed-array view and set().
    for (let i = 0; i < length; i++) this.scratch[this.carried + i] = suffix[i]!;
    finish(this.inner, this.done, this.scratch, this.carried + length, this.innerDigest);
    finish(this.outer, BLOCK, this.innerDigest, 32, this.digest);
    return this.digest;
  }
}
