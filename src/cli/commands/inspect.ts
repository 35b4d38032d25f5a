import { ExitCode, OthernameError } from "../../errors.js";
import type { Certificate } from "../../pki/certificate.js";
import { toHex } from "../../pki/der.js";
import type { EncryptionInfo, MacInfo } from "../../pki/pkcs12/index.js";
import { readCryptoFile, type CryptoFile, type KeyEntry, type UnusableKeyEntry } from "../../pki/read.js";
import { readInputFile } from "../../io/read-input.js";
import { defineCommand } from "../command.js";
import { readWithPassword } from "../read-protected.js";
import { passwordOptions, type PasswordArgs } from "../password-options.js";

interface InspectArgs extends PasswordArgs {
  readonly files: readonly string[];
  readonly json: boolean;
}

/** The JSON shape of CLI.md's `inspect --json`. */
interface InspectedCertificate {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
  ca: boolean;
  keyAlgorithm: string;
  keyBits: number;
  curve?: string;
  friendlyName?: string;
  trusted?: boolean;
  san: { otherNameCommonName: readonly string[]; dns: readonly string[]; ip: readonly string[] };
  /** PKCS#12 additions (docs/cli.md). */
  localKeyId?: string;
  encryption?: EncryptionInfo | null;
}

export default defineCommand<InspectArgs>({
  command: "inspect <files..>",
  describe: "Show certificates, keys and names in PEM, DER or PKCS#12 files",
  builder: (yargs) =>
    passwordOptions(yargs, { purpose: "Password of PKCS#12 files and encrypted keys" })
      .positional("files", { type: "string", array: true, describe: "PEM, DER or PKCS#12 files (detected from content); /dev/stdin reads standard input" })
      .option("json", { type: "boolean", default: false, describe: "Print one JSON document" })
      .example("$0 inspect node1.crt", "Show a certificate and the names Elasticsearch reads from it")
      .example("$0 inspect node1.p12 --pass-env P12_PASS --json", "Read a PKCS#12 keystore, password from $P12_PASS"),
  run: async (args, ctx) => {
    const files: { path: string; file: CryptoFile }[] = [];
    const paths = args.files.map(String);
    if (paths.length === 0) {
      // yargs drops a lone "-" from the file list: `inspect -` lands here, never exit 0 with nothing.
      throw new OthernameError("USAGE", "inspect: no file given (- is not read as standard input)", {
        kind: "usage",
        hint: "Name one or more files; to read standard input, name /dev/stdin.",
      });
    }
    for (const path of paths) {
      const bytes = await readInputFile(path, ctx.io.cwd, "file", { stdin: ctx.io.stdin });
      files.push({ path, file: await readWithPassword(path, args, ctx, (password) => readCryptoFile(bytes, { source: path, password })) });
    }
    const now = ctx.io.now();
    if (args.json) {
      ctx.json({ files: files.map(({ path, file }) => toJson(path, file)) });
    } else {
      files.forEach(({ path, file }, index) => {
        if (index > 0) ctx.out("");
        for (const line of describeFile(path, file, now)) ctx.out(line);
      });
    }
    return ExitCode.ok;
  },
});

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function certificateJson(
  certificate: Certificate,
  extra: { friendlyName?: string; trusted?: boolean; localKeyId?: Uint8Array; encryption?: EncryptionInfo | null },
): InspectedCertificate {
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    serial: certificate.serialHex,
    notBefore: iso(certificate.notBefore),
    notAfter: iso(certificate.notAfter),
    sha256: certificate.sha256,
    ca: certificate.isCa,
    keyAlgorithm: certificate.publicKey.algorithm,
    keyBits: certificate.publicKey.bits,
    ...(certificate.publicKey.curve !== undefined ? { curve: certificate.publicKey.curve } : {}),
    ...(extra.friendlyName !== undefined ? { friendlyName: extra.friendlyName } : {}),
    ...(extra.trusted !== undefined ? { trusted: extra.trusted } : {}),
    san: {
      otherNameCommonName: certificate.san.otherNameCommonName,
      dns: certificate.san.dns,
      ip: certificate.san.ip,
    },
    ...(extra.localKeyId !== undefined ? { localKeyId: toHex(extra.localKeyId) } : {}),
    ...(extra.encryption !== undefined ? { encryption: extra.encryption } : {}),
  };
}

