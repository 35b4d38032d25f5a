import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import * as asn1js from "asn1js";
import { AsnParser } from "@peculiar/asn1-schema";
import { AuthenticatedSafe, PFX } from "@peculiar/asn1-pfx";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { OthernameError } from "../../errors.js";
import type { ParsedBag } from "./bags.js";
import { BagCounter, parseSafeContents, parseWith } from "./bags.js";
import type { Derivation } from "./budget.js";
import { WorkBudget, allTries, decryptionDerivation, macDerivation, triesOf } from "./budget.js";
import type { CertificateNames } from "./certificate-names.js";
import { bytesEqual, concatBytes, readChildren, readTlv } from "../der.js";
import { checkTlvStructure, integerValue, octetsValue, oidValue, parseAsn1, sequenceItems, trailingZeroBytes } from "./der.js";
import { DecryptionFailed, Malformed, Pkcs12Failures, Unsupported } from "./failures.js";
import { bmpPassword } from "./kdf.js";
import { DEFAULT_MAX_ITERATIONS, MAX_CONTENT_INFOS, MAX_FILE_BYTES } from "./limits.js";
import type { MacInfo, MacMatch, MacScheme } from "./mac.js";
import { macInfo, parseMac, verifyMac } from "./mac.js";
import { Oid } from "./oids.js";
import type { Decrypted, EncryptionInfo, EncryptionScheme, PasswordForms } from "./pbe.js";
import { decrypt, encryptionInfo, parseEncryptionScheme } from "./pbe.js";
import { isPkcs12 } from "./sniff.js";

export interface Pkcs12Key {
  /** The unencrypted PKCS#8 PrivateKeyInfo, DER. */
  readonly pkcs8: Uint8Array;
  readonly friendlyName?: string;
  readonly localKeyId?: Uint8Array;
  /** Index into `certificates` of this key's certificate (by localKeyId, else by public key). */
  readonly certificateIndex?: number;
  /** Certificate indexes from the key's certificate up towards its root, by issuer/subject name. */
  readonly chain: readonly number[];
  /** The shrouded key bag's encryption, else the encryption of the contents it sits in; null: stored in the clear. */
  readonly encryption: EncryptionInfo | null;
}

export interface Pkcs12Certificate {
  readonly der: Uint8Array;
  readonly friendlyName?: string;
  readonly localKeyId?: Uint8Array;
  /** Carries Java's trusted-key-usage attribute: keytool lists it as a trustedCertEntry. */
  readonly trusted: boolean;
  /** The encryption of the contents the certificate bag sits in; null: stored in the clear. */
  readonly encryption: EncryptionInfo | null;
}

/** A secret bag (RFC 7292 §4.2.5), e.g. a keytool SecretKeyEntry: listed, never decrypted. */
export interface Pkcs12Secret {
  /** secretTypeId: the JDK uses pkcs8ShroudedKeyBag. */
  readonly secretType: string;
  readonly friendlyName?: string;
  readonly localKeyId?: Uint8Array;
  /** The secret's own encryption when it is a shrouded key, else the encryption of its contents. */
  readonly encryption: EncryptionInfo | null;
}

/** One ContentInfo of the AuthenticatedSafe: its encryption (null: plain data) and how many bags it holds. */
export interface Pkcs12Safe {
  readonly encryption: EncryptionInfo | null;
  readonly bags: number;
}

export interface Pkcs12Contents {
  readonly keys: readonly Pkcs12Key[];
  readonly certificates: readonly Pkcs12Certificate[];
  /** The integrity MAC, or null for a file without one (`openssl pkcs12 -nomac`). */
  readonly mac: { readonly algorithm: string; readonly iterations: number } | null;
  /** Names of the encryption schemes seen (contents and keys), in order of appearance. */
  readonly encryption: readonly string[];
  /** The MAC's parameters and the password encoding that matched it, or null without a MAC. */
  readonly macDetails: MacInfo | null;
  /** The AuthenticatedSafe's ContentInfos in order. */
  readonly safes: readonly Pkcs12Safe[];
  readonly secrets: readonly Pkcs12Secret[];
  /** Zero bytes after the end of the PFX, ignored as OpenSSL and the JDK do. */
  readonly trailingZeroBytes: number;
}

