import { HmacGostr341194 } from "./hmac.js";

const DIGEST_BYTES = 32;
/** HMAC invocations between yields to the event loop, so a long derivation does not block it. */
const ITERATIONS_PER_SLICE = 256;
const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * PBKDF2 (RFC 8018 §5.2) with HMAC_GOSTR3411 as the PRF (id-HMACGostR3411-94, 1.2.643.2.2.10),
 * as CryptoPro's PBES2 uses it (RFC 4357 §3; the password is given as bytes).
 */
export async function pbkdf2HmacGostr341194(password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Promise<Uint8Array> {
  const prf = new HmacGostr341194(password);
  const blocks = Math.ceil(length / DIGEST_BYTES);
  const out = new Uint8Array(blocks * DIGEST_BYTES);
  const first = new Uint8Array(salt.length + 4);
  first.set(salt);
  for (let block = 1; block <= blocks; block++) {
    new DataView(first.buffer).setUint32(salt.length, block); // INT(i), big-endian
    let u = prf.mac(first);
    const t = Uint8Array.from(u);
    for (let i = 1; i < iterations; i++) {
      u = prf.mac(u);
      for (let k = 0; k < DIGEST_BYTES; k++) t[k] = t[k]! ^ u[k]!;
      if (i % ITERATIONS_PER_SLICE === 0) await nextTurn();
    }
    out.set(t, (block - 1) * DIGEST_BYTES);
  }
  return out.subarray(0, length);
}
