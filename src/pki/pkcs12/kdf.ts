import { hash as oneShotHash } from "node:crypto";
import type { HashName } from "./oids.js";
import { HASH_SIZES } from "./oids.js";

/** RFC 7292 Appendix B.3: the purpose byte ("ID") of a PKCS#12 key derivation. */
export const KdfPurpose = { key: 1, iv: 2, mac: 3 } as const;
export type KdfPurpose = (typeof KdfPurpose)[keyof typeof KdfPurpose];

/**
 * The password as the PKCS#12 KDF wants it (RFC 7292 B.1): a BMPString, i.e. UTF-16 big-endian
 * code units followed by two zero bytes. Characters beyond the BMP become surrogate pairs, as
 * OpenSSL's UTF-8 to UTF-16 conversion produces them.
 */
export function bmpPassword(password: string): Uint8Array {
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const unit = password.charCodeAt(i);
    out[2 * i] = unit >>> 8;
    out[2 * i + 1] = unit & 0xff;
  }
  return out;
}

/** Hashing iterations between yields to the event loop, so long derivations do not block it. */
const ITERATIONS_PER_SLICE = 20_000;

export interface Pkcs12KdfInput {
  readonly hash: HashName;
  /** Already encoded (see `bmpPassword`); may be empty for the "absent" password. */
  readonly password: Uint8Array;
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly purpose: KdfPurpose;
  readonly length: number;
}

/** RFC 7292 Appendix B.2 key derivation (async: yields every few thousand hash iterations). */
export async function pkcs12Kdf(input: Pkcs12KdfInput): Promise<Uint8Array> {
  const { u, v } = HASH_SIZES[input.hash];
  const { hash, iterations, length } = input;
  // Steps 1-4: D = ID repeated; I = S || P, each repeated to a multiple of v bytes.
  const d = new Uint8Array(v).fill(input.purpose);
  const s = repeatToMultiple(input.salt, v);
  const p = repeatToMultiple(input.password, v);
  const i = new Uint8Array(s.length + p.length);
  i.set(s, 0);
  i.set(p, s.length);
  const blocks = Math.ceil(length / u);
  const out = new Uint8Array(blocks * u);
  const di = new Uint8Array(v + i.length);
  di.set(d, 0);
  let budget = ITERATIONS_PER_SLICE;
  for (let block = 0; block < blocks; block++) {
    // Step 6a: A = H^r(D || I).
    di.set(i, v);
    let a: Uint8Array = oneShotHash(hash, di, "buffer");
    for (let r = 1; r < iterations; r++) {
      a = oneShotHash(hash, a, "buffer");
      if (--budget === 0) {
        budget = ITERATIONS_PER_SLICE;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    out.set(a, block * u);
    if (block + 1 === blocks) break;
    // Steps 6b-6c: B = A repeated to v bytes; each v-byte block Ij of I becomes (Ij + B + 1) mod 2^(8v).
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (i[j + k] as number) + (a[k % u] as number) + carry;
        i[j + k] = sum & 0xff;
        carry = sum >>> 8;
      }
    }
  }
  return out.subarray(0, length);
}

function repeatToMultiple(bytes: Uint8Array, v: number): Uint8Array {
  if (bytes.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(v * Math.ceil(bytes.length / v));
  for (let k = 0; k < out.length; k++) out[k] = bytes[k % bytes.length] as number;
  return out;
}