export interface ReadPkcs12Options {
  /** Cap on one key derivation's iteration count; default 1,000,000 (limits.ts). */
  readonly maxIterations?: number;
  /** The file name, used in error messages. */
  readonly source?: string;
}

/**
 * Reads a PFX (RFC 7292) as OpenSSL, Java keytool, certutil and Windows write it: verifies the MAC
 * (HMAC or PBMAC1), decrypts the contents and keys (PBES2 and the PKCS#12 PBEs incl. RC2), and pairs
 * keys with their certificates. Iteration counts are capped before any work (hostile files).
 *
 * @param bytes - The PKCS#12 file.
 * @param password - The password; `""` is the empty password (the absent one is also tried, as OpenSSL does).
 * @param options - Limits and the source name used in messages.
 * @returns The keys, certificates (with friendlyName, localKeyId, trusted flag) of the file.
 * @throws OthernameError NOT_PKCS12, PKCS12_CORRUPT, PKCS12_WRONG_PASSWORD, PKCS12_UNSUPPORTED_ALGORITHM
 *   (naming the OID), PKCS12_LIMIT_EXCEEDED.
 * @example
 * ```ts
 * const contents = await readPkcs12(await readFile("elastic-certificates.p12"), "");
 * contents.keys[0]?.alias; // "instance"
 * ```
 */
export async function readPkcs12(bytes: Uint8Array, password: string, options: ReadPkcs12Options = {}): Promise<Pkcs12Contents> {
  const failures = new Pkcs12Failures(options.source ?? "data");
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1) {
    throw new OthernameError("PKCS12_INVALID_OPTION", `cannot read PKCS#12 ${failures.subject}: maxIterations must be a positive integer, got ${maxIterations}`, {
      kind: "usage",
      hint: "Pass a whole number of iterations, e.g. 1000000.",
    });
  }
  if (bytes.length > MAX_FILE_BYTES) {
    throw failures.limit(`the file is ${bytes.length} bytes, more than ${MAX_FILE_BYTES}`, "PKCS#12 keystores are kilobytes; check that this is the right file.");
  }
  if (!isPkcs12(bytes)) throw failures.notPkcs12("it does not start with a PFX version 3 structure");
  const padding = trailingZeroBytes(bytes);
  try {
    const contents = await readPfx(bytes.subarray(0, bytes.length - padding), password, new WorkBudget(maxIterations, failures), failures);
    return { ...contents, trailingZeroBytes: padding };
  } catch (error) {
    throw translate(error, failures);
  }
}

function translate(error: unknown, failures: Pkcs12Failures): OthernameError {
  if (error instanceof OthernameError) return error;
  if (error instanceof Unsupported) return failures.unsupported(error.what, error.oid);
  if (error instanceof DecryptionFailed) return failures.wrongPassword(error.message);
  if (error instanceof Malformed) return failures.corrupt(error.message, error);
  // Anything else thrown while parsing hostile bytes (asn1js, RangeError) is still bad input.
  return failures.corrupt(error instanceof Error ? error.message : String(error), error);
}

/** What one ContentInfo of the AuthenticatedSafe holds before any derivation. */
type PlannedContent =
  | { readonly kind: "plain"; readonly bags: readonly ParsedBag[] }
  | { readonly kind: "encrypted"; readonly scheme: EncryptionScheme; readonly ciphertext: Uint8Array };

