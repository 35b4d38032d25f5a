import { Tag, contentOf, decodeOid, readChildren, readTlv, type Tlv } from "../../der.js";
import { Malformed, Unsupported } from "../failures.js";
import { MAX_SALT_BYTES } from "../limits.js";
import { gost28147CfbDecrypt } from "./cfb.js";
import { roundTables } from "./gost28147.js";
import { GostOid } from "./oids.js";
import { pbkdf2HmacGostr341194 } from "./pbkdf2.js";
import { GOST28147_CRYPTOPRO_A_SBOX } from "./sboxes.js";

const PBKDF2_OID = "1.2.840.113549.1.5.12";
const KEY_BYTES = 32;
const IV_BYTES = 8;

/**
 * PBES2 (RFC 8018 §6.2) as CryptoPro writes PKCS#12 bags: PBKDF2 with HMAC_GOSTR3411 and
 * GOST 28147-89 in CFB mode, with the parameter set's S-boxes and key meshing (RFC 4357 §10.3).
 */
export interface GostPbes2Scheme {
  readonly kind: "gost-pbes2";
  readonly name: string;
  /** "GOST 28147-89-CFB CryptoPro-A", as `inspect` shows the cipher. */
  readonly cipher: string;
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly iv: Uint8Array;
  /** The encryption parameter set's OID (only CryptoPro-A is implemented). */
  readonly paramSet: string;
}

/** The parameter sets implemented: S-boxes and whether CryptoPro key meshing applies. */
const PARAM_SETS: Readonly<Record<string, { readonly label: string; readonly sbox: typeof GOST28147_CRYPTOPRO_A_SBOX; readonly keyMeshing: boolean }>> = {
  [GostOid.cryptoProA]: { label: "CryptoPro-A", sbox: GOST28147_CRYPTOPRO_A_SBOX, keyMeshing: true },
};

/**
 * Reads PBES2-params whose encryption scheme is GOST 28147-89; null for any other scheme (the
 * shared PBES2 reader takes those). RFC 4357 §10.1: Gost28147-89-Parameters ::= SEQUENCE {
 * iv OCTET STRING (SIZE (8)), encryptionParamSet OBJECT IDENTIFIER }.
 */
export function readGostPbes2Params(der: Uint8Array): GostPbes2Scheme | null {
  const [kdf, scheme] = sequence(der, whole(der, "PBES2 parameters"), 2, "PBES2 parameters");
  const [schemeOid, schemeParams] = sequence(der, scheme!, 1, "PBES2 encryption scheme", 2);
  if (oid(der, schemeOid!, "PBES2 encryption scheme") !== GostOid.gost28147_89) return null;

  const [kdfOid, kdfParams] = sequence(der, kdf!, 2, "PBES2 key derivation function");
  const kdfId = oid(der, kdfOid!, "PBES2 key derivation function");
  if (kdfId !== PBKDF2_OID) throw new Unsupported("PBES2 key derivation function", kdfId);
  const [salt, count, ...rest] = sequence(der, kdfParams!, 2, "PBKDF2 parameters", 4);
  if (salt!.tag !== Tag.octetString) throw new Malformed("the PBKDF2 salt is not an OCTET STRING");
  const saltBytes = contentOf(der, salt!);
  if (saltBytes.length > MAX_SALT_BYTES) throw new Malformed(`PBKDF2 salt is ${saltBytes.length} bytes long`);
  let prf: string | undefined;
  let keyLengthSeen = false;
  for (const field of rest) {
    if (field.tag === Tag.integer && !keyLengthSeen && prf === undefined) {
      keyLengthSeen = true;
      const length = positiveInteger(der, field, "PBKDF2 key length");
      if (length !== KEY_BYTES) throw new Malformed(`PBKDF2 key length ${length} does not fit GOST 28147-89's ${KEY_BYTES}-byte key`);
    } else if (field.tag === Tag.sequence && prf === undefined) {
      prf = oid(der, sequence(der, field, 1, "PBKDF2 PRF", 2)[0]!, "PBKDF2 PRF");
    } else throw new Malformed("PBKDF2 parameters have an unexpected field");
  }
  // The PRF DEFAULT is hmacWithSHA1 (RFC 8018 A.2); CryptoPro always names HMAC_GOSTR3411.
  if (prf !== GostOid.hmacGostr3411_94) throw new Unsupported("PBKDF2 PRF with GOST 28147-89", prf ?? "1.2.840.113549.2.7");

  if (schemeParams === undefined) throw new Malformed("GOST 28147-89 has no parameters");
  const [iv, paramSetOid] = sequence(der, schemeParams, 2, "GOST 28147-89 parameters");
  if (iv!.tag !== Tag.octetString || iv!.end - iv!.contentStart !== IV_BYTES) throw new Malformed(`the GOST 28147-89 IV is not ${IV_BYTES} octets`);
  const paramSet = oid(der, paramSetOid!, "GOST 28147-89 parameter set");
  const set = PARAM_SETS[paramSet];
  if (set === undefined) throw new Unsupported("GOST 28147-89 parameter set", paramSet);
  const cipher = `GOST 28147-89-CFB ${set.label}`;
  return {
    kind: "gost-pbes2",
    name: `PBES2(PBKDF2-HMAC-GOSTR3411-94, ${cipher})`,
    cipher,
    salt: saltBytes.slice(),
    iterations: iterationCount(der, count!),
    iv: contentOf(der, iv!).slice(),
    paramSet,
  };
}

