import { OthernameError } from "../../errors.js";
import type { TrustSettings } from "../../ece/trust.js";
import { parseCertificate, type Certificate } from "../../pki/certificate.js";
import { decodePem } from "../../pki/pem.js";
import { OTHER_NAME_FIELD } from "../../trust/decide.js";
import { compileMatcher, type PatternMatcher } from "../../trust/pattern.js";
import { loadTrustRestrictions } from "../../trust/restrictions.js";
import { eceMember } from "../ece-cluster.js";
import { evaluateMesh, type MeshCluster, type MeshReport } from "../mesh.js";
import type { CaRole, RotationEce, RotationPlan, RotationState } from "./model.js";
import { replayRotation } from "./replay.js";

/**
 * `othername rotate check` without the I/O: the mesh at every step of a rotation plan, the mixed
 * states of each rolling restart included. Every node is a mesh member of its own (its truststore
 * and the certificate it presents at that step), since during a rolling restart the nodes of one
 * cluster are not in the same state: node-to-node links inside the cluster are checked the same
 * way as links to ECE. Elasticsearch's transport TLS is mutual, so a pair stays connected only when
 * each side accepts the other (evaluateMesh / refusalOf, with Elasticsearch's message).
 *
 * Pairs that must stay connected: every two nodes of the cluster (a node and itself included,
 * which stands for two nodes in the same state), and every node and ECE deployment that accept
 * each other before the rotation (a node and a deployment not connected today are named in
 * `notRequired`). Two nodes that do not accept each other before the rotation are a break of
 * the state before it (step 0), reported there once: the later steps are not blamed for it.
 */

/** A pair that must stay connected but does not at a step. */
export interface RotationBreak {
  readonly phase: number;
  readonly step: number;
  readonly label: string;
  /** The two members, as the plan names them (`ece:<id>` for a deployment). */
  readonly pair: readonly [string, string];
  /** The member that refuses, and the one it refuses. */
  readonly from: string;
  readonly to: string;
  /** Elasticsearch's rejection message. */
  readonly reason: string;
}

export interface RotationStepResult {
  readonly phase: number;
  readonly step: number;
  readonly label: string;
  readonly state: RotationState;
  readonly ok: boolean;
  readonly breaks: readonly RotationBreak[];
  readonly mesh: MeshReport;
}

export interface RotationCheck {
  /** No break at any step, and the rotation is complete at the end. */
  readonly ok: boolean;
  readonly at: string;
  readonly required: readonly (readonly [string, string])[];
  readonly notRequired: readonly (readonly [string, string])[];
  readonly steps: readonly RotationStepResult[];
  readonly breaks: readonly RotationBreak[];
  /** True when, after the last step, every node presents its new certificate and nothing trusts the old CA. */
  readonly complete: boolean;
  /** Why not complete: one line per node or deployment left on the old CA. */
  readonly incomplete: readonly string[];
}

/**
 * The name an ECE deployment has among the members of a rotation's mesh.
 *
 * @param deploymentId - The deployment id.
 * @returns `ece:<id>`, as breaks and the phase × step table name it.
 * @example
 * ```ts
 * eceMemberName("a1b2c3d4e5f6"); // "ece:a1b2c3d4e5f6"
 * ```
 */
export function eceMemberName(deploymentId: string): string {
  return `ece:${deploymentId}`;
}

/**
 * Checks a rotation plan step by step: the mesh of every step (the state before the rotation
 * first), every pair that must stay connected and does not (step, pair, reason), and whether the
 * rotation is complete at the end.
 *
 * @param plan - A rotation plan (from `planRotation`, or plan.json read back).
 * @param options - `at`: the time of the trust decisions (certificates' validity).
 * @returns The result per step with its mesh and breaks, every break, and completeness.
 * @throws OthernameError ROTATION_PLAN_INVALID when the plan's certificates or restrictions cannot be read, or a step names an unknown node.
 * @example
 * ```ts
 * const result = checkRotation(plan, { at: new Date() });
 * result.ok; // true for a plan from planRotation
 * result.breaks[0]; // { phase: 2, step: 1, pair: ["node-1", "node-2"], from: "node-2", to: "node-1", reason: "Certificate chain for CN=node-1 ..." }
 * ```
 */
