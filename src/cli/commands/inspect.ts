import { ExitCode } from "../../errors.js";
import type { Certificate } from "../../pki/certificate.js";
import { readCryptoFile, type CryptoFile } from "../../pki/read.js";
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
}

export default defineCommand<InspectArgs>({
  command: "inspect <files..>",
  describe: "Show certificates, keys and names in PEM, DER or PKCS#12 files",
  builder: (yargs) =>
    passwordOptions(yargs, { purpose: "Password of PKCS#12 files and encrypted keys" })
      .positional("files", { type: "string", array: true, describe: "PEM, DER or PKCS#12 files (detected from content)" })
      .option("json", { type: "boolean", default: false, describe: "Print one JSON document" })
      .example("$0 inspect node1.crt", "Show a certificate and the names Elasticsearch reads from it")
      .example("$0 inspect node1.p12 --pass-env P12_PASS --json", "Read a PKCS#12 keystore, password from $P12_PASS"),
  run: async (args, ctx) => {
    const files: { path: string; file: CryptoFile }[] = [];
    for (const path of args.files) {
      const bytes = await readInputFile(path, ctx.io.cwd);
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

function certificateJson(certificate: Certificate, extra: { friendlyName?: string; trusted?: boolean }): InspectedCertificate {
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
  };
}

function toJson(path: string, file: CryptoFile) {
  return {
    path,
    format: file.format,
    certificates: file.certificates.map((entry) => certificateJson(entry.certificate, entry)),
    keys: file.keys.map((entry) => ({
      algorithm: entry.key.algorithm,
      bits: entry.key.bits,
      ...(entry.key.curve !== undefined ? { curve: entry.key.curve } : {}),
      ...(entry.friendlyName !== undefined ? { friendlyName: entry.friendlyName } : {}),
      certificateIndex: entry.certificateIndex ?? null,
    })),
    ...(file.csrs.length > 0
      ? { requests: file.csrs.map((csr) => ({ subject: csr.subject, signatureValid: csr.signatureValid, san: csr.san })) }
      : {}),
  };
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

function describeFile(path: string, file: CryptoFile, now: Date): string[] {
  const lines = [`${path} (${FORMAT_NAMES[file.format]}): ${count(file.certificates.length, "certificate")}, ${count(file.keys.length, "key")}`];
  file.certificates.forEach((entry, index) => {
    const c = entry.certificate;
    lines.push(`  certificate ${index + 1}: ${c.subject}${entry.friendlyName !== undefined ? ` (alias ${entry.friendlyName})` : ""}`);
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
  file.keys.forEach((entry, index) => {
    const paired = entry.certificateIndex !== undefined ? `matches certificate ${entry.certificateIndex + 1}` : "no matching certificate in this file";
    lines.push(`  key ${index + 1}: ${keyText(entry.key.algorithm, entry.key.bits, entry.key.curve)}, ${paired}`);
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
