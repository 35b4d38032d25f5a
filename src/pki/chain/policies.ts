import type { Certificate } from "../certificate.js";
import { Tag, bytesEqual, contentOf, decodeOid, readChildren, readTlv } from "../der.js";
import type { ChainFailure } from "./result.js";

/**
 * Certificate policies (RFC 5280 §6.1.2–§6.1.5): the valid_policy_tree with policyMappings,
 * policyConstraints and inhibitAnyPolicy, over the path without its trust anchor (§6.1: the
 * anchor is an input, not a certificate of the path), with the inputs the JDK's PKIX trust
 * manager uses (PKIXBuilderParameters defaults): user-initial-policy-set {anyPolicy},
 * initial-explicit-policy false, initial-policy-mapping-inhibit false, initial-any-policy-inhibit
 * false. With those inputs, validation fails only when a requireExplicitPolicy comes into force
 * and no policy is valid for the whole path (§6.1.5 (g)), or a policy extension is unusable.
 */
const CERTIFICATE_POLICIES = "2.5.29.32";
const POLICY_MAPPINGS = "2.5.29.33";
const POLICY_CONSTRAINTS = "2.5.29.36";
const INHIBIT_ANY_POLICY = "2.5.29.54";
const ANY_POLICY = "2.5.29.32.0";

/** Bound on tree nodes: crafted policies and mappings can multiply nodes per level. */
const MAX_NODES = 10_000;

interface PolicyNode {
  readonly policy: string;
  expected: Set<string>;
  readonly parent: PolicyNode | undefined;
  children: PolicyNode[];
}

class PolicyError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

export function policyFailures(path: readonly Certificate[], options: { readonly anchored: boolean }): ChainFailure[] {
  // Leaf first in `path`; §6.1 runs from the certificate the anchor issued (i = 1) to the leaf (i = n).
  const certs = options.anchored ? path.slice(0, -1) : path;
  const n = certs.length;
  if (n === 0) return [];
  try {
    return run(certs, n);
  } catch (error) {
    if (error instanceof PolicyError) return [{ index: error.index, code: "INVALID_POLICY_EXTENSION", message: error.message }];
    throw error;
  }
}

