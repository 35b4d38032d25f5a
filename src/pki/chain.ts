import type { Certificate } from "./certificate.js";
import { bytesEqual } from "./der.js";
import { DEFAULT_LIMITS, candidatePaths, type CandidatePath, type SearchLimits } from "./chain/build.js";
import { certificatePool, identityOf } from "./chain/candidates.js";
import type { ChainFailure, ChainInput, ChainResult } from "./chain/result.js";
import { verifyCertificateSignature, type SignatureCheck } from "./chain/signature.js";
import { checkTlsEndEntityRole, type TlsRole } from "./chain/tls-end-entity.js";
import { validatePath, validateSelfAnchoredLeaf } from "./chain/validate-path.js";

export type { ChainFailure, ChainFailureCode, ChainInput, ChainResult } from "./chain/result.js";
export type { SearchLimits } from "./chain/build.js";
export { checkTlsEndEntity, checkTlsEndEntityRole, tlsDirections } from "./chain/tls-end-entity.js";
export type { TlsDirection, TlsEndEntityCode, TlsEndEntityFailure, TlsRole } from "./chain/tls-end-entity.js";

export interface ChainOptions {
  readonly limits?: SearchLimits;
  /**
   * Validate as the JDK's TLS trust manager (Elasticsearch transport TLS) does for a peer in this
   * role: its end-entity checks (tls-end-entity.ts) and what the JDK refuses beyond RFC 5280.
   * Absent: a pure RFC 5280 path check.
   */
  readonly as?: TlsRole;
}

/**
 * Certificate path validation: builds candidate paths from `leaf` through `intermediates` to
 * `anchors` and validates each (RFC 5280 §6.1) at the time `at`. The first path that validates wins;
 * when none does, the result carries the failures of the best path found (one that reaches an anchor
 * with the fewest failures, else the longest partial path with NO_PATH).
 *
 * A leaf byte-identical to an anchor is its own anchor, a path of length one, as the JDK trust manager
 * Elasticsearch uses accepts it (DESIGN.md, "The trust decision and message"). Likewise any anchor
 * ends a path, self-signed or not (RFC 5280 §6.1.1 (d), Java's PKIX TrustAnchor): a trusted
 * intermediate suffices. `openssl verify` agrees only with -partial_chain.
 *
 * @param input - The leaf, untrusted intermediates, trust anchors and the validation time.
 * @param options - Search limits for path building (hostile bundles), and `as` to validate as the
 *   JDK's TLS trust manager does for a peer in that role ("client", "server" or "both").
 * @returns `{ ok, path, failures }` with CLI.md's and docs/cli.md's failure codes (EXPIRED, BAD_SIGNATURE, NO_PATH, TLS_EXTENDED_KEY_USAGE, …).
 * @example
 * ```ts
 * const result = validateChain({ leaf, intermediates: [], anchors: [ca], at: new Date() });
 * const codes = result.ok ? [] : result.failures.map((f) => f.code); // e.g. ["EXPIRED"]
 * ```
 */
export function validateChain(input: ChainInput, options: ChainOptions = {}): ChainResult {
  const result = validatePkix(input, options);
  if (options.as === undefined || !result.ok || result.path.length < 2) return result;
  // The JDK skips its end-entity checks when the peer is itself trusted (Validator.validate).
  const endEntity: ChainFailure[] = checkTlsEndEntityRole(input.leaf, options.as).map((f) => ({ index: 0, ...f }));
  return endEntity.length === 0 ? result : { ok: false, path: result.path, failures: endEntity };
}