/** The PKCS#12 attributes of a key entry (docs/cli.md): localKeyId in hex and its bag's encryption. */
function bagJson(entry: { localKeyId?: Uint8Array; encryption?: EncryptionInfo | null }) {
  return {
    ...(entry.localKeyId !== undefined ? { localKeyId: toHex(entry.localKeyId) } : {}),
    ...(entry.encryption !== undefined ? { encryption: entry.encryption } : {}),
  };
}

function toJson(path: string, file: CryptoFile) {
  return {
    path,
    format: file.format,
    certificates: file.certificates.map((entry) => certificateJson(entry.certificate, entry)),
    keys: [...file.keys, ...(file.unusableKeys ?? [])].map((entry) => ({
      algorithm: entry.key.algorithm,
      bits: entry.key.bits,
      ...(entry.key.curve !== undefined ? { curve: entry.key.curve } : {}),
      ...(entry.friendlyName !== undefined ? { friendlyName: entry.friendlyName } : {}),
      certificateIndex: entry.certificateIndex ?? null,
      // PKCS#12 only (docs/cli.md): PEM/DER keys othername cannot use are refused when read.
      ...(file.format === "pkcs12" ? { usable: isUsable(entry) } : {}),
      ...(isUsable(entry) ? {} : { reason: entry.key.reason }),
      ...bagJson(entry),
    })),
    ...(file.csrs.length > 0
      ? { requests: file.csrs.map((csr) => ({ subject: csr.subject, signatureValid: csr.signatureValid, san: csr.san })) }
      : {}),
    ...(file.pkcs12 !== undefined
      ? {
          mac: file.pkcs12.mac,
          safes: file.pkcs12.safes,
          secrets: file.pkcs12.secrets.map((secret) => ({
            secretType: secret.secretType,
            ...(secret.friendlyName !== undefined ? { friendlyName: secret.friendlyName } : {}),
            ...bagJson(secret),
          })),
          ...(file.pkcs12.trailingZeroBytes > 0 ? { trailingZeroBytes: file.pkcs12.trailingZeroBytes } : {}),
        }
      : {}),
  };
}

function isUsable(entry: KeyEntry | UnusableKeyEntry): entry is KeyEntry {
  return !("reason" in entry.key);
}

const FORMAT_NAMES = { pem: "PEM", der: "DER", pkcs12: "PKCS#12" } as const;
const DAY = 24 * 60 * 60 * 1000;

function validity(certificate: Certificate, now: Date): string {
  const range = `${iso(certificate.notBefore)} → ${iso(certificate.notAfter)}`;
  if (now < certificate.notBefore) return `${range} (NOT YET VALID)`;
  if (now > certificate.notAfter) return `${range} (EXPIRED ${Math.floor((now.getTime() - certificate.notAfter.getTime()) / DAY)} days ago)`;
  return `${range} (expires in ${Math.floor((certificate.notAfter.getTime() - now.getTime()) / DAY)} days)`;
}

function keyText(algorithm: string, bits: number, curve: string | undefined): string {
  return curve ? `${algorithm} ${curve}` : bits > 0 ? `${algorithm} ${bits}` : algorithm;
}

function encryptionText(encryption: EncryptionInfo | null | undefined): string {
  if (encryption === undefined) return "";
  if (encryption === null) return "not encrypted";
  const password = encryption.passwordEncoding !== undefined ? `, password as ${encodingText(encryption.passwordEncoding)}` : "";
  return `${encryption.scheme} ${encryption.cipher}, ${encryption.kdf} ${encryption.prf}, ${count(encryption.iterations, "iteration")}${password}`;
}

function encodingText(encoding: string): string {
  return encoding === "absent" ? "no password (absent)" : encoding === "BMPString" ? "BMPString" : `${encoding} bytes`;
}

function macText(mac: MacInfo | null): string {
  if (mac === null) return "none (the file's integrity is not protected)";
  const password = mac.passwordEncoding !== undefined ? `, password as ${encodingText(mac.passwordEncoding)}` : "";
  if (mac.algorithm === "PBMAC1") {
    return `PBMAC1 ${mac.hmac ?? ""}, ${mac.kdf} ${mac.prf ?? ""}, ${count(mac.iterations, "iteration")}, key length ${mac.keyLength ?? "?"}${password}`;
  }
  return `${mac.algorithm}, ${mac.kdf}, ${count(mac.iterations, "iteration")}${password}`;
}