function run(certs: readonly Certificate[], n: number): ChainFailure[] {
  let explicitPolicy = n + 1;
  let policyMapping = n + 1;
  let inhibitAny = n + 1;
  let requiredBy: number | undefined;
  const root: PolicyNode = { policy: ANY_POLICY, expected: new Set([ANY_POLICY]), parent: undefined, children: [] };
  let level: PolicyNode[] | undefined = [root];
  let nodes = 1;

  for (let i = 1; i <= n; i++) {
    const index = n - i; // position in the leaf-first path
    const cert = certs[index] as Certificate;
    const selfIssued = bytesEqual(cert.subjectDer, cert.issuerDer);
    const policies = readPolicies(cert, index);

    // (d), (e)
    if (level && policies) {
      const next: PolicyNode[] = [];
      const add = (parent: PolicyNode, policy: string, expected: Set<string>) => {
        if (++nodes > MAX_NODES) throw new PolicyError(index, `the certificate policies of the path make more than ${MAX_NODES} policy tree nodes`);
        const node: PolicyNode = { policy, expected, parent, children: [] };
        parent.children.push(node);
        next.push(node);
      };
      for (const policy of policies) {
        if (policy === ANY_POLICY) continue;
        const matching = level.filter((node) => node.expected.has(policy));
        const parents = matching.length > 0 ? matching : level.filter((node) => node.policy === ANY_POLICY);
        for (const parent of parents) add(parent, policy, new Set([policy]));
      }
      if (policies.includes(ANY_POLICY) && (inhibitAny > 0 || (i < n && selfIssued))) {
        for (const parent of level) {
          for (const policy of parent.expected) {
            if (!parent.children.some((child) => child.policy === policy)) add(parent, policy, new Set([policy]));
          }
        }
      }
      level = prune(next, root);
    } else {
      level = undefined;
    }

    if (i < n) {
      // §6.1.4 (a), (b)
      const mappings = readMappings(cert, index);
      if (mappings && level) {
        for (const [issuerPolicy, subjectPolicies] of mappings) {
          if (policyMapping > 0) {
            const mapped = level.filter((node) => node.policy === issuerPolicy);
            if (mapped.length > 0) {
              for (const node of mapped) node.expected = new Set(subjectPolicies);
            } else {
              const any = level.find((node) => node.policy === ANY_POLICY);
              if (any?.parent) {
                if (++nodes > MAX_NODES) throw new PolicyError(index, `the certificate policies of the path make more than ${MAX_NODES} policy tree nodes`);
                const node: PolicyNode = { policy: issuerPolicy, expected: new Set(subjectPolicies), parent: any.parent, children: [] };
                any.parent.children.push(node);
                level.push(node);
              }
            }
          } else {
            const kept = level.filter((node) => node.policy !== issuerPolicy);
            for (const node of level) if (node.policy === issuerPolicy && node.parent) node.parent.children = node.parent.children.filter((c) => c !== node);
            level = prune(kept, root);
            if (!level) break;
          }
        }
      }
      // (h)
      if (!selfIssued) {
        if (explicitPolicy > 0) explicitPolicy--;
        if (policyMapping > 0) policyMapping--;
        if (inhibitAny > 0) inhibitAny--;
      }
      // (i), (j)
      const constraints = readPolicyConstraints(cert, index);
      if (constraints.requireExplicitPolicy !== undefined && constraints.requireExplicitPolicy < explicitPolicy) {
        explicitPolicy = constraints.requireExplicitPolicy;
        requiredBy = index;
      }
      if (constraints.inhibitPolicyMapping !== undefined && constraints.inhibitPolicyMapping < policyMapping) policyMapping = constraints.inhibitPolicyMapping;
      const skipCerts = readInhibitAnyPolicy(cert, index);
      if (skipCerts !== undefined && skipCerts < inhibitAny) inhibitAny = skipCerts;
    } else {
      // §6.1.5 (a), (b)
      if (explicitPolicy > 0) explicitPolicy--;
      const constraints = readPolicyConstraints(cert, index);
      if (constraints.requireExplicitPolicy === 0) {
        explicitPolicy = 0;
        requiredBy = index;
      }
    }
  }
  // §6.1.5 (g): the user-initial-policy-set is {anyPolicy}, so the tree is kept as it is.
  if (explicitPolicy === 0 && !level) {
    const by = requiredBy === undefined ? "" : ` (requireExplicitPolicy of ${(certs[requiredBy] as Certificate).subject})`;
    return [{ index: requiredBy ?? 0, code: "POLICY_REQUIRED", message: `no certificate policy is valid for the whole path but an explicit policy is required${by}: non-null policy tree required and policy tree is null` }];
  }
  return [];
}

/** §6.1.3 (d)(3): drop nodes above the new level that have no children; undefined when the tree is empty. */
function prune(next: PolicyNode[], root: PolicyNode): PolicyNode[] | undefined {
  if (next.length === 0) return undefined;
  const remove = (node: PolicyNode): void => {
    const parent = node.parent;
    if (!parent) return;
    parent.children = parent.children.filter((c) => c !== node);
    if (parent.children.length === 0) remove(parent);
  };
  // Nodes of the previous levels that lost all their children are removed up to the root.
  const stack: PolicyNode[] = [root];
  const childless: PolicyNode[] = [];
  const nextSet = new Set(next);
  while (stack.length > 0) {
    const node = stack.pop() as PolicyNode;
    if (nextSet.has(node)) continue;
    if (node.children.length === 0) childless.push(node);
    else stack.push(...node.children);
  }
  for (const node of childless) remove(node);
  return root.children.length === 0 && !nextSet.has(root) ? undefined : next;
}