export function checkRotation(plan: RotationPlan, options: { readonly at: Date }): RotationCheck {
  const material = readMaterial(plan);
  const replayed = replayRotation(plan);
  const nodeNames = plan.nodes.map((n) => n.name);
  const eceNames = plan.ece.map((e) => eceMemberName(e.deploymentId));
  const steps: RotationStepResult[] = [];
  const required: [string, string][] = [];
  const notRequired: [string, string][] = [];
  const connectedBefore: [string, string][] = [];
  nodeNames.forEach((a, i) => {
    for (const b of nodeNames.slice(i)) required.push([a, b]);
  });
  for (const [index, step] of replayed.entries()) {
    const mesh = evaluateMesh({ clusters: membersAt(plan, material, step.state), at: options.at });
    const accepts = (from: string, to: string) => mesh.pairs.find((p) => p.from === from && p.to === to);
    if (index === 0) {
      for (const node of nodeNames) {
        for (const ece of eceNames) {
          const pair: [string, string] = [node, ece];
          if (accepts(node, ece)?.accepted && accepts(ece, node)?.accepted) required.push(pair);
          else notRequired.push(pair);
        }
      }
    }
    const breaks: RotationBreak[] = [];
    // A pair already cut before the rotation is reported there once; later steps check the pairs that were connected.
    for (const [a, b] of index === 0 ? required : connectedBefore) {
      const refused = [accepts(a, b), accepts(b, a)].find((p) => p !== undefined && !p.accepted);
      if (refused === undefined) continue;
      breaks.push({ phase: step.phase, step: step.step, label: step.label, pair: [a, b], from: refused.from, to: refused.to, reason: refused.reason ?? "refused" });
    }
    if (index === 0) connectedBefore.push(...required.filter(([a, b]) => !breaks.some((x) => x.pair[0] === a && x.pair[1] === b)));
    steps.push({ phase: step.phase, step: step.step, label: step.label, state: step.state, ok: breaks.length === 0, breaks, mesh });
  }
  const last = replayed[replayed.length - 1]?.state;
  const incomplete: string[] = [];
  for (const node of last?.nodes ?? []) {
    if (node.presents !== "renewed") incomplete.push(`${node.node} still presents its certificate from the old CA`);
    if (node.trusts.includes("old")) incomplete.push(`${node.node} still trusts the old CA`);
    if (!node.trusts.includes("new")) incomplete.push(`${node.node} does not trust the new CA`);
  }
  for (const ece of last?.ece ?? []) {
    if (ece.trusts.includes("old")) incomplete.push(`ECE deployment ${ece.deployment} still trusts the old CA`);
    if (!ece.trusts.includes("new")) incomplete.push(`ECE deployment ${ece.deployment} does not trust the new CA`);
  }
  const breaks = steps.flatMap((s) => s.breaks);
  return {
    ok: breaks.length === 0 && incomplete.length === 0,
    at: options.at.toISOString().replace(/\.\d{3}Z$/, "Z"),
    required,
    notRequired,
    steps,
    breaks,
    complete: incomplete.length === 0,
    incomplete,
  };
}

interface Material {
  readonly cas: Readonly<Record<CaRole, Certificate>>;
  readonly extra: readonly Certificate[];
  readonly matcher: PatternMatcher | null;
  readonly nodes: ReadonlyMap<string, { readonly current: Certificate; readonly intermediates: readonly Certificate[]; readonly renewed: Certificate }>;
}

