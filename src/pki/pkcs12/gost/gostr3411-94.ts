import type { RoundTables } from "./gost28147.js";
import { cryptWords, roundTables } from "./gost28147.js";
import type { SBox } from "./sboxes.js";

/**
 * The GOST R 34.11-94 hash function (RFC 5831): 256-bit blocks, a 256-bit result, and a step
 * function built from four GOST 28147-89 encryptions. Bytes are read as little-endian 256-bit
 * numbers (the first byte holds the lowest bits), the convention of RFC 5831's examples, of
 * RFC 4490 and of every GOST PKCS#12 file. The starting value H0 is zero (RFC 4357 §11.2).
 */

export const GOSTR3411_94_BLOCK_BYTES = 32;
export const GOSTR3411_94_DIGEST_BYTES = 32;

/** C3 of RFC 5831 §6.1 (C2 = C4 = 0), as little-endian bytes. */
const C3 = Uint8Array.from([
  0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00,
  0x00, 0xff, 0xff, 0x00, 0xff, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0xff,
]);

/**
 * ψ (RFC 5831 §6.3) on sixteen 16-bit words y16..y1: shift down one word and put
 * y1 ⊕ y2 ⊕ y3 ⊕ y4 ⊕ y13 ⊕ y16 on top. It is linear, so ψ^n is precomputed as, per output word,
 * the list of input words XORed into it: `starts[w]..starts[w+1]` index `sources`.
 */
interface PsiPower {
  readonly starts: Uint8Array;
  readonly sources: Uint8Array;
}

function psiPower(n: number): PsiPower {
  let masks = Array.from({ length: 16 }, (_, word) => 1 << word);
  for (let step = 0; step < n; step++) {
    const top = masks[0]! ^ masks[1]! ^ masks[2]! ^ masks[3]! ^ masks[12]! ^ masks[15]!;
    masks = [...masks.slice(1), top];
  }
  const starts = new Uint8Array(17);
  const sources: number[] = [];
  for (let word = 0; word < 16; word++) {
    starts[word] = sources.length;
    for (let source = 0; source < 16; source++) if ((masks[word]! >>> source) & 1) sources.push(source);
  }
  starts[16] = sources.length;
  return { starts, sources: Uint8Array.from(sources) };
}

// The mixing step ψ^61(H ⊕ ψ(M ⊕ ψ^12(S))) equals ψ^61(H) ⊕ ψ^62(M) ⊕ ψ^74(S).
const PSI_61 = psiPower(61);
const PSI_62 = psiPower(62);
const PSI_74 = psiPower(74);

/** out ^= ψ^n(input); the two bytes of a 16-bit word move together. */
function xorPsi(power: PsiPower, input: Uint8Array, out: Uint8Array): void {
  const { starts, sources } = power;
  for (let word = 0; word < 16; word++) {
    let low = 0;
    let high = 0;
    for (let k = starts[word]!, end = starts[word + 1]!; k < end; k++) {
      const source = sources[k]! << 1;
      low ^= input[source]!;
      high ^= input[source + 1]!;
    }
    out[2 * word] = out[2 * word]! ^ low;
    out[2 * word + 1] = out[2 * word + 1]! ^ high;
  }
}

/** A(Y) of RFC 5831 §6.1 on Y = y4‖y3‖y2‖y1 (64-bit words): (y1 ⊕ y2)‖y4‖y3‖y2. */
function transformA(y: Uint8Array, out: Uint8Array): void {
  for (let i = 0; i < 8; i++) {
    const y1 = y[i]!;
    const y2 = y[8 + i]!;
    out[i] = y2;
    out[8 + i] = y[16 + i]!;
    out[16 + i] = y[24 + i]!;
    out[24 + i] = y1 ^ y2;
  }
}

/** P(Y) of RFC 5831 §6.1: byte φ(i + 1 + 4(k − 1)) = 8i + k, i = 0..3, k = 1..8. */
function transformP(y: Uint8Array, out: Uint8Array): void {
  for (let i = 0; i < 4; i++) for (let k = 0; k < 8; k++) out[i + 4 * k] = y[8 * i + k]!;
}