function extensionValue(cert: Certificate, oid: string): Uint8Array | undefined {
  return cert.extensions.find((e) => e.oid === oid)?.value;
}

function malformed(cert: Certificate, index: number, what: string): PolicyError {
  return new PolicyError(index, `${cert.subject} has a ${what} extension that cannot be read`);
}

function readPolicies(cert: Certificate, index: number): string[] | undefined {
  const value = extensionValue(cert, CERTIFICATE_POLICIES);
  if (!value) return undefined;
  try {
    const outer = readTlv(value, 0);
    const policies = readChildren(value, outer).map((info) => {
      const oid = readChildren(value, info)[0];
      if (!oid || oid.tag !== Tag.oid) throw new Error("no policyIdentifier");
      return decodeOid(contentOf(value, oid));
    });
    if (policies.length === 0) throw new Error("empty");
    return policies;
  } catch {
    throw malformed(cert, index, "certificatePolicies");
  }
}

function readMappings(cert: Certificate, index: number): Map<string, string[]> | undefined {
  const value = extensionValue(cert, POLICY_MAPPINGS);
  if (!value) return undefined;
  const mappings = new Map<string, string[]>();
  try {
    for (const pair of readChildren(value, readTlv(value, 0))) {
      const [issuer, subject] = readChildren(value, pair);
      if (issuer?.tag !== Tag.oid || subject?.tag !== Tag.oid) throw new Error("not a pair of OIDs");
      const issuerPolicy = decodeOid(contentOf(value, issuer));
      const subjectPolicy = decodeOid(contentOf(value, subject));
      if (issuerPolicy === ANY_POLICY || subjectPolicy === ANY_POLICY) {
        // §6.1.4 (a); the JDK: "encountered an issuerDomainPolicy of ANY_POLICY".
        throw new PolicyError(index, `${cert.subject} maps anyPolicy in its policyMappings (RFC 5280 §6.1.4 (a))`);
      }
      const list = mappings.get(issuerPolicy);
      if (list) list.push(subjectPolicy);
      else mappings.set(issuerPolicy, [subjectPolicy]);
    }
  } catch (error) {
    if (error instanceof PolicyError) throw error;
    throw malformed(cert, index, "policyMappings");
  }
  return mappings;
}

function readPolicyConstraints(cert: Certificate, index: number): { requireExplicitPolicy?: number; inhibitPolicyMapping?: number } {
  const value = extensionValue(cert, POLICY_CONSTRAINTS);
  if (!value) return {};
  try {
    const result: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number } = {};
    for (const part of readChildren(value, readTlv(value, 0))) {
      if (part.tag === 0x80) result.requireExplicitPolicy = smallInteger(contentOf(value, part));
      else if (part.tag === 0x81) result.inhibitPolicyMapping = smallInteger(contentOf(value, part));
    }
    return result;
  } catch {
    throw malformed(cert, index, "policyConstraints");
  }
}

function readInhibitAnyPolicy(cert: Certificate, index: number): number | undefined {
  const value = extensionValue(cert, INHIBIT_ANY_POLICY);
  if (!value) return undefined;
  try {
    const tlv = readTlv(value, 0);
    if (tlv.tag !== Tag.integer) throw new Error("not an INTEGER");
    return smallInteger(contentOf(value, tlv));
  } catch {
    throw malformed(cert, index, "inhibitAnyPolicy");
  }
}

/** A SkipCerts INTEGER (0..MAX), capped: any value above a path's length means the same. */
function smallInteger(content: Uint8Array): number {
  if (content.length === 0 || ((content[0] as number) & 0x80) !== 0) throw new Error("negative or empty INTEGER");
  let value = 0;
  for (const byte of content) {
    value = value * 256 + byte;
    if (value > 1_000_000) return 1_000_000;
  }
  return value;
}
