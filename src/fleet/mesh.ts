import type { Certificate } from "../pki/certificate.js";
import { validateChain } from "../pki/chain.js";
import { checkCertificate } from "../trust/check-certificate.js";
import { decideTrust, valuesForFields, type TrustField } from "../trust/decide.js";
import { compileMatcher, type PatternMatcher } from "../trust/pattern.js";

/**
 * `othername mesh` without the I/O: which cluster accepts which. For every ordered pair (A, B),
 * A accepts B when every node of A would accept every node of B on the transport layer: B's
 * chain against A's trust anchors (at `at`), then A's trust restrictions on B's names — the
 * decision of `othername check` (checkCertificate / decideTrust), with Elasticsearch's message
 * for the first refusal. Transport TLS is mutual, so two clusters can connect (remote clusters
 * over certificates) only when both directions hold. Pure: read inputs in, report out.
 */

/** A node as seen by its peers: the chain it presents, or (ECE) only its issuing CA and names. */
export type MeshNode =
  | {
      readonly kind: "certificate";
      /** Where it came from: a file in a bundle or HOST:PORT. */
      readonly label: string;
      readonly leaf: Certificate;
      /** Certificates sent beside the leaf: untrusted intermediates. */
      readonly intermediates: readonly Certificate[];
    }
  | {
      readonly kind: "described";
      readonly label: string;
      /** A subject to show in messages, e.g. "(nodes of ECE deployment a1b2)". */
      readonly subject: string;
      /** The CA that issues the node's certificate (ECE: the deployment's active CA). */
      readonly issuer: Certificate;
      readonly otherNames: readonly string[];
      readonly dns: readonly string[];
    };

export interface MeshCluster {
  readonly name: string;
  readonly anchors: readonly Certificate[];
  /** null: no trust restrictions configured, the chain alone decides. */
  readonly matcher: PatternMatcher | null;
  readonly fields: readonly TrustField[];
  readonly nodes: readonly MeshNode[];
}

export interface MeshExpectationInput {
  readonly text: string;
  readonly from: string;
  readonly to: string;
  readonly both: boolean;
}

export interface MeshInput {
  readonly clusters: readonly MeshCluster[];
  readonly expect?: readonly MeshExpectationInput[];
  readonly at: Date;
}

/** "`from` accepts every node of `to`". */
export interface MeshPair {
  readonly from: string;
  readonly to: string;
  readonly accepted: boolean;
  /** The first refusal in Elasticsearch's words, or null. */
  readonly reason: string | null;
  /** The first refused node of `to`, or null. */
  readonly node: string | null;
}

export interface MeshExpectation {
  readonly expect: string;
  readonly holds: boolean;
  /** Why not, when it does not hold: the first pair that fails and its reason. */
  readonly reason: string | null;
}

export type MeshLink = "connectable" | "one-way" | "reverse-only" | "none" | "self";

export interface MeshReport {
  readonly at: string;
  readonly clusters: readonly string[];
  /** Every ordered pair, the diagonal included (a cluster's nodes must accept each other too). */
  readonly pairs: readonly MeshPair[];
  /** Unordered pairs of different clusters that accept each other both ways. */
  readonly connectable: readonly (readonly [string, string])[];
  readonly expectations: readonly MeshExpectation[];
}

/**
 * `othername mesh` over clusters already read: for every ordered pair (A, B), the diagonal
 * included, whether every node of A accepts every node of B — B's chain against A's anchors at
 * `at`, then A's trust restrictions on B's names, exactly as `checkCertificate` decides — with
 * Elasticsearch's message for the first refusal; the pairs of clusters that accept each other
 * both ways (connectable); and whether each expectation holds.
 *
 * @param input - The clusters (anchors, matcher or null for no restrictions, fields, nodes), the expectations and the time.
 * @returns Every pair with its reason, the connectable pairs and the expectations' outcome.
 * @example
 * ```ts
 * const report = evaluateMesh({
 *   at: new Date(),
 *   clusters: [
 *     { name: "prod-eu", anchors: [caEu], matcher: compileMatcher(["*.node.prod-eu.cluster.s1.account"]), fields: [OTHER_NAME_FIELD], nodes: euNodes },
 *     { name: "prod-us", anchors: [caEu], matcher: null, fields: [OTHER_NAME_FIELD], nodes: usNodes },
 *   ],
 *   expect: [{ text: "prod-eu <-> prod-us", from: "prod-eu", to: "prod-us", both: true }],
 * });
 * report.pairs.find((p) => p.from === "prod-eu" && p.to === "prod-us")?.reason;
 * // "Certificate for CN=es-us-1 with fields [...] with values [...] does not match the trusted names [...]"
 * ```
 */
