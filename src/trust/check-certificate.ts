import type { Certificate } from "../pki/certificate.js";
import { tlsDirections, validateChain, type ChainResult, type TlsDirection, type TlsRole } from "../pki/chain.js";
import { namesAfterJdkValidation } from "../pki/names-after-validation.js";
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
  /**
   * Check the peer as the JDK's trust manager does in this TLS role (`checkClientTrusted`,
   * `checkServerTrusted` or both): its end-entity rules and what it refuses beyond RFC 5280.
   * Absent: RFC 5280 path validation only.
   */
  readonly as?: TlsRole;
}

export interface CertificateCheck {
  readonly chain: ChainResult;
  readonly decision: TrustDecision;
  readonly as?: TlsRole;
  /** With `as`, when the JDK refuses the chain: the RFC 5280 verdict alone (`verify` without `--as`). */
  readonly rfc5280?: ChainResult;
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
  const { leaf, intermediates, anchors, at, fields, matcher, as } = input;
  const chain = validateChain({ leaf, intermediates, anchors, at }, as === undefined ? {} : { as });
  // Elasticsearch reads the names from the certificate object the JDK has just validated, which
  // the JDK's name-constraints check may have given the subject's CN as a DNS name.
  const san = as !== undefined && chain.ok && chain.path.length > 1 ? namesAfterJdkValidation(chain.path) : leaf.san;
  const decision = decideTrust({ subject: leaf.subject, chain, fields, values: valuesForFields(san, fields), matcher });
  if (as === undefined) return { chain, decision };
  const rfc5280 = chain.ok ? undefined : validateChain({ leaf, intermediates, anchors, at });
  return { chain, decision, as, ...(rfc5280 ? { rfc5280 } : {}) };
}

/** One TLS direction's verdict: the chain failures that apply to it (failures without a direction apply to both). */
export interface DirectionVerdict {
  readonly direction: TlsDirection;
  /** The JDK trust manager method Elasticsearch's transport layer calls for a peer in this role. */
  readonly method: "checkClientTrusted" | "checkServerTrusted";
  readonly ok: boolean;
  readonly failures: readonly { readonly index: number; readonly code: string; readonly message: string }[];
}

/**
 * Each direction of `as` with the chain failures that apply to it, client first.
 *
 * @param chain - A result of `validateChain(…, { as })`.
 * @param as - The role checked.
 * @returns One verdict per direction.
 * @example
 * ```ts
 * directionVerdicts(check.chain, "both").filter((v) => !v.ok).map((v) => v.direction); // ["client"]
 * ```
 */
export function directionVerdicts(chain: ChainResult, as: TlsRole): DirectionVerdict[] {
  return tlsDirections(as).map((direction) => {
    const failures = chain.failures.filter((f) => f.direction === undefined || f.direction === direction).map((f) => ({ index: f.index, code: f.code, message: f.message }));
    return { direction, method: direction === "client" ? "checkClientTrusted" : "checkServerTrusted", ok: failures.length === 0, failures };
  });
}

/** The JSON document of `othername check --json` (CLI.md), shared by `probe`. */
export interface CertificateCheckReport {
  readonly trusted: boolean;
  readonly chain: {
    readonly ok: boolean;
    readonly failures: readonly { readonly index: number; readonly code: string; readonly message: string; readonly direction?: TlsDirection }[];
    /** With `as`, when the JDK refuses: whether RFC 5280 alone (`verify` without `--as`) accepts the chain. */
    readonly rfc5280Ok?: boolean;
  };
  /** The `--as` role and each direction's verdict (docs/cli.md). */
  readonly as?: TlsRole;
  readonly directions?: readonly DirectionVerdict[];
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
  const { chain, decision, as, rfc5280 } = check;
  return {
    trusted: decision.trusted,
    chain: {
      ok: chain.ok,
      failures: chain.failures.map((f) => ({ index: f.index, code: f.code, message: f.message, ...(f.direction ? { direction: f.direction } : {}) })),
      ...(rfc5280 ? { rfc5280Ok: rfc5280.ok } : {}),
    },
    ...(as === undefined ? {} : { as, directions: directionVerdicts(chain, as) }),
    fields: decision.fields,
    values: decision.values,
    match: decision.match?.pattern ?? null,
    message: decision.message,
    explanation: decision.explanation,
  };
}
