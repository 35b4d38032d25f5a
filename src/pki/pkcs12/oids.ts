/** Object identifiers of RFC 7292 (PKCS#12), RFC 8018 (PKCS#5), RFC 9579 and Java's keystore. */
export const Oid = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  envelopedData: "1.2.840.113549.1.7.3",
  encryptedData: "1.2.840.113549.1.7.6",

  keyBag: "1.2.840.113549.1.12.10.1.1",
  pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  crlBag: "1.2.840.113549.1.12.10.1.4",
  secretBag: "1.2.840.113549.1.12.10.1.5",
  safeContentsBag: "1.2.840.113549.1.12.10.1.6",
  x509Certificate: "1.2.840.113549.1.9.22.1",

  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
  /** Oracle's trusted-key-usage: marks a certBag as a keytool trustedCertEntry. */
  javaTrustedKeyUsage: "2.16.840.1.113894.746875.1.1",
  anyExtendedKeyUsage: "2.5.29.37.0",

  pbeWithSHAAnd3KeyTripleDESCBC: "1.2.840.113549.1.12.1.3",
  pbeWithSHAAnd2KeyTripleDESCBC: "1.2.840.113549.1.12.1.4",
  pbeWithSHAAnd128BitRC2CBC: "1.2.840.113549.1.12.1.5",
  pbeWithSHAAnd40BitRC2CBC: "1.2.840.113549.1.12.1.6",

  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  pbmac1: "1.2.840.113549.1.5.14",

  hmacWithSHA1: "1.2.840.113549.2.7",
  hmacWithSHA224: "1.2.840.113549.2.8",
  hmacWithSHA256: "1.2.840.113549.2.9",
  hmacWithSHA384: "1.2.840.113549.2.10",
  hmacWithSHA512: "1.2.840.113549.2.11",

  sha1: "1.3.14.3.2.26",
  sha224: "2.16.840.1.101.3.4.2.4",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",

  aes128Cbc: "2.16.840.1.101.3.4.1.2",
  aes192Cbc: "2.16.840.1.101.3.4.1.22",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
  desEde3Cbc: "1.2.840.113549.3.7",
} as const;

export type HashName = "sha1" | "sha224" | "sha256" | "sha384" | "sha512";

/** Digest sizes (u) and block sizes (v) in bytes, as RFC 7292 Appendix B.2 names them. */
export const HASH_SIZES: Readonly<Record<HashName, { readonly u: number; readonly v: number }>> = {
  sha1: { u: 20, v: 64 },
  sha224: { u: 28, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

export const DIGEST_BY_OID: Readonly<Record<string, HashName>> = {
  [Oid.sha1]: "sha1",
  [Oid.sha224]: "sha224",
  [Oid.sha256]: "sha256",
  [Oid.sha384]: "sha384",
  [Oid.sha512]: "sha512",
};

export const HMAC_BY_OID: Readonly<Record<string, HashName>> = {
  [Oid.hmacWithSHA1]: "sha1",
  [Oid.hmacWithSHA224]: "sha224",
  [Oid.hmacWithSHA256]: "sha256",
  [Oid.hmacWithSHA384]: "sha384",
  [Oid.hmacWithSHA512]: "sha512",
};

export function hashLabel(hash: HashName): string {
  return hash.toUpperCase();
}
