import { hash as oneShotHash } from "node:crypto";
import type { HashName } from "./oids.js";
import { HASH_SIZES } from "./oids.js";
import { iterateSha1, iterateSha224, iterateSha256 } from "./sha-iterate.js";
import { THREAD_MIN_ITERATIONS, iterateOnThread } from "./kdf-threads.js";

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

/** Hashing iterations between yields to the event loop (a few milliseconds), so long derivations do not block it. */
const ITERATIONS_PER_SLICE = 50_000;

/**
 * Unrolled in-place iterations of the hashes a PKCS#12 KDF uses in practice (sha-iterate.ts):
 * SHA-1 for every PBE scheme of RFC 7292 Appendix C and old MACs, SHA-256 for OpenSSL 3 and
 * JDK MACs. The others go through node:crypto, one call per iteration.
 */
const ITERATE: Partial<Record<HashName, (state: Int32Array, count: number) => void>> = {
  sha1: iterateSha1,
  sha224: iterateSha224,
  sha256: iterateSha256,
};

/** A = H^count(A) for a digest-sized A (RFC 7292 B.2 step 6a after the first hash). */
async function iterateHash(hash: HashName, digest: Uint8Array, count: number): Promise<Uint8Array> {
  const fast = ITERATE[hash];
  if (fast === undefined) {
    let a = digest;
    for (let done = 0; done < count; done++) {
      a = oneShotHash(hash, a, "buffer");
      if ((done + 1) % ITERATIONS_PER_SLICE === 0) await nextTurn();
    }
    return a;
  }
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  let state: Int32Array = new Int32Array(digest.length / 4);
  for (let k = 0; k < state.length; k++) state[k] = view.getInt32(4 * k);
  // Long runs go to a worker thread (kdf-threads.ts), so the read's other derivations run beside them.
  const threaded = count >= THREAD_MIN_ITERATIONS ? await iterateOnThread(hash, state, count) : null;
  if (threaded !== null) state = threaded;
  for (let done = threaded === null ? 0 : count; done < count; ) {
    const slice = Math.min(ITERATIONS_PER_SLICE, count - done);
    fast(state, slice);
    done += slice;
    if (done < count) await nextTurn();
  }
  const out = new Uint8Array(digest.length);
  const outView = new DataView(out.buffer);
  for (let k = 0; k < state.length; k++) outView.setInt32(4 * k, state[k] as number);
  return out;
}

const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

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
  for (let block = 0; block < blocks; block++) {
    // Step 6a: A = H^r(D || I).
    di.set(i, v);
    const a = await iterateHash(hash, new Uint8Array(oneShotHash(hash, di, "buffer")), iterations - 1);
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