export function evaluateMesh(input: MeshInput): MeshReport {
  const { clusters, at } = input;
  const pairs: MeshPair[] = [];
  for (const from of clusters) {
    for (const to of clusters) pairs.push(acceptsCluster(from, to, at));
  }
  const pair = (from: string, to: string): MeshPair | undefined => pairs.find((p) => p.from === from && p.to === to);
  const connectable: [string, string][] = [];
  clusters.forEach((a, i) => {
    for (const b of clusters.slice(i + 1)) {
      if (pair(a.name, b.name)?.accepted && pair(b.name, a.name)?.accepted) connectable.push([a.name, b.name]);
    }
  });
  const expectations = (input.expect ?? []).map((e): MeshExpectation => {
    const checks = e.both ? [pair(e.from, e.to), pair(e.to, e.from)] : [pair(e.from, e.to)];
    const failed = checks.find((p) => p === undefined || !p.accepted);
    if (failed === undefined) return { expect: e.text, holds: true, reason: null };
    const reason = failed === undefined ? null : `${failed.from} does not accept ${failed.to}${failed.node ? ` (node ${failed.node})` : ""}: ${failed.reason ?? "unknown"}`;
    return { expect: e.text, holds: false, reason: reason ?? `no such pair ${e.from} -> ${e.to}` };
  });
  return { at: at.toISOString().replace(/\.\d{3}Z$/, "Z"), clusters: clusters.map((c) => c.name), pairs, connectable, expectations };
}

/**
 * How the link between two clusters looks from `from`'s row of the matrix.
 *
 * @param report - A report from `evaluateMesh`.
 * @param from - The accepting cluster (the row).
 * @param to - The cluster whose nodes are accepted (the column).
 * @returns "connectable" (both ways), "one-way" (only from accepts to), "reverse-only", "none", or "self" on the diagonal.
 * @example
 * ```ts
 * linkOf(evaluateMesh({ clusters, at: new Date() }), "prod-eu", "ece-a"); // "connectable"
 * ```
 */
export function linkOf(report: MeshReport, from: string, to: string): MeshLink {
  if (from === to) return "self";
  const there = report.pairs.find((p) => p.from === from && p.to === to)?.accepted === true;
  const back = report.pairs.find((p) => p.from === to && p.to === from)?.accepted === true;
  return there && back ? "connectable" : there ? "one-way" : back ? "reverse-only" : "none";
}

const EMPTY_MATCHER = compileMatcher([]);

function acceptsCluster(from: MeshCluster, to: MeshCluster, at: Date): MeshPair {
  if (to.nodes.length === 0) return { from: from.name, to: to.name, accepted: false, reason: `${to.name} has no node to check`, node: null };
  for (const node of to.nodes) {
    const refusal = refusalOf(from, node, at);
    if (refusal !== null) return { from: from.name, to: to.name, accepted: false, reason: refusal, node: node.label };
  }
  return { from: from.name, to: to.name, accepted: true, reason: null, node: null };
}

/**
 * Why a node of `from` would refuse this peer, or null when it accepts it.
 *
 * @param from - The accepting cluster.
 * @param node - The peer node.
 * @param at - The time of the decision.
 * @returns Elasticsearch's rejection message, or null.
 * @example
 * ```ts
 * refusalOf(cluster, { kind: "certificate", label: "n1.crt", leaf, intermediates: [] }, new Date()); // null when trusted
 * ```
 */
export function refusalOf(from: MeshCluster, node: MeshNode, at: Date): string | null {
  let subject: string;
  let chain;
  let values: string[];
  if (node.kind === "certificate") {
    if (from.matcher !== null) {
      // As a transport node's JDK trust manager decides, in both TLS directions (check --as both).
      const { decision } = checkCertificate({ leaf: node.leaf, intermediates: node.intermediates, anchors: from.anchors, at, fields: from.fields, matcher: from.matcher, as: "both" });
      return decision.trusted ? null : decision.message;
    }
    subject = node.leaf.subject;
    chain = validateChain({ leaf: node.leaf, intermediates: node.intermediates, anchors: from.anchors, at }, { as: "both" });
    values = valuesForFields(node.leaf.san, from.fields);
  } else {
    // Only the issuing CA is known: a certificate it issues chains exactly as far as the CA does.
    subject = node.subject;
    chain = validateChain({ leaf: node.issuer, intermediates: [], anchors: from.anchors, at });
    values = valuesForFields({ otherNameCommonName: node.otherNames, dns: node.dns }, from.fields);
  }
  if (from.matcher === null) {
    if (chain.ok) return null;
    return decideTrust({ subject, chain, fields: from.fields, values, matcher: EMPTY_MATCHER }).message;
  }
  const decision = decideTrust({ subject, chain, fields: from.fields, values, matcher: from.matcher });
  return decision.trusted ? null : decision.message;
}
