import { parseCertificate, type Certificate } from "../pki/certificate.js";
import { decodePem } from "../pki/pem.js";
import type { CertificateAuthority } from "../ece/model.js";
import type { TrustSettings } from "../ece/trust.js";
import { uniqueCertificates } from "../pki/anchors.js";
import type { MeshNode } from "./mesh.js";

/**
 * An ECE deployment as a member of the mesh, from what the ECE API says (its CA endpoint and its
 * trust settings). Pure: API documents in, anchors, patterns and a described node out.
 *
 * How the trust settings become what the deployment's nodes check (ECE writes them into the
 * nodes' trust configuration; modelled here as Elasticsearch would then decide):
 * - anchors: the deployment's own CA certificates (every one, the rotation's next CA included)
 *   and the CA certificates of every `direct` trust entry;
 * - patterns: the deployment's own recommended restriction (its nodes trust each other);
 *   `accounts` entries trust the clusters of the environment's scope (the scope of the recommended
 *   restriction): all of them with `trust_all`, else those in `trust_allowlist`; `direct`
 *   entries trust `*.node.*.cluster.<scope_id>` with `trust_all`, `*.node.<id>.cluster.<scope_id>`
 *   for each allow-listed cluster id, and each `additional_node_names` entry exactly;
 * - `external` entries name other environments whose CAs the API does not return: they are
 *   reported as a note and not modelled.
 * Its nodes are described by the active CA (their issuer) and a name that the recommended
 * restriction matches (`*` stands for `instance-0000000000`).
 */
export interface EceMember {
  readonly anchors: readonly Certificate[];
  readonly patterns: readonly string[];
  readonly node: MeshNode | undefined;
  readonly notes: readonly string[];
}

/** What a `*` of a recommended pattern stands for in the described node's name (an ECE instance id). */
export const SAMPLE_NODE = "instance-0000000000";

/**
 * An ECE deployment as a cluster of the mesh (see the module comment for the model).
 *
 * @param input - The deployment id, its CA endpoint's answer and its trust settings (`normalizeTrust`).
 * @returns Its anchors, the patterns its nodes check, a described node (or none) and notes on what is not modelled.
 * @throws OthernameError CERT_MALFORMED or PEM_MALFORMED when ECE returns a certificate that cannot be read.
 * @example
 * ```ts
 * const state = await readTrustState(client, { deploymentId });
 * const member = eceMember({ deploymentId, ca: await client.getCertificateAuthority(deploymentId), trust: state.trust });
 * const cluster = { name: "ece-a", anchors: member.anchors, matcher: compileMatcher(member.patterns), fields: [OTHER_NAME_FIELD], nodes: member.node ? [member.node] : [] };
 * ```
 */
export function eceMember(input: { readonly deploymentId: string; readonly ca: CertificateAuthority; readonly trust: TrustSettings }): EceMember {
  const { deploymentId, ca, trust } = input;
  const notes: string[] = [];
  const own = (ca.public_certificates ?? []).flatMap((entry) =>
    certificatesIn(entry.pem ?? "").map((certificate) => ({ certificate, active: entry.active === true })),
  );
  const active = own.find((c) => c.active)?.certificate ?? own[0]?.certificate;
  const anchors: Certificate[] = own.map((c) => c.certificate);
  const recommended = (ca.recommended_trust_restriction ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "");
  const patterns: string[] = [...recommended];
  const scope = recommended.map((p) => /\.cluster\.(.+)$/.exec(p)?.[1]).find((s) => s !== undefined && !s.includes("*"));
  for (const account of trust.accounts) {
    if (scope === undefined) {
      notes.push(`account trust "${account.name ?? account.account_id}" not modelled: the deployment's recommended restriction names no scope`);
      continue;
    }
    if (account.trust_all) patterns.push(`*.node.*.cluster.${scope}`);
    else for (const cluster of account.trust_allowlist ?? []) patterns.push(`*.node.${escapeWildcard(cluster)}.cluster.${scope}`);
  }
  for (const direct of trust.direct) {
    for (const entry of direct.certificates ?? []) anchors.push(...certificatesIn(entry.pem ?? ""));
    if (direct.scope_id !== undefined && direct.scope_id !== "") {
      if (direct.trust_all) patterns.push(`*.node.*.cluster.${escapeWildcard(direct.scope_id)}`);
      else for (const cluster of direct.trust_allowlist ?? []) patterns.push(`*.node.${escapeWildcard(cluster)}.cluster.${escapeWildcard(direct.scope_id)}`);
    }
    for (const name of direct.additional_node_names ?? []) patterns.push(escapeWildcard(name));
  }
  for (const external of trust.external) notes.push(`external trust "${external.name ?? external.trust_relationship_id}" is not modelled (the API does not return that environment's CA)`);
  const names = recommended.filter((p) => !p.startsWith("/")).map(sampleName);
  let node: MeshNode | undefined;
  if (active === undefined) notes.push(`deployment ${deploymentId}: ECE returned no CA certificate, so its nodes cannot be checked`);
  else if (names.length === 0) notes.push(`deployment ${deploymentId}: no recommended trust restriction to derive its nodes' names from`);
  else node = { kind: "described", label: `${deploymentId} (names from ECE)`, subject: `(nodes of ECE deployment ${deploymentId})`, issuer: active, otherNames: names, dns: [] };
  return { anchors: uniqueCertificates(anchors), patterns: [...new Set(patterns)], node, notes };
}

function certificatesIn(pem: string): Certificate[] {
  return decodePem(pem)
    .filter((b) => b.label === "CERTIFICATE")
    .map((b) => parseCertificate(b.der));
}

/**
 * A literal name as an Elasticsearch wildcard pattern: `*`, `?` and `\` escaped; a leading `/` too (it would start a regex).
 *
 * @param name - An exact node name (ECE `additional_node_names`).
 * @returns The pattern matching exactly that name.
 * @example
 * ```ts
 * escapeWildcard("a*b"); // "a\\*b"
 * ```
 */
export function escapeWildcard(name: string): string {
  return name.replace(/[*?\\]/g, (c) => `\\${c}`).replace(/^\//, "\\/");
}

/**
 * A concrete name a wildcard pattern matches: `*` → an instance id, `?` → `0`, `\x` → `x`.
 *
 * @param pattern - A wildcard pattern (not a `/regex/`).
 * @returns A name the pattern matches.
 * @example
 * ```ts
 * sampleName("*.node.d1.cluster.s"); // "instance-0000000000.node.d1.cluster.s"
 * ```
 */
export function sampleName(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\" && i + 1 < pattern.length) out += pattern[++i];
    else if (c === "*") out += SAMPLE_NODE;
    else if (c === "?") out += "0";
    else out += c;
  }
  return out;
}
