/**
 * GOST 28147-89 substitution boxes ("S-box sets", RFC 4357 §10–11) that PKCS#12 files made by
 * CryptoPro use. Each set is eight rows of sixteen 4-bit values; row i substitutes bits 4i..4i+3
 * of the 32-bit round input (row 0 the lowest nibble), as GOST 28147-89 §2.1 / RFC 5830 §5 apply
 * K1..K8. Only the sets a supported file needs are here: others are refused by OID.
 */
export type SBox = readonly (readonly number[])[];

/** id-GostR3411-94-TestParamSet (1.2.643.2.2.30.0): the example set of GOST R 34.11-94, used by RFC 5831's examples. */
export const GOSTR3411_94_TEST_SBOX: SBox = [
  [4, 10, 9, 2, 13, 8, 0, 14, 6, 11, 1, 12, 7, 15, 5, 3],
  [14, 11, 4, 12, 6, 13, 15, 10, 2, 3, 8, 1, 0, 7, 5, 9],
  [5, 8, 1, 13, 10, 3, 4, 2, 14, 15, 12, 7, 6, 0, 9, 11],
  [7, 13, 10, 1, 0, 8, 9, 15, 14, 4, 6, 12, 11, 2, 5, 3],
  [6, 12, 7, 1, 5, 15, 13, 8, 4, 10, 9, 14, 0, 3, 11, 2],
  [4, 11, 10, 0, 7, 2, 1, 13, 3, 6, 8, 5, 9, 12, 15, 14],
  [13, 11, 4, 1, 3, 15, 5, 9, 0, 10, 14, 7, 6, 8, 2, 12],
  [1, 15, 13, 0, 5, 7, 10, 4, 9, 2, 3, 14, 6, 11, 8, 12],
];

/**
 * id-GostR3411-94-CryptoProParamSet (1.2.643.2.2.30.1, RFC 4357 §11.2): the hash parameters
 * HMAC_GOSTR3411 and PBKDF2 use by default (RFC 4357 §3, RFC 4490 §2.1).
 */
export const GOSTR3411_94_CRYPTOPRO_SBOX: SBox = [
  [10, 4, 5, 6, 8, 1, 3, 7, 13, 12, 14, 0, 9, 2, 11, 15],
  [5, 15, 4, 0, 2, 13, 11, 9, 1, 7, 6, 3, 12, 14, 10, 8],
  [7, 15, 12, 14, 9, 4, 1, 0, 3, 11, 5, 2, 6, 10, 8, 13],
  [4, 10, 7, 12, 0, 15, 2, 8, 14, 1, 6, 5, 13, 11, 9, 3],
  [7, 6, 4, 11, 9, 12, 2, 10, 1, 8, 0, 14, 15, 13, 3, 5],
  [7, 6, 2, 4, 13, 9, 15, 0, 10, 1, 5, 11, 8, 14, 12, 3],
  [13, 14, 4, 1, 7, 0, 5, 10, 3, 12, 8, 15, 6, 2, 9, 11],
  [1, 3, 10, 9, 5, 11, 4, 15, 8, 6, 7, 14, 13, 0, 2, 12],
];

/**
 * id-Gost28147-89-CryptoPro-A-ParamSet (1.2.643.2.2.31.1, RFC 4357 §10.3, §11.2): CFB mode with
 * CryptoPro key meshing, the default encryption parameters of CryptoPro CSP.
 */
export const GOST28147_CRYPTOPRO_A_SBOX: SBox = [
  [9, 6, 3, 2, 8, 11, 1, 7, 10, 4, 14, 15, 12, 0, 13, 5],
  [3, 7, 14, 9, 8, 10, 15, 0, 5, 2, 6, 12, 11, 4, 13, 1],
  [14, 4, 6, 2, 11, 3, 13, 8, 12, 15, 5, 10, 0, 7, 1, 9],
  [14, 7, 10, 12, 13, 1, 3, 9, 0, 2, 11, 4, 15, 8, 5, 6],
  [11, 5, 1, 9, 8, 13, 15, 0, 14, 4, 2, 3, 12, 7, 10, 6],
  [3, 10, 13, 12, 1, 2, 0, 11, 7, 5, 9, 4, 8, 15, 14, 6],
  [1, 13, 2, 9, 7, 10, 6, 0, 8, 12, 4, 5, 15, 3, 11, 14],
  [11, 10, 15, 5, 0, 12, 14, 8, 6, 2, 3, 9, 1, 7, 13, 4],
];
