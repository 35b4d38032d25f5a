/** Object identifiers the key code names in messages (RFC 8017, RFC 5480, RFC 8410, RFC 8018). */
export const oidNames: Readonly<Record<string, string>> = {
  "1.2.840.113549.1.1.1": "rsaEncryption",
  "1.2.840.113549.1.1.10": "RSASSA-PSS",
  "1.2.840.10045.2.1": "ecPublicKey",
  "1.2.840.10040.4.1": "DSA",
  "1.2.840.113549.1.3.1": "dhKeyAgreement",
  "1.3.101.110": "X25519",
  "1.3.101.111": "X448",
  "1.3.101.112": "Ed25519",
  "1.3.101.113": "Ed448",
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521",
  "1.3.132.0.10": "secp256k1",
  "1.3.36.3.3.2.8.1.1.7": "brainpoolP256r1",
  "1.2.643.2.2.19": "GOST R 34.10-2001",
  "1.2.643.2.2.20": "GOST R 34.10-94",
  "1.2.643.7.1.1.1.1": "GOST R 34.10-2012 (256-bit)",
  "1.2.643.7.1.1.1.2": "GOST R 34.10-2012 (512-bit)",
  "1.2.840.113549.1.5.13": "PBES2",
  "1.2.840.113549.1.5.12": "PBKDF2",
  "1.2.840.113549.1.5.3": "pbeWithMD5AndDES-CBC (PBES1)",
  "1.2.840.113549.1.5.6": "pbeWithMD5AndRC2-CBC (PBES1)",
  "1.2.840.113549.1.5.10": "pbeWithSHA1AndDES-CBC (PBES1)",
  "1.2.840.113549.1.5.11": "pbeWithSHA1AndRC2-CBC (PBES1)",
  "1.2.840.113549.1.12.1.1": "pbeWithSHAAnd128BitRC4 (PKCS#12 PBE)",
  "1.2.840.113549.1.12.1.2": "pbeWithSHAAnd40BitRC4 (PKCS#12 PBE)",
  "1.2.840.113549.1.12.1.3": "pbeWithSHAAnd3-KeyTripleDES-CBC (PKCS#12 PBE)",
  "1.2.840.113549.1.12.1.4": "pbeWithSHAAnd2-KeyTripleDES-CBC (PKCS#12 PBE)",
  "1.2.840.113549.1.12.1.5": "pbeWithSHAAnd128BitRC2-CBC (PKCS#12 PBE)",
  "1.2.840.113549.1.12.1.6": "pbeWithSHAAnd40BitRC2-CBC (PKCS#12 PBE)",
  "1.2.840.113549.2.7": "hmacWithSHA1",
  "1.2.840.113549.2.8": "hmacWithSHA224",
  "1.2.840.113549.2.9": "hmacWithSHA256",
  "1.2.840.113549.2.10": "hmacWithSHA384",
  "1.2.840.113549.2.11": "hmacWithSHA512",
  "2.16.840.1.101.3.4.1.2": "aes128-CBC",
  "2.16.840.1.101.3.4.1.22": "aes192-CBC",
  "2.16.840.1.101.3.4.1.42": "aes256-CBC",
  "1.2.840.113549.3.7": "des-ede3-cbc",
  "1.3.14.3.2.7": "desCBC",
  "1.2.840.113549.3.2": "rc2CBC",
};

/** Node's (OpenSSL's) curve names → OIDs, to name unsupported curves in messages. */
export const curveOids: Readonly<Record<string, string>> = {
  prime256v1: "1.2.840.10045.3.1.7",
  secp384r1: "1.3.132.0.34",
  secp521r1: "1.3.132.0.35",
  secp256k1: "1.3.132.0.10",
  secp224r1: "1.3.132.0.33",
  brainpoolP256r1: "1.3.36.3.3.2.8.1.1.7",
  brainpoolP384r1: "1.3.36.3.3.2.8.1.1.11",
  brainpoolP512r1: "1.3.36.3.3.2.8.1.1.13",
};

/** "Ed448 (OID 1.3.101.113)", or just the OID when we have no name for it. */
export function describeOid(oid: string): string {
  const name = oidNames[oid];
  return name === undefined ? `OID ${oid}` : `${name} (OID ${oid})`;
}