export function passwordForms(password: string): PasswordForms {
  const bmp = bmpPassword(password);
  // ISO-8859-1 bytes only when they differ from UTF-8 and can hold every character (U+0080–U+00FF).
  const latin1 = /[\u0080-\u00ff]/.test(password) && !/[^\u0000-\u00ff]/.test(password) ? new Uint8Array(Buffer.from(password, "latin1")) : undefined;
  // OpenSSL tries "" both as the empty BMPString (two zero bytes) and as no password at all.
  return {
    bmp: password === "" ? [bmp, new Uint8Array(0)] : [bmp],
    utf8: new Uint8Array(Buffer.from(password, "utf8")),
    ...(latin1 !== undefined ? { latin1 } : {}),
  };
}

async function readPfx(bytes: Uint8Array, password: string, budget: WorkBudget, failures: Pkcs12Failures): Promise<Omit<Pkcs12Contents, "trailingZeroBytes">> {
  const pfx = parseWith(bytes, PFX, "PFX");
  if (pfx.version !== 3) throw new Malformed(`PFX version ${pfx.version}`);
  if (pfx.authSafe.contentType === Oid.signedData) throw new Unsupported("integrity mode", Oid.signedData);
  if (pfx.authSafe.contentType !== Oid.data) throw new Unsupported("authSafe content type", pfx.authSafe.contentType);
  const authSafeContent = octetsValue(parseAsn1(pfx.authSafe.content, "authSafe"), "authSafe");
  const mac = pfx.macData.mac.digestAlgorithm.algorithm === "" ? null : parseMac(pfx.macData);

  const counter = new BagCounter();
  const authenticatedSafe = parseWith(authSafeContent, AuthenticatedSafe, "AuthenticatedSafe");
  if (authenticatedSafe.length > MAX_CONTENT_INFOS) throw new Malformed(`${authenticatedSafe.length} ContentInfos in the AuthenticatedSafe`);
  const planned: PlannedContent[] = authenticatedSafe.map((info) => planContent(info.contentType, info.content, counter));

  // Every derivation known before decryption is charged, alone and in sum, before any starts,
  // with the same values (budget.ts) that verifyMac and decrypt spend.
  let passwords = passwordForms(password);
  let macMatch: MacMatch | null = null;
  const known: Derivation[] = [];
  if (mac !== null) known.push(...allTries(macDerivation(mac), triesOf(mac, passwords)));
  for (const entry of planned) {
    const schemes = entry.kind === "encrypted" ? [entry.scheme] : entry.bags.flatMap((bag) => (bag.type === "shroudedKey" ? [bag.scheme] : []));
    for (const scheme of schemes) known.push(...allTries(decryptionDerivation(scheme), triesOf(scheme, passwords)));
  }
  budget.plan(known);

  if (mac !== null && passwords.bmp.length > 1) {
    // Empty password: learn from the MAC which of the two forms the file uses, then decrypt with it first.
    const matched = await verifyMac(mac, passwords, authSafeContent, budget);
    if (matched === null) throw failures.wrongPassword(macMismatch(mac));
    macMatch = matched;
    const first = matched.bmp;
    if (first !== undefined) passwords = { ...passwords, bmp: [first, ...passwords.bmp.filter((candidate) => candidate !== first)] };
  } else if (mac !== null && planned.some(usesGost)) {
    // GOST runs in JavaScript on this thread (gost/): overlapping would only interleave it, and a
    // wrong password would still pay for every decryption. Check the MAC first.
    macMatch = await verifyMac(mac, passwords, authSafeContent, budget);
    if (macMatch === null) throw failures.wrongPassword(macMismatch(mac));
  } else if (mac !== null) {
    // Start the decryptions first (PBKDF2 runs on libuv's pool, the PKCS#12 KDF on worker threads)
    // and check the MAC meanwhile; their failures are only reported once the MAC has matched,
    // since a mismatch explains them.
    const resolving = Promise.allSettled(planned.map((entry) => resolveContent(entry, passwords, budget, counter, true)));
    macMatch = await verifyMac(mac, passwords, authSafeContent, budget);
    if (macMatch === null) throw failures.wrongPassword(macMismatch(mac));
    return collect(planned, await resolving, mac, macMatch);
  }
  const resolved = await Promise.allSettled(planned.map((entry) => resolveContent(entry, passwords, budget, counter, mac !== null)));
  return collect(planned, resolved, mac, macMatch);
}

