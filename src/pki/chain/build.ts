import type { Certificate } from "../certificate.js";
import { identityOf, type CertificatePool } from "./candidates.js";

/**
 * Path building (RFC 4158's depth-first search, simplified): from the leaf through untrusted
 * intermediates to a trust anchor. Anchors are tried before intermediates at every step, so the
 * shortest paths come first. A certificate appears at most once per path (no loops), paths are
 * at most `maxLength` certificates long, and the whole search visits at most `maxSteps`
 * candidate links, so a hostile pile of cross-certificates cannot stall it.
 */
export interface SearchLimits {
  /** Certificates in one path, leaf and anchor included. */
  readonly maxLength: number;
  /** Candidate links examined over the whole search. */
  readonly maxSteps: number;
}

// OpenSSL's default depth is 100; real chains have 2–4 certificates. 10 bounds the work.
export const DEFAULT_LIMITS: SearchLimits = { maxLength: 10, maxSteps: 1_000 };

export interface CandidatePath {
  readonly path: readonly Certificate[];
  /** False: the path stops at a certificate whose issuer was not found (or the limits ran out). */
  readonly anchored: boolean;
  /** Why an unanchored path stops. */
  readonly stop?: "no-issuer" | "max-length" | "max-steps";
}

export function* candidatePaths(
  leaf: Certificate,
  pools: { readonly anchors: CertificatePool; readonly intermediates: CertificatePool },
  limits: SearchLimits = DEFAULT_LIMITS,
): Generator<CandidatePath, void, undefined> {
  let steps = 0;
  const path: Certificate[] = [leaf];
  const onPath = new Set<string>([identityOf(leaf)]);

  function* extend(): Generator<CandidatePath, void, undefined> {
    const top = path[path.length - 1] as Certificate;
    let extended = false;
    for (const anchor of pools.anchors.issuersOf(top)) {
      if (onPath.has(identityOf(anchor))) continue;
      if (++steps > limits.maxSteps) {
        yield { path: [...path], anchored: false, stop: "max-steps" };
        return;
      }
      extended = true;
      yield { path: [...path, anchor], anchored: true };
    }
    if (path.length + 1 >= limits.maxLength) {
      // One more intermediate would leave no room for the anchor.
      const more = pools.intermediates.issuersOf(top).some((c) => !onPath.has(identityOf(c)));
      if (!extended) yield { path: [...path], anchored: false, stop: more ? "max-length" : "no-issuer" };
      return;
    }
    for (const intermediate of pools.intermediates.issuersOf(top)) {
      const id = identityOf(intermediate);
      // A certificate that is also an anchor was tried as one above.
      if (onPath.has(id) || pools.anchors.find(intermediate)) continue;
      if (++steps > limits.maxSteps) {
        yield { path: [...path], anchored: false, stop: "max-steps" };
        return;
      }
      extended = true;
      path.push(intermediate);
      onPath.add(id);
      yield* extend();
      path.pop();
      onPath.delete(id);
      if (steps > limits.maxSteps) return;
    }
    if (!extended) yield { path: [...path], anchored: false, stop: "no-issuer" };
  }

  yield* extend();
}
