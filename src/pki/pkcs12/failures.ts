import { OthernameError } from "../../errors.js";

/** Stable error codes of the PKCS#12 reader and writer. */
export const Pkcs12ErrorCode = {
  wrongPassword: "PKCS12_WRONG_PASSWORD",
  corrupt: "PKCS12_CORRUPT",
  unsupported: "PKCS12_UNSUPPORTED_ALGORITHM",
  notPkcs12: "NOT_PKCS12",
  limitExceeded: "PKCS12_LIMIT_EXCEEDED",
  invalidInput: "PKCS12_INVALID_INPUT",
} as const;

/**
 * Thrown deep inside the parsers when a structure is not what RFC 7292 says; the reader turns it
 * into PKCS12_CORRUPT (or PKCS12_WRONG_PASSWORD for freshly decrypted bytes without a MAC).
 */
export class Malformed extends Error {
  override readonly name = "Malformed";
}

/** Builds the reader's errors, all naming the same subject (the file name when known). */
export class Pkcs12Failures {
  constructor(readonly subject: string) {}

  private make(code: string, reason: string, hint: string, cause?: unknown): OthernameError {
    return new OthernameError(code, `cannot read PKCS#12 ${this.subject}: ${reason}`, { hint, cause });
  }

  notPkcs12(reason: string): OthernameError {
    return this.make(
      Pkcs12ErrorCode.notPkcs12,
      `not a PKCS#12 file (${reason})`,
      "Pass a .p12/.pfx keystore; PEM and plain DER certificates are read by other commands.",
    );
  }

  corrupt(reason: string, cause?: unknown): OthernameError {
    return this.make(
      Pkcs12ErrorCode.corrupt,
      `the file is corrupt or truncated (${reason})`,
      "Copy the file again from its source (binary mode, not as text) or export it again.",
      cause,
    );
  }

  wrongPassword(reason: string): OthernameError {
    return this.make(
      Pkcs12ErrorCode.wrongPassword,
      `wrong password (${reason})`,
      "Check the password; an empty password is distinct from none: pass exactly what the file was written with.",
    );
  }

  unsupported(what: string, oid: string): OthernameError {
    return this.make(
      Pkcs12ErrorCode.unsupported,
      `unsupported ${what} ${oid}${oidNameSuffix(oid)}`,
      "Re-export the keystore with AES-256-CBC/PBKDF2 and an HMAC-SHA256 MAC, e.g. `openssl pkcs12 -export` (OpenSSL 3 defaults) or keytool from JDK 17+.",
    );
  }

  limit(reason: string, hint: string): OthernameError {
    return this.make(Pkcs12ErrorCode.limitExceeded, `refused: ${reason}`, hint);
  }
}

const KNOWN_UNSUPPORTED: Readonly<Record<string, string>> = {
  "1.2.840.113549.1.12.1.1": "pbeWithSHAAnd128BitRC4",
  "1.2.840.113549.1.12.1.2": "pbeWithSHAAnd40BitRC4",
  "1.2.840.113549.1.5.3": "pbeWithMD5AndDES-CBC",
  "1.2.840.113549.1.5.10": "pbeWithSHA1AndDES-CBC",
  "1.2.840.113549.1.7.2": "signedData (public-key integrity mode)",
  "1.2.840.113549.1.7.3": "envelopedData (public-key privacy mode)",
  "1.2.840.113549.1.5.13": "PBES2",
  "1.3.14.3.2.7": "DES-CBC",
  "1.2.840.113549.3.2": "RC2-CBC",
  "1.3.6.1.4.1.11591.4.11": "scrypt",
  "1.2.643.2.2.9": "GOST R 34.11-94",
  "1.2.643.2.2.10": "HMAC GOST R 34.11-94",
  "1.2.643.2.2.21": "GOST 28147-89",
  "1.2.643.2.2.31.0": "GOST 28147-89 test parameters",
  "1.2.643.2.2.31.2": "GOST 28147-89 CryptoPro-B parameters",
  "1.2.643.2.2.31.3": "GOST 28147-89 CryptoPro-C parameters",
  "1.2.643.2.2.31.4": "GOST 28147-89 CryptoPro-D parameters",
  "1.2.643.7.1.1.2.2": "GOST R 34.11-2012 (256-bit)",
  "1.2.643.7.1.1.2.3": "GOST R 34.11-2012 (512-bit)",
};

function oidNameSuffix(oid: string): string {
  const name = KNOWN_UNSUPPORTED[oid];
  return name === undefined ? "" : ` (${name})`;
}

/** Thrown by the parsers for an algorithm we do not implement; the reader adds the subject. */
export class Unsupported extends Error {
  override readonly name = "Unsupported";
  constructor(
    readonly what: string,
    readonly oid: string,
  ) {
    super(`unsupported ${what} ${oid}`);
  }
}

/** A decryption whose padding (or decrypted structure) is wrong: the password did not fit. */
export class DecryptionFailed extends Error {
  override readonly name = "DecryptionFailed";
}
