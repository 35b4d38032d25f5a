import { OthernameError } from "../errors.js";
import { parseCertificate } from "../pki/certificate.js";
import { decodePem, encodePem } from "../pki/pem.js";
import type { CertificateAuthority } from "./model.js";

/**
 * What the self-managed side needs to trust an ECE deployment: its CA certificate(s) and a
 * trust_restrictions file built from `recommended_trust_restriction`.
 */
export interface DeploymentCaFiles {
  /** Every public certificate, the active one first: trusting the others too survives a CA rotation. */
  readonly caPem: string;
  readonly certificates: readonly { readonly subject: string; readonly sha256: string; readonly active: boolean; readonly notAfter: string }[];
  readonly patterns: readonly string[];
  readonly trustRestrictionsYaml: string;
}

export const ECE_CA_FILE = "ece-ca.crt";
export const TRUST_RESTRICTIONS_FILE = "trust_restrictions.yml";

export function deploymentCaFiles(ca: CertificateAuthority, options: { readonly deploymentId: string; readonly extraPatterns?: readonly string[] }): DeploymentCaFiles {
  const ordered = [...(ca.public_certificates ?? [])].sort((a, b) => Number(b.active) - Number(a.active));
  const pems: string[] = [];
  const certificates: DeploymentCaFiles["certificates"][number][] = [];
  for (const entry of ordered) {
    for (const block of decodePem(entry.pem ?? "").filter((b) => b.label === "CERTIFICATE")) {
      const certificate = parseCertificate(block.der);
      pems.push(encodePem("CERTIFICATE", block.der));
      certificates.push({ subject: certificate.subject, sha256: certificate.sha256, active: entry.active === true, notAfter: certificate.notAfter.toISOString() });
    }
  }
  if (pems.length === 0) {
    throw new OthernameError("ECE_NO_CA", `cannot write the CA of deployment ${options.deploymentId}: ECE returned no CA certificate`, {
      kind: "remote",
      hint: "Check that the deployment has an Elasticsearch resource that has finished its first plan.",
    });
  }
  // Elasticsearch splits a scalar setting on commas and trims each piece; do the same here.
  const recommended = (ca.recommended_trust_restriction ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "");
  const patterns = [...new Set([...recommended, ...(options.extraPatterns ?? [])])];
  if (patterns.length === 0) {
    throw new OthernameError("ECE_NO_RESTRICTION", `cannot write trust restrictions for deployment ${options.deploymentId}: ECE recommended none`, {
      kind: "remote",
      hint: "Give the patterns yourself with --also-trust.",
    });
  }
  return { caPem: pems.join(""), certificates, patterns, trustRestrictionsYaml: trustRestrictionsYaml(patterns, options.deploymentId) };
}

/**
 * Every pattern double-quoted: an unquoted item starting with `*` is a YAML alias and makes
 * Elasticsearch refuse the whole file. JSON string syntax is valid YAML double-quoted syntax.
 */
export function trustRestrictionsYaml(patterns: readonly string[], deploymentId: string): string {
  return [
    `# Written by othername ece ca for ECE deployment ${deploymentId}.`,
    "# Elasticsearch checks these patterns against every transport peer, this cluster's own",
    "# nodes included: keep the pattern of your own nodes in the list (ece ca --also-trust).",
    "trust.subject_name:",
    ...patterns.map((pattern) => `  - ${JSON.stringify(pattern)}`),
    "",
  ].join("\n");
}

/** The elasticsearch.yml lines that use the two files (paths relative to the config directory). */
export function elasticsearchYmlLines(): string[] {
  return [
    `xpack.security.transport.ssl.certificate_authorities: [ "<your cluster's own ca.crt>", "${ECE_CA_FILE}" ]`,
    `xpack.security.transport.ssl.trust_restrictions.path: ${TRUST_RESTRICTIONS_FILE}`,
  ];
}
