/** Object identifiers of the CryptoPro algorithms (RFC 4357 §10–11, RFC 4490). */
export const GostOid = {
  /** id-GostR3411-94: the MacData digest algorithm of a CryptoPro PKCS#12 file. */
  gostr3411_94: "1.2.643.2.2.9",
  /** id-HMACGostR3411-94: PBKDF2's PRF. */
  hmacGostr3411_94: "1.2.643.2.2.10",
  /** id-Gost28147-89: the PBES2 encryption scheme. */
  gost28147_89: "1.2.643.2.2.21",
  /** id-Gost28147-89-CryptoPro-A-ParamSet. */
  cryptoProA: "1.2.643.2.2.31.1",
} as const;