/** Derives the key from the password bytes (UTF-8 or ISO-8859-1, as for PBES2) and decrypts. */
export async function gostPbes2Decrypt(scheme: GostPbes2Scheme, password: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const set = PARAM_SETS[scheme.paramSet]!;
  const key = await pbkdf2HmacGostr341194(password, scheme.salt, scheme.iterations, KEY_BYTES);
  try {
    return gost28147CfbDecrypt(roundTables(set.sbox), key, scheme.iv, data, set.keyMeshing);
  } finally {
    key.fill(0);
  }
}

function whole(der: Uint8Array, what: string): Tlv {
  const tlv = parse(() => readTlv(der, 0), what);
  if (tlv.end !== der.length) throw new Malformed(`${what} have trailing data`);
  return tlv;
}

function sequence(der: Uint8Array, tlv: Tlv, min: number, what: string, max = min): Tlv[] {
  if (tlv.tag !== Tag.sequence) throw new Malformed(`${what} are not a SEQUENCE`);
  const children = parse(() => readChildren(der, tlv), what);
  if (children.length < min || children.length > max) throw new Malformed(`${what} have ${children.length} fields`);
  return children;
}

function oid(der: Uint8Array, tlv: Tlv, what: string): string {
  if (tlv.tag !== Tag.oid) throw new Malformed(`the ${what} is not an OID`);
  return parse(() => decodeOid(contentOf(der, tlv)), what);
}

function positiveInteger(der: Uint8Array, tlv: Tlv, what: string): number {
  const content = contentOf(der, tlv);
  if (content.length === 0 || content.length > 4 || (content[0]! & 0x80) !== 0) throw new Malformed(`${what} is out of range`);
  return content.reduce((n, byte) => n * 256 + byte, 0);
}

/** Huge counts become Number.MAX_SAFE_INTEGER, so the iteration cap refuses them without overflow. */
function iterationCount(der: Uint8Array, tlv: Tlv): number {
  if (tlv.tag !== Tag.integer) throw new Malformed("the PBKDF2 iteration count is not an INTEGER");
  let content = contentOf(der, tlv);
  if (content.length === 0 || (content[0]! & 0x80) !== 0) throw new Malformed("the PBKDF2 iteration count is not positive");
  while (content.length > 1 && content[0] === 0) content = content.subarray(1);
  if (content.length > 6) return Number.MAX_SAFE_INTEGER;
  const value = content.reduce((n, byte) => n * 256 + byte, 0);
  if (value === 0) throw new Malformed("the PBKDF2 iteration count is zero");
  return value;
}

function parse<T>(read: () => T, what: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof Malformed || error instanceof Unsupported) throw error;
    throw new Malformed(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