function collect(
  planned: readonly PlannedContent[],
  resolved: readonly PromiseSettledResult<ResolvedContent>[],
  mac: MacScheme | null,
  macMatch: MacMatch | null,
): Omit<Pkcs12Contents, "trailingZeroBytes"> {
  const names: string[] = [];
  const bags: ResolvedBag[] = [];
  const safes: Pkcs12Safe[] = [];
  for (const [index, result] of resolved.entries()) {
    if (result.status === "rejected") throw result.reason;
    const entry = planned[index]!;
    if (entry.kind === "encrypted") names.push(entry.scheme.name);
    safes.push({ encryption: result.value.encryption, bags: result.value.bags.length });
    for (const bag of result.value.bags) {
      if (bag.scheme !== undefined) names.push(bag.scheme);
      bags.push(bag);
    }
  }
  const macDetails = mac === null ? null : macInfo(mac, macMatch?.passwordEncoding);
  return { ...assemble(bags, mac, [...new Set(names)]), macDetails, safes };
}

function usesGost(entry: PlannedContent): boolean {
  if (entry.kind === "encrypted") return entry.scheme.kind === "gost-pbes2";
  return entry.bags.some((bag) => bag.type === "shroudedKey" && bag.scheme.kind === "gost-pbes2");
}

function macMismatch(mac: MacScheme): string {
  return `${mac.name} MAC verification failed: the password is wrong or the file was altered`;
}

function planContent(contentType: string, content: ArrayBuffer, counter: BagCounter): PlannedContent {
  switch (contentType) {
    case Oid.data:
      return { kind: "plain", bags: parseSafeContents(octetsValue(parseAsn1(content, "Data content"), "Data content"), counter) };
    case Oid.encryptedData:
      return planEncryptedData(parseAsn1(content, "EncryptedData"));
    default:
      throw new Unsupported("AuthenticatedSafe content type", contentType);
  }
}

/**
 * CMS EncryptedData (RFC 5652 §8): SEQUENCE { version, EncryptedContentInfo SEQUENCE {
 * contentType, contentEncryptionAlgorithm, [0] IMPLICIT OCTET STRING }, [1] attributes OPTIONAL }.
 */