function readMaterial(plan: RotationPlan): Material {
  const one = (pem: string, what: string): Certificate => {
    const [first] = certificates(pem, what);
    if (first === undefined) throw invalid(`${what} holds no certificate`);
    return first;
  };
  let matcher: PatternMatcher | null = null;
  if (plan.restrictions !== null) {
    const loaded = loadTrustRestrictions(plan.restrictions);
    if (!loaded.ok) throw invalid(`the cluster's trust_restrictions (${plan.restrictions.fileName}) cannot be loaded: ${loaded.reason}`);
    matcher = loaded.matcher;
  }
  return {
    cas: { old: one(plan.oldCa, "oldCa"), new: one(plan.newCa, "newCa") },
    extra: plan.extraAnchors.flatMap((pem, i) => certificates(pem, `extraAnchors[${i}]`)),
    matcher,
    nodes: new Map(
      plan.nodes.map((n) => [
        n.name,
        {
          current: one(n.certificate, `node "${n.name}" certificate`),
          intermediates: n.intermediates.flatMap((pem) => certificates(pem, `node "${n.name}" intermediates`)),
          renewed: one(n.renewed, `node "${n.name}" renewed`),
        },
      ]),
    ),
  };
}

function membersAt(plan: RotationPlan, material: Material, state: RotationState): MeshCluster[] {
  const members: MeshCluster[] = state.nodes.map((node) => {
    const certs = material.nodes.get(node.node);
    if (certs === undefined) throw invalid(`node "${node.node}" has no certificates in the plan`);
    const renewed = node.presents === "renewed";
    return {
      name: node.node,
      anchors: [...node.trusts.map((role) => material.cas[role]), ...material.extra],
      matcher: material.matcher,
      fields: plan.fields,
      nodes: [{ kind: "certificate", label: `${node.node} (${renewed ? "new-CA certificate" : "old-CA certificate"})`, leaf: renewed ? certs.renewed : certs.current, intermediates: renewed ? [] : certs.intermediates }],
    };
  });
  for (const ece of plan.ece) {
    const trusts = state.ece.find((e) => e.deployment === ece.deploymentId)?.trusts ?? ["old"];
    const member = eceMember({ deploymentId: ece.deploymentId, ca: ece.ca, trust: rotatedTrust(ece, trusts, plan) });
    members.push({
      name: eceMemberName(ece.deploymentId),
      anchors: member.anchors,
      matcher: compileMatcher(member.patterns),
      fields: [OTHER_NAME_FIELD],
      nodes: member.node ? [member.node] : [],
    });
  }
  return members;
}

/**
 * The deployment's trust with each rotated direct entry holding `trusts` (old and/or new CA) in
 * place of the two CAs, every other certificate of the entry and every other entry as read.
 *
 * @param ece - The deployment as the plan read it.
 * @param trusts - The CAs the rotated entries hold.
 * @param plan - The plan (its old and new CA).
 * @returns The trust settings to write (or to model).
 * @example
 * ```ts
 * const trust = rotatedTrust(plan.ece[0], ["old", "new"], plan);
 * ```
 */
export function rotatedTrust(ece: RotationEce, trusts: readonly CaRole[], plan: Pick<RotationPlan, "oldCa" | "newCa">): TrustSettings {
  const pems: Record<CaRole, string> = { old: plan.oldCa, new: plan.newCa };
  const rotated = new Set([fingerprintOf(plan.oldCa), fingerprintOf(plan.newCa)]);
  return {
    ...ece.trust,
    direct: ece.trust.direct.map((entry) => {
      if (!ece.entries.includes(entry.name)) return entry;
      const kept = (entry.certificates ?? []).filter((c) => !certificates(c.pem ?? "", `direct trust "${entry.name}"`).some((cert) => rotated.has(cert.sha256)));
      return { ...entry, certificates: [...kept, ...trusts.map((role) => ({ pem: pems[role].trim() + "\n" }))] };
    }),
  };
}

function fingerprintOf(pem: string): string {
  return certificates(pem, "a CA")[0]?.sha256 ?? "";
}

function certificates(pem: string, what: string): Certificate[] {
  try {
    return decodePem(pem)
      .filter((b) => b.label === "CERTIFICATE")
      .map((b) => parseCertificate(b.der));
  } catch (error) {
    throw invalid(`${what} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function invalid(reason: string): OthernameError {
  return new OthernameError("ROTATION_PLAN_INVALID", `invalid rotation plan: ${reason}`, { hint: "Regenerate the plan with othername rotate plan." });
}
