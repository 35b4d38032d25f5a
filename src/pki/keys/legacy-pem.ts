import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { keyError, malformedKey, reencryptHint, wrongPassword } from "./key-errors.js";

/**
 * OpenSSL's "traditional" encrypted PEM (RFC 1421 headers, as `openssl rsa -aes256 -traditional`
 * and elasticsearch-certutil write it):
 *
 *     Proc-Type: 4,ENCRYPTED
 *     DEK-Info: AES-256-CBC,<IV in hex>
 *
 * The key is EVP_BytesToKey(MD5, password, salt = first 8 octets of the IV, 1 iteration).
 */
interface LegacyCipher {
  readonly node: string;
  readonly keyLength: number;
  readonly ivLength: number;
}

const legacyCiphers: Readonly<Record<string, LegacyCipher>> = {
  "AES-128-CBC": { node: "aes-128-cbc", keyLength: 16, ivLength: 16 },
  "AES-192-CBC": { node: "aes-192-cbc", keyLength: 24, ivLength: 16 },
  "AES-256-CBC": { node: "aes-256-cbc", keyLength: 32, ivLength: 16 },
  "DES-EDE3-CBC": { node: "des-ede3-cbc", keyLength: 24, ivLength: 8 },
};

/**
 * OpenSSL's EVP_BytesToKey with MD5 and one iteration: D_1 = MD5(password ‖ salt),
 * D_i = MD5(D_{i-1} ‖ password ‖ salt), concatenated until `length` octets.
 */
export function evpBytesToKey(password: Uint8Array, salt: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let filled = 0;
  let previous = new Uint8Array(0);
  while (filled < length) {
    previous = new Uint8Array(createHash("md5").update(previous).update(password).update(salt).digest());
    const take = Math.min(previous.length, length - filled);
    out.set(previous.subarray(0, take), filled);
    filled += take;
  }
  return out;
}

/** The header value, whatever case the writer used for its name. */
export function pemHeader(headers: ReadonlyMap<string, string>, name: string): string | undefined {
  for (const [key, value] of headers) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

export interface LegacyEncryption {
  readonly cipherName: string;
  readonly cipher: LegacyCipher;
  readonly iv: Uint8Array;
}

/** Reads Proc-Type/DEK-Info; undefined when the block is not encrypted. */
export function readLegacyEncryption(headers: ReadonlyMap<string, string>): LegacyEncryption | undefined {
  const procType = pemHeader(headers, "Proc-Type");
  const dekInfo = pemHeader(headers, "DEK-Info");
  if (procType === undefined && dekInfo === undefined) return undefined;
  if (procType === undefined || procType.replace(/\s/g, "").toUpperCase() !== "4,ENCRYPTED") {
    throw malformedKey(`the PEM header Proc-Type is ${procType === undefined ? "missing" : `"${procType}"`}, expected "4,ENCRYPTED"`);
  }
  if (dekInfo === undefined) throw malformedKey("the PEM header DEK-Info is missing");
  const match = /^([A-Za-z0-9-]+)\s*,\s*([0-9A-Fa-f]*)$/.exec(dekInfo.trim());
  if (!match) throw malformedKey(`the PEM header DEK-Info "${dekInfo}" is not "<cipher>,<IV in hex>"`);
  const cipherName = (match[1] as string).toUpperCase();
  const cipher = legacyCiphers[cipherName];
  if (cipher === undefined) {
    throw keyError("KEY_UNSUPPORTED_ALGORITHM", `the PEM encryption cipher ${cipherName} (DEK-Info) is not supported`, reencryptHint);
  }
  const ivHex = match[2] as string;
  if (ivHex.length !== cipher.ivLength * 2) {
    throw malformedKey(`the DEK-Info IV has ${ivHex.length / 2} octets, ${cipherName} needs ${cipher.ivLength}`);
  }
  return { cipherName, cipher, iv: new Uint8Array(Buffer.from(ivHex, "hex")) };
}

/** Decrypts the block body; bad padding means the password is wrong. */
export function decryptLegacyPem(encryption: LegacyEncryption, ciphertext: Uint8Array, password: string): Uint8Array {
  const { cipher, iv, cipherName } = encryption;
  if (ciphertext.length === 0 || ciphertext.length % cipher.ivLength !== 0) {
    throw malformedKey(`the encrypted body is ${ciphertext.length} octets, not a whole number of ${cipher.ivLength}-octet blocks`);
  }
  const key = evpBytesToKey(Buffer.from(password, "utf8"), iv.subarray(0, 8), cipher.keyLength);
  const decipher = createDecipheriv(cipher.node, key, iv);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  } catch {
    throw wrongPassword(`${cipherName}, DEK-Info`);
  }
}

/** Encrypts DER the way `openssl rsa -aes256 -traditional` does; returns the headers and body. */
export function encryptLegacyPem(der: Uint8Array, password: string): {
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
} {
  const iv = randomBytes(16);
  const key = evpBytesToKey(Buffer.from(password, "utf8"), iv.subarray(0, 8), 32);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const body = new Uint8Array(Buffer.concat([cipher.update(der), cipher.final()]));
  const headers = new Map([
    ["Proc-Type", "4,ENCRYPTED"],
    ["DEK-Info", `AES-256-CBC,${iv.toString("hex").toUpperCase()}`],
  ]);
  return { headers, body };
}
