import { Gostr341194, gostr341194 } from "./gostr3411-94.js";
import { GOSTR3411_94_CRYPTOPRO_SBOX } from "./sboxes.js";

/** u and v of RFC 7292 B.2 for GOST R 34.11-94: 32-byte digests and 32-byte blocks. */
const U = 32;
const V = 32;
const MAC_PURPOSE = 3;
const ITERATIONS_PER_SLICE = 512;
const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

function repeatToMultiple(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(V * Math.ceil(bytes.length / V));
  for (let k = 0; k < out.length; k++) out[k] = bytes[k % bytes.length]!;
  return out;
}

/**
 * The MAC key of a CryptoPro PKCS#12 file: the PKCS#12 KDF (RFC 7292 B.2, ID 3) with
 * GOST R 34.11-94 (CryptoPro parameters) as the hash, over the BMPString password. The key is
 * 32 bytes, one digest, so only step 6a runs: A = H^r(D ‖ S ‖ P).
 * (OpenSSL 3 keys GOST MACs with PBKDF2 instead, the later TC26 convention, and falls back to
 * this one only with LEGACY_GOST_PKCS12 set; the CryptoPro file of the corpus uses this one.)
 */
export async function gostPkcs12MacKey(bmpPassword: Uint8Array, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const s = repeatToMultiple(salt);
  const p = repeatToMultiple(bmpPassword);
  const input = new Uint8Array(V + s.length + p.length);
  input.fill(MAC_PURPOSE, 0, V);
  input.set(s, V);
  input.set(p, V + s.length);
  let a = gostr341194(input, GOSTR3411_94_CRYPTOPRO_SBOX);
  const fresh = new Gostr341194(GOSTR3411_94_CRYPTOPRO_SBOX);
  for (let i = 1; i < iterations; i++) {
    a = fresh.copy().update(a).digest();
    if (i % ITERATIONS_PER_SLICE === 0) await nextTurn();
  }
  return a.subarray(0, U);
}
