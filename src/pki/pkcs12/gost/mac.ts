import { timingSafeEqual } from "node:crypto";
import { hmacGostr341194 } from "./hmac.js";
import { gostPkcs12MacKey } from "./pkcs12-kdf.js";

/**
 * The MacData of a CryptoPro PKCS#12 file (RFC 7292 §4 with digestAlgorithm id-GostR3411-94):
 * HMAC_GOSTR3411 over the authSafe content, keyed by the PKCS#12 KDF with GOST R 34.11-94.
 */
export interface GostHmacMac {
  readonly kind: "gost-hmac";
  readonly name: "HMAC-GOSTR3411-94";
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly digest: Uint8Array;
}

export const GOST_MAC_BYTES = 32;

/** True when `bmpPassword` (a PKCS#12 KDF candidate) reproduces the stored MAC. */
export async function gostMacMatches(mac: GostHmacMac, bmpPassword: Uint8Array, content: Uint8Array): Promise<boolean> {
  const key = await gostPkcs12MacKey(bmpPassword, mac.salt, mac.iterations);
  const actual = hmacGostr341194(key, content);
  key.fill(0);
  return actual.length === mac.digest.length && timingSafeEqual(actual, mac.digest);
}