function validatePkix(input: ChainInput, options: ChainOptions): ChainResult {
  const anchors = certificatePool(input.anchors);
  const dialect = options.as === undefined ? "rfc5280" : "jdk";
  if (dialect === "jdk" && anchors.certificates.some((anchor) => sameNameAndKey(anchor, input.leaf))) {
    // PKIXValidator: a peer whose subject and key are those of a trusted certificate is accepted
    // as it is, with no check at all (not even its dates).
    return { ok: true, path: [input.leaf], failures: [] };
  }
  if (anchors.find(input.leaf)) {
    const failures = validateSelfAnchoredLeaf(input.leaf, input.at);
    return { ok: failures.length === 0, path: [input.leaf], failures };
  }
  const intermediates = certificatePool(input.intermediates);
  const verifyLink = memoizedVerifier();

  const limits = options.limits ?? DEFAULT_LIMITS;
  let best: { readonly candidate: CandidatePath; readonly failures: ChainFailure[] } | undefined;
  let truncated = false;
  for (const candidate of candidatePaths(input.leaf, { anchors, intermediates }, limits)) {
    if (candidate.stop === "max-steps") {
      truncated = true;
      if (best) continue; // the cut-off stub is never better than a path already found
    }
    const failures = validatePath(candidate.path, { anchored: candidate.anchored, at: input.at, verifyLink, dialect });
    if (!candidate.anchored) failures.push(noPathFailure(candidate, limits));
    if (candidate.anchored && failures.length === 0) return { ok: true, path: candidate.path, failures: [] };
    if (!best || better({ candidate, failures }, best)) best = { candidate, failures };
  }
  if (!best) {
    // Unreachable: the search always yields at least the leaf alone.
    return { ok: false, path: [input.leaf], failures: [noPathFailure({ path: [input.leaf], anchored: false, stop: "no-issuer" }, DEFAULT_LIMITS)] };
  }
  if (truncated && !best.candidate.anchored) {
    // Say that more candidates existed than the search was allowed to try.
    const failures = best.failures.map((f) =>
      f.code === "NO_PATH" && !f.message.includes("gave up") ? { ...f, message: `${f.message}; the search gave up after ${limits.maxSteps} candidate issuers` } : f,
    );
    return { ok: false, path: best.candidate.path, failures };
  }
  return { ok: false, path: best.candidate.path, failures: best.failures };
}

function sameNameAndKey(a: Certificate, b: Certificate): boolean {
  return bytesEqual(a.subjectDer, b.subjectDer) && bytesEqual(a.publicKey.spki, b.publicKey.spki);
}

function better(
  a: { readonly candidate: CandidatePath; readonly failures: readonly ChainFailure[] },
  b: { readonly candidate: CandidatePath; readonly failures: readonly ChainFailure[] },
): boolean {
  if (a.candidate.anchored !== b.candidate.anchored) return a.candidate.anchored;
  if (!a.candidate.anchored && a.candidate.path.length !== b.candidate.path.length) {
    return a.candidate.path.length > b.candidate.path.length;
  }
  return a.failures.length < b.failures.length;
}

function noPathFailure(candidate: CandidatePath, limits: SearchLimits): ChainFailure {
  const index = candidate.path.length - 1;
  const top = candidate.path[index] as Certificate;
  const reason =
    candidate.stop === "max-length"
      ? `the path would be longer than ${limits.maxLength} certificates`
      : candidate.stop === "max-steps"
        ? `the search gave up after ${limits.maxSteps} candidate issuers`
        : top.subject === top.issuer
          ? "it is self-signed and is not one of the trust anchors"
          : `its issuer ${top.issuer} is neither a trust anchor nor among the untrusted certificates`;
  return { index, code: "NO_PATH", message: `no path from ${top.subject} to a trust anchor: ${reason}` };
}

/** Several candidate paths share links (the leaf and its issuer): verify each link once. */
function memoizedVerifier(): (subject: Certificate, issuer: Certificate) => SignatureCheck {
  const seen = new Map<string, SignatureCheck>();
  return (subject, issuer) => {
    const key = `${identityOf(subject)}|${identityOf(issuer)}`;
    let check = seen.get(key);
    if (!check) {
      check = verifyCertificateSignature(subject, issuer);
      seen.set(key, check);
    }
    return check;
  };
}