/** " (alias X, localKeyId 01ab…)" for a bag's attributes, or "". */
function attributesText(entry: { friendlyName?: string; localKeyId?: Uint8Array }): string {
  const parts = [
    ...(entry.friendlyName !== undefined ? [`alias ${entry.friendlyName}`] : []),
    ...(entry.localKeyId !== undefined ? [`localKeyId ${toHex(entry.localKeyId)}`] : []),
  ];
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

function describeFile(path: string, file: CryptoFile, now: Date): string[] {
  const unusable = file.unusableKeys ?? [];
  const lines = [`${path} (${FORMAT_NAMES[file.format]}): ${count(file.certificates.length, "certificate")}, ${count(file.keys.length + unusable.length, "key")}`];
  const details = file.pkcs12;
  if (details !== undefined) {
    lines.push(`  MAC:      ${macText(details.mac)}`);
    details.safes.forEach((safe, index) => lines.push(`  contents ${index + 1}: ${encryptionText(safe.encryption)}; ${count(safe.bags, "bag")}`));
    if (details.trailingZeroBytes > 0) lines.push(`  note:     ${count(details.trailingZeroBytes, "zero byte")} after the end of the PFX ignored`);
  }
  file.certificates.forEach((entry, index) => {
    const c = entry.certificate;
    lines.push(`  certificate ${index + 1}: ${c.subject}${attributesText(entry)}`);
    lines.push(`    issuer:   ${c.issuer}`);
    lines.push(`    serial:   ${c.serialHex}`);
    lines.push(`    valid:    ${validity(c, now)}`);
    lines.push(`    sha256:   ${c.sha256}`);
    lines.push(`    key:      ${keyText(c.publicKey.algorithm, c.publicKey.bits, c.publicKey.curve)}`);
    lines.push(`    CA:       ${c.isCa ? `yes${c.pathLenConstraint !== undefined ? ` (pathlen ${c.pathLenConstraint})` : ""}` : "no"}${entry.trusted ? ", trusted entry" : ""}`);
    // The names Elasticsearch's trust restrictions match (DESIGN.md: only these, never the subject CN).
    const names = c.san.otherNameCommonName;
    lines.push(`    otherName commonName: ${names.length > 0 ? names.join(", ") : "(none: Elasticsearch trust restrictions will reject this certificate)"}`);
    if (c.san.dns.length > 0) lines.push(`    DNS:      ${c.san.dns.join(", ")}`);
    if (c.san.ip.length > 0) lines.push(`    IP:       ${c.san.ip.join(", ")}`);
  });
  [...file.keys, ...unusable].forEach((entry, index) => {
    const paired = entry.certificateIndex !== undefined ? `matches certificate ${entry.certificateIndex + 1}` : "no matching certificate in this file";
    const algorithm = isUsable(entry) || entry.key.readable ? keyText(entry.key.algorithm, entry.key.bits, entry.key.curve) : `algorithm ${entry.key.algorithm}`;
    lines.push(`  key ${index + 1}: ${algorithm}${attributesText(entry)}, ${paired}`);
    if (entry.encryption !== undefined) lines.push(`    encryption: ${encryptionText(entry.encryption)}`);
    if (!isUsable(entry)) lines.push(entry.key.readable ? `    usable:   no (${entry.key.reason})` : `    skipped:  ${entry.key.reason}; the file's certificates are still shown`);
  });
  details?.secrets.forEach((secret, index) => {
    lines.push(`  secret key ${index + 1}${attributesText(secret)}: a keytool SecretKeyEntry, listed, not decrypted`);
    lines.push(`    encryption: ${encryptionText(secret.encryption)}`);
  });
  file.csrs.forEach((csr, index) => {
    lines.push(`  request ${index + 1}: ${csr.subject}${csr.signatureValid ? "" : " (SIGNATURE INVALID)"}`);
    // Every requested name: a signer that drops the request's extensions drops all of them.
    const requested = csr.san;
    if (requested.otherNameCommonName.length > 0) lines.push(`    otherName commonName: ${requested.otherNameCommonName.join(", ")}`);
    if (requested.dns.length > 0) lines.push(`    DNS:      ${requested.dns.join(", ")}`);
    if (requested.ip.length > 0) lines.push(`    IP:       ${requested.ip.join(", ")}`);
    if (requested.otherNameCommonName.length + requested.dns.length + requested.ip.length === 0) lines.push("    subjectAltName: (none requested)");
  });
  return lines;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
