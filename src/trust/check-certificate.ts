import type { Certificate } from "../pki/certificate.js";
import { validateChain, type ChainResult } from "../pki/chain.js";
import { decideTrust, valuesForFields, type TrustDecision, type TrustField } from "./decide.js";
import type { PatternMatcher } from "./pattern.js";

/**
 * "Would an Elasticsearch node with these anchors and these patterns accept this peer?" — the
 * one check behind `othername check`, `othername probe` and the service helper: chain
 * validation first (the JDK trust manager's part), then the leaf's names (RestrictedTrustManager).
 * Pure: certificates, patterns and a time in; results out.
 */
export interface CertificateCheckInput {
  readonly leaf: Certificate;
  /** Certificates the peer sent besides its leaf (or the user gave): untrusted intermediates. */
  readonly intermediates: readonly Certificate[];
  readonly anchors: readonly Certificate[];
  readonly at: Date;
  readonly fields: readonly TrustField[];
  readonly matcher: PatternMatcher;
}

export interface CertificateCheck {
  readonly chain: ChainResult;
  readonly decision: TrustDecision;
}

/**
 * "Would an Elasticsearch node with these anchors and this trust_restrictions file accept this
 * peer?": the chain first (as the JDK trust manager does), then the leaf's names against the
 * patterns, with Elasticsearch's own rejection message and the nearest miss.
 *
 * @param input - The leaf, intermediates, anchors, time, fields (`subjectAltName.otherName.commonName`
 *   and/or `subjectAltName.dnsName`) and the compiled matcher of the trust file.
 * @returns The chain result and the trust decision.
 * @example
 * ```ts
 * const { decision } = checkCertificate({ leaf, intermediates: [], anchors: [ca], at: new Date(),
 *   fields: [OTHER_NAME_FIELD], matcher: loaded.matcher });
 * decision.trusted; decision.message; decision.explanation.nearestMiss;
 * ```
 */
export function checkCertificate(input: CertificateCheckInput): CertificateCheck {
  const { leaf, intermediates, anchors, at, fields, matcher } = input;
  const chain = validateChain({ leaf, intermediates, anchors, at });
  const decision = decideTrust({ subject: leaf.subject, chain, fields, values: valuesForFields(leaf.san, fields), matcher });
  return { chain, decision };
}

/** The JSON document of `othername check --json` (CLI.md), shared by `probe`. */
export interface CertificateCheckReport {
  readonly trusted: boolean;
  readonly chain: { readonly ok: boolean; readonly failures: readonly { readonly index: number; readonly code: string; readonly message: string }[] };
  readonly fields: readonly TrustField[];
  readonly values: readonly string[];
  readonly match: string | null;
  readonly message: string | null;
  readonly explanation: TrustDecision["explanation"];
}

/**
 * The JSON document of `othername check --json` (CLI.md) for a check, as `probe` prints it too.
 *
 * @param check - A result of `checkCertificate`.
 * @returns `{ trusted, chain, fields, values, match, message, explanation }`.
 * @example
 * ```ts
 * const json = JSON.stringify(certificateCheckReport(checkCertificate(input)));
 * ```
 */
export function certificateCheckReport(check: CertificateCheck): CertificateCheckReport {
  const { chain, decision } = check;
  return {
    trusted: decision.trusted,
    chain: { ok: chain.ok, failures: chain.failures.map((f) => ({ index: f.index, code: f.code, message: f.message })) },
    fields: decision.fields,
    values: decision.values,
    match: decision.match?.pattern ?? null,
    message: decision.message,
    explanation: decision.explanation,
  };
}
