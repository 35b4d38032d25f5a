import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import { OthernameError } from "../../errors.js";
import { Tag, concatBytes, encodeOid, encodeTlv } from "../der.js";
import { PBES2_OID, Pbes2FormatError, encodePbes2Aes256Params, readPbes2Params, type Pbes2Cipher } from "../pbes2.js";
import { keyError, malformedKey, reencryptHint, wrongPassword } from "./key-errors.js";
import { describeOid, oidNames } from "./oids.js";

/** PBES2 (RFC 8018 §6.2) with PBKDF2 (§5.2): the scheme of every modern `ENCRYPTED PRIVATE KEY`. */
export { PBES2_OID };
export { encodeUnsignedInteger as encodeUnsigned } from "../pbes2.js";

/**
 * Refuse iteration counts above this before deriving anything: a hostile file could otherwise
 * ask for 2^31 rounds and stall the tool for hours. Real files use 2,048 (OpenSSL) to ~1,000,000.
 */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

export interface Pbes2Parameters {
  readonly salt: Uint8Array;
  readonly iterations: number;
  /** Node digest name of the PBKDF2 PRF, e.g. "sha256". */
  readonly prf: string;
  readonly cipher: Pbes2Cipher;
  readonly iv: Uint8Array;
  /** For messages, e.g. "PBES2 PBKDF2-hmacWithSHA256 aes256-CBC". */
  readonly description: string;
}

/** Reads the PBES2-params of an AlgorithmIdentifier (`parameters` is the full TLV). */
export function readPbes2Parameters(parameters: Uint8Array): Pbes2Parameters {
  let params;
  try {
    params = readPbes2Params(parameters);
  } catch (error) {
    if (!(error instanceof Pbes2FormatError)) throw error;
    if (error.kind === "malformed") throw malformedKey(error.message);
    throw keyError("KEY_UNSUPPORTED_ALGORITHM", `${error.what ?? "algorithm"} ${describeOid(error.oid ?? "")} is not supported`, reencryptHint);
  }
  if (params.kdf.iterations > MAX_PBKDF2_ITERATIONS) throw tooManyIterations(params.kdf.iterations);
  return {
    salt: params.kdf.salt,
    iterations: params.kdf.iterations,
    prf: params.kdf.prf,
    cipher: params.cipher,
    iv: params.iv,
    description: `PBES2 PBKDF2-${oidNames[params.kdf.prfOid] ?? params.kdf.prf} ${oidNames[params.cipher.oid] ?? params.cipher.node}`,
  };
}

/** Decrypts PBES2 ciphertext; bad padding means the password is wrong (the file parsed fine). */
export function pbes2Decrypt(params: Pbes2Parameters, ciphertext: Uint8Array, password: string): Uint8Array {
  const blockSize = params.cipher.ivLength;
  if (ciphertext.length === 0 || ciphertext.length % blockSize !== 0) {
    throw malformedKey(`the encrypted data is ${ciphertext.length} octets, not a whole number of ${blockSize}-octet blocks`);
  }
  // OpenSSL feeds the password's bytes as given; on a UTF-8 terminal that is UTF-8 (RFC 8018 §3 leaves it open).
  const key = pbkdf2Sync(Buffer.from(password, "utf8"), params.salt, params.iterations, params.cipher.keyLength, params.prf);
  const decipher = createDecipheriv(params.cipher.node, key, params.iv);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  } catch {
    throw wrongPassword(params.description);
  }
}

/**
 * PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC: returns the AlgorithmIdentifier TLV and the
 * ciphertext, ready for an EncryptedPrivateKeyInfo.
 */
export function pbes2Encrypt(plaintext: Uint8Array, password: string, options: { readonly iterations: number }): {
  readonly algorithm: Uint8Array;
  readonly ciphertext: Uint8Array;
} {
  const salt = randomBytes(16); // RFC 8018 §4.1: at least 64 bits; 128 as OpenSSL 3 and the JDK use.
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, "utf8"), salt, options.iterations, 32, "sha256");
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const ciphertext = new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final()]));
  const pbes2Params = encodePbes2Aes256Params({ salt, iterations: options.iterations, iv, withKeyLength: true });
  return { algorithm: encodeTlv(Tag.sequence, concatBytes([encodeOid(PBES2_OID), pbes2Params])), ciphertext };
}

function tooManyIterations(count: number): OthernameError {
  const shown = count >= Number.MAX_SAFE_INTEGER ? "an astronomical number of" : count.toLocaleString("en-US");
  return keyError(
    "KEY_ITERATIONS_TOO_HIGH",
    `PBKDF2 asks for ${shown} iterations, more than the ${MAX_PBKDF2_ITERATIONS.toLocaleString("en-US")} accepted`,
    "The file may be hostile; if you trust it, re-encrypt it with a normal count: `openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out NEW.key`.",
  );
}