function planEncryptedData(node: asn1js.AsnType): PlannedContent {
  const [version, info] = sequenceItems(node, "EncryptedData", 2, 3);
  integerValue(version, "EncryptedData version");
  const [, algorithm, encrypted] = sequenceItems(info!, "EncryptedContentInfo", 3, 3);
  oidValue(info instanceof asn1js.Sequence ? info.valueBlock.value[0] : undefined, "EncryptedContentInfo content type");
  let scheme: EncryptionScheme;
  try {
    scheme = parseEncryptionScheme(AsnParser.fromASN(algorithm!, AlgorithmIdentifier));
  } catch (error) {
    if (error instanceof Unsupported || error instanceof Malformed) throw error;
    throw new Malformed(`EncryptedData algorithm: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (encrypted === undefined || encrypted.idBlock.tagClass !== 3 || encrypted.idBlock.tagNumber !== 0) {
    throw new Malformed("EncryptedData has no [0] encrypted content");
  }
  return { kind: "encrypted", scheme, ciphertext: implicitOctets(encrypted) };
}

/** The bytes of a [0] IMPLICIT OCTET STRING, primitive or (BER) constructed of OCTET STRINGs. */
function implicitOctets(node: asn1js.AsnType): Uint8Array {
  if (!node.idBlock.isConstructed) return new Uint8Array((node as asn1js.Primitive).valueBlock.valueHexView);
  const parts = (node as asn1js.Constructed).valueBlock.value.map((part) => octetsValue(part, "encrypted content"));
  return concatBytes(parts);
}

interface ResolvedBag {
  readonly type: "key" | "certificate" | "secret";
  /** The certificate or PKCS#8 key; for a secret, its secretTypeId's DER is not kept (empty). */
  readonly der: Uint8Array;
  readonly names?: CertificateNames;
  readonly friendlyName?: string;
  readonly localKeyId?: Uint8Array;
  readonly trusted: boolean;
  /** The name of a shrouded key bag's own scheme. */
  readonly scheme?: string;
  readonly encryption: EncryptionInfo | null;
  readonly secretType?: string;
}

interface ResolvedContent {
  readonly encryption: EncryptionInfo | null;
  readonly bags: readonly ResolvedBag[];
}

/** Decrypts an encrypted content and every shrouded key in it; keeps the order of bags. */
async function resolveContent(
  entry: PlannedContent,
  passwords: PasswordForms,
  budget: WorkBudget,
  counter: BagCounter,
  macVerified: boolean,
): Promise<ResolvedContent> {
  let bags: readonly ParsedBag[];
  let encryption: EncryptionInfo | null = null;
  if (entry.kind === "plain") {
    bags = entry.bags;
  } else {
    const decrypted = await decryptOrExplain(entry.scheme, passwords, entry.ciphertext, budget, macVerified, "certificate contents", looksLikeDer);
    encryption = encryptionInfo(entry.scheme, decrypted.passwordEncoding);
    bags = parseSafeContents(decrypted.plaintext, counter);
  }
  const resolved = await Promise.all(
    bags.map(async (bag): Promise<ResolvedBag> => {
      const attributes = {
        ...(bag.attributes.friendlyName !== undefined ? { friendlyName: bag.attributes.friendlyName } : {}),
        ...(bag.attributes.localKeyId !== undefined ? { localKeyId: bag.attributes.localKeyId } : {}),
        trusted: bag.attributes.trusted,
      };
      switch (bag.type) {
        case "certificate":
          return { type: "certificate", der: bag.der, names: bag.names, ...attributes, encryption };
        case "key":
          return { type: "key", der: bag.pkcs8, ...attributes, encryption };
        case "secret":
          return {
            type: "secret",
            der: new Uint8Array(0),
            secretType: bag.secretType,
            ...attributes,
            encryption: bag.scheme !== undefined ? encryptionInfo(bag.scheme) : encryption,
          };
        case "shroudedKey": {
          const decrypted = await decryptOrExplain(bag.scheme, passwords, bag.encrypted, budget, macVerified, "private key", isPrivateKeyInfo);
          return { type: "key", der: decrypted.plaintext, ...attributes, scheme: bag.scheme.name, encryption: encryptionInfo(bag.scheme, decrypted.passwordEncoding) };
        }
      }
    }),
  );
  return { encryption, bags: resolved };
}

async function decryptOrExplain(
  scheme: EncryptionScheme,
  passwords: PasswordForms,
  ciphertext: Uint8Array,
  budget: WorkBudget,
  macVerified: boolean,
  what: string,
  accept: (plaintext: Uint8Array) => boolean,
): Promise<Decrypted> {
  try {
    return await decrypt(scheme, passwords, ciphertext, budget, accept);
  } catch (error) {
    if (!(error instanceof DecryptionFailed)) throw error;
    // RFC 7292 allows a privacy password distinct from the integrity password.
    throw new DecryptionFailed(
      macVerified
        ? `the MAC matched but the ${what} (${scheme.name}) do not decrypt with this password`
        : `the ${what} (${scheme.name}) do not decrypt with this password and the file has no MAC to tell`,
    );
  }
}

function looksLikeDer(plaintext: Uint8Array): boolean {
  try {
    checkTlvStructure(plaintext, "decrypted contents");
    return plaintext[0] === 0x30;
  } catch {
    return false;
  }
}

/** PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm SEQUENCE, privateKey OCTET STRING, ... } (RFC 5208). */
function isPrivateKeyInfo(plaintext: Uint8Array): boolean {
  if (!looksLikeDer(plaintext)) return false;
  try {
    const [version, algorithm, key] = readChildren(plaintext, readTlv(plaintext, 0));
    return version?.tag === 0x02 && algorithm?.tag === 0x30 && key?.tag === 0x04;
  } catch {
    return false;
  }
}

function assemble(
  bags: readonly ResolvedBag[],
  mac: MacScheme | null,
  encryption: readonly string[],
): Pick<Pkcs12Contents, "keys" | "certificates" | "mac" | "encryption" | "secrets"> {
  const certificates: Pkcs12Certificate[] = [];
  const names: CertificateNames[] = [];
  const rawKeys: ResolvedBag[] = [];
  const secrets: Pkcs12Secret[] = [];
  for (const bag of bags) {
    if (bag.type === "key") {
      rawKeys.push(bag);
      continue;
    }
    if (bag.type === "secret") {
      secrets.push({
        secretType: bag.secretType ?? "",
        ...(bag.friendlyName !== undefined ? { friendlyName: bag.friendlyName } : {}),
        ...(bag.localKeyId !== undefined ? { localKeyId: bag.localKeyId } : {}),
        encryption: bag.encryption,
      });
      continue;
    }
    certificates.push({
      der: bag.der,
      ...(bag.friendlyName !== undefined ? { friendlyName: bag.friendlyName } : {}),
      ...(bag.localKeyId !== undefined ? { localKeyId: bag.localKeyId } : {}),
      trusted: bag.trusted,
      encryption: bag.encryption,
    });
    names.push(bag.names!);
  }
  // Public keys are only extracted when a key has no localKeyId match (the expensive path).
  let spkis: (Uint8Array | undefined)[] | undefined;
  const keys = rawKeys.map((bag): Pkcs12Key => {
    let certificateIndex: number | undefined;
    if (bag.localKeyId !== undefined) {
      const id = bag.localKeyId;
      const index = certificates.findIndex((certificate) => certificate.localKeyId !== undefined && bytesEqual(certificate.localKeyId, id));
      if (index >= 0) certificateIndex = index;
    }
    if (certificateIndex === undefined) {
      const spki = publicKeyOf(bag.der);
      if (spki !== undefined) {
        spkis ??= certificates.map((certificate) => certificatePublicKey(certificate.der));
        const index = spkis.findIndex((candidate) => candidate !== undefined && bytesEqual(candidate, spki));
        if (index >= 0) certificateIndex = index;
      }
    }
    return {
      pkcs8: bag.der,
      ...(bag.friendlyName !== undefined ? { friendlyName: bag.friendlyName } : {}),
      ...(bag.localKeyId !== undefined ? { localKeyId: bag.localKeyId } : {}),
      ...(certificateIndex !== undefined ? { certificateIndex } : {}),
      chain: certificateIndex === undefined ? [] : buildChain(certificateIndex, names),
      encryption: bag.encryption,
    };
  });
  return { keys, certificates, mac: mac === null ? null : { algorithm: mac.name, iterations: mac.iterations }, encryption, secrets };
}

function certificatePublicKey(der: Uint8Array): Uint8Array | undefined {
  try {
    return new Uint8Array(new X509Certificate(der).publicKey.export({ type: "spki", format: "der" }));
  } catch {
    return undefined; // a key type Node cannot load: pairing relies on localKeyId only
  }
}

function publicKeyOf(pkcs8: Uint8Array): Uint8Array | undefined {
  try {
    const key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
    return new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" }));
  } catch {
    return undefined;
  }
}

/** Leaf first, then each issuer found by subject name, stopping at a self-issued certificate. */
function buildChain(leaf: number, facts: readonly CertificateNames[]): number[] {
  const chain = [leaf];
  let current = facts[leaf]!;
  while (!bytesEqual(current.subject, current.issuer) && chain.length < facts.length) {
    const issuerName = current.issuer;
    const next = facts.findIndex((fact, index) => !chain.includes(index) && bytesEqual(fact.subject, issuerName));
    if (next < 0) break;
    chain.push(next);
    current = facts[next]!;
  }
  return chain;
}