const readWord = (bytes: Uint8Array, offset: number): number =>
  (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;

/** Scratch space of one step function, reused across calls (the hash is synchronous). */
class StepScratch {
  readonly u = new Uint8Array(32);
  readonly v = new Uint8Array(32);
  readonly w = new Uint8Array(32);
  readonly t = new Uint8Array(32);
  readonly s = new Uint8Array(32);
  readonly key = new Uint32Array(8);
  readonly halves = new Uint32Array(2);
  readonly next = new Uint8Array(32);
}

/** The step function f(H, M) of RFC 5831 §6, writing the new H over `h`. */
function step(tables: RoundTables, h: Uint8Array, m: Uint8Array, x: StepScratch): void {
  const { u, v, w, t, s, key, halves, next } = x;
  u.set(h);
  v.set(m);
  for (let j = 0; j < 4; j++) {
    if (j > 0) {
      // U = A(U) ⊕ Cj (C3 at j = 2), V = A(A(V)).
      transformA(u, t);
      u.set(t);
      if (j === 2) for (let i = 0; i < 32; i++) u[i] = u[i]! ^ C3[i]!;
      transformA(v, t);
      transformA(t, v);
    }
    for (let i = 0; i < 32; i++) w[i] = u[i]! ^ v[i]!;
    transformP(w, t); // the key Kj
    for (let i = 0; i < 8; i++) key[i] = readWord(t, 4 * i);
    // §6.2: s_j = E_Kj(h_j), h_j the j-th 64-bit word of H from the low end.
    cryptWords(tables, key, readWord(h, 8 * j), readWord(h, 8 * j + 4), false, halves);
    for (let b = 0; b < 4; b++) {
      s[8 * j + b] = (halves[0]! >>> (8 * b)) & 0xff;
      s[8 * j + 4 + b] = (halves[1]! >>> (8 * b)) & 0xff;
    }
  }
  next.fill(0);
  xorPsi(PSI_61, h, next);
  xorPsi(PSI_62, m, next);
  xorPsi(PSI_74, s, next);
  h.set(next);
}

/** Σ = Σ + M mod 2^256 (little-endian). */
function addTo(sum: Uint8Array, block: Uint8Array): void {
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    carry += sum[i]! + block[i]!;
    sum[i] = carry & 0xff;
    carry >>>= 8;
  }
}

const TABLES = new WeakMap<SBox, RoundTables>();
function tablesFor(sbox: SBox): RoundTables {
  let tables = TABLES.get(sbox);
  if (tables === undefined) {
    tables = roundTables(sbox);
    TABLES.set(sbox, tables);
  }
  return tables;
}

/** An incremental GOST R 34.11-94 computation with one S-box set (its "hash parameters"). */
export class Gostr341194 {
  private readonly tables: RoundTables;
  private readonly h = new Uint8Array(32);
  private readonly sigma = new Uint8Array(32);
  private readonly pending = new Uint8Array(32);
  private pendingBytes = 0;
  private totalBytes = 0;
  private readonly scratch: StepScratch;

  constructor(
    private readonly sbox: SBox,
    scratch?: StepScratch,
  ) {
    this.tables = tablesFor(sbox);
    this.scratch = scratch ?? new StepScratch();
  }

  update(data: Uint8Array): this {
    let offset = 0;
    this.totalBytes += data.length;
    if (this.pendingBytes > 0) {
      const take = Math.min(32 - this.pendingBytes, data.length);
      this.pending.set(data.subarray(0, take), this.pendingBytes);
      this.pendingBytes += take;
      offset = take;
      if (this.pendingBytes < 32) return this;
      this.absorb(this.pending);
      this.pendingBytes = 0;
    }
    for (; offset + 32 <= data.length; offset += 32) this.absorb(data.subarray(offset, offset + 32));
    if (offset < data.length) {
      this.pending.set(data.subarray(offset));
      this.pendingBytes = data.length - offset;
    }
    return this;
  }

  /** RFC 5831 §7: pad the last block with zeros, then f(H, L) and f(H, Σ). Leaves this object spent. */
  digest(): Uint8Array {
    if (this.pendingBytes > 0) {
      this.pending.fill(0, this.pendingBytes);
      this.absorb(this.pending);
      this.pendingBytes = 0;
    }
    const length = new Uint8Array(32);
    for (let bits = this.totalBytes * 8, i = 0; bits > 0; bits = Math.floor(bits / 256), i++) length[i] = bits % 256;
    step(this.tables, this.h, length, this.scratch);
    step(this.tables, this.h, this.sigma, this.scratch);
    return Uint8Array.from(this.h);
  }

  /** A copy of the state so far (HMAC keeps its keyed states this way). */
  copy(): Gostr341194 {
    const twin = new Gostr341194(this.sbox, this.scratch);
    twin.h.set(this.h);
    twin.sigma.set(this.sigma);
    twin.pending.set(this.pending);
    twin.pendingBytes = this.pendingBytes;
    twin.totalBytes = this.totalBytes;
    return twin;
  }

  private absorb(block: Uint8Array): void {
    step(this.tables, this.h, block, this.scratch);
    addTo(this.sigma, block);
  }
}

/** GOST R 34.11-94 of `data` with the given hash parameters. */
export function gostr341194(data: Uint8Array, sbox: SBox): Uint8Array {
  return new Gostr341194(sbox).update(data).digest();
}
