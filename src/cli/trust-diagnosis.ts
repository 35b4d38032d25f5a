import type { Certificate } from "../pki/certificate.js";
import type { ChainResult } from "../pki/chain.js";
import { directionVerdicts, type CertificateCheck } from "../trust/check-certificate.js";
import { diagnoseSameNameDifferentKey } from "../pki/chain/same-name-different-key.js";
import type { TrustDecision } from "../trust/decide.js";

/**
 * "Why not trusted?" for the common mistakes, added to verify, check and probe (text: one
 * `cause:` line each; JSON: a `diagnoses` list). Looks only at results already computed.
 */
export interface Diagnosis {
  readonly code: "SAME_NAME_DIFFERENT_KEY" | "NO_OTHERNAME" | "JDK_REFUSES";
  readonly message: string;
}

export function chainDiagnoses(chain: ChainResult, given: { readonly anchors: readonly Certificate[]; readonly intermediates: readonly Certificate[] }): Diagnosis[] {
  const sameName = diagnoseSameNameDifferentKey(chain, given);
  return sameName ? [{ code: sameName.code, message: sameName.message }] : [];
}

/**
 * A valid chain, the otherName field asked for, and a leaf carrying no otherName: the usual
 * cause is a signer that dropped the request's extensions (`openssl x509 -req` copies none
 * unless given `-copy_extensions copy`; `openssl ca` needs `copy_extensions = copy`).
 */
export function nameDiagnoses(decision: TrustDecision, leaf: Certificate): Diagnosis[] {
  if (decision.decidedBy === "chain" || decision.trusted) return [];
  if (!decision.fields.includes("subjectAltName.otherName.commonName") || leaf.san.otherNameCommonName.length > 0) return [];
  const hasSan = leaf.extensions.some((e) => e.oid === "2.5.29.17");
  return [
    {
      code: "NO_OTHERNAME",
      message:
        `${leaf.subject} carries no otherName${hasSan ? "" : " (no subjectAltName at all)"}: if it was signed from a request that asked for one (othername csr), ` +
        "the signer dropped the request's extensions — with openssl, sign with `openssl x509 -req -copy_extensions copy …` (or `copy_extensions = copy` for `openssl ca`), then check again",
    },
  ];
}

/**
 * `check`/`probe` with `--as`: a chain RFC 5280 accepts (`verify` without `--as`) that
 * Elasticsearch's JDK trust manager refuses — in which direction, by which rule, and why.
 */
export function jdkDiagnoses(check: CertificateCheck): Diagnosis[] {
  if (check.as === undefined || check.chain.ok || check.rfc5280?.ok !== true) return [];
  const refused = directionVerdicts(check.chain, check.as).filter((v) => !v.ok);
  const first = refused[0]?.failures[0];
  if (!first) return [];
  const roles = refused.map((v) => `as a TLS ${v.direction} (${v.method})`).join(" and ");
  return [
    {
      code: "JDK_REFUSES",
      message: `RFC 5280 accepts this chain (othername verify without --as), but Elasticsearch's JDK trust manager refuses it ${roles}: ${first.code}: ${first.message}${jdkReason(first.code, refused.map((v) => v.direction))}`,
    },
  ];
}

/** Why the JDK's rule matters to a transport node, and what to do about it. */
function jdkReason(code: string, directions: readonly string[]): string {
  const node = directions.length === 2 ? "this node can neither open nor accept transport connections" : directions[0] === "client" ? "this node cannot open transport connections to its peers" : "peers cannot open transport connections to this node";
  switch (code) {
    case "TLS_EXTENDED_KEY_USAGE":
      return ` (the JDK's end-entity check reads extendedKeyUsage; ${node}: issue node certificates with both serverAuth and clientAuth, or without extendedKeyUsage)`;
    case "TLS_KEY_USAGE":
      return ` (the JDK's end-entity check needs digitalSignature in keyUsage; ${node})`;
    case "TLS_NETSCAPE_CERT_TYPE":
      return ` (the JDK still reads the Netscape cert type extension; ${node}: drop it or set both SSL client and SSL server)`;
    case "NAME_CONSTRAINTS_VIOLATION":
      return ` (the JDK also checks the subject's CN against name constraints when it looks like a host name or an address and the certificate has no such subjectAltName; ${node})`;
    default:
      return ` (${node})`;
  }
}

export function diagnosisLines(diagnoses: readonly Diagnosis[]): string[] {
  return diagnoses.map((d) => `  cause: ${d.message}`);
}
