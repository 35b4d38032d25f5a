import { OthernameError } from "../../errors.js";
import type { CertificateAuthority } from "../../ece/model.js";
import type { TrustSettings } from "../../ece/trust.js";
import { parseCertificate, type Certificate } from "../../pki/certificate.js";
import { isSignedBy } from "../../pki/issue.js";
import { decodePem } from "../../pki/pem.js";
import { OTHER_NAME_FIELD, type TrustField } from "../../trust/decide.js";
import { eceMemberName } from "./check.js";
import { PLAN_FORMAT, type RotationNode, type RotationPhase, type RotationPlan, type RotationRestrictions, type RotationStep } from "./model.js";

/**
 * `othername rotate plan` without the I/O: the three phases of replacing a cluster's CA without
 * cutting a connection, as Elastic's manual procedure describes them, with the rolling-restart
 * order of each. Pure: certificates (PEM) and ECE API documents in, a plan value out; the new
 * node certificates are issued by the caller (phase 2 needs a signing key and is async).
 *
 * 1. trust both — the ECE deployments' direct trust entries that hold the old CA get the new CA
 *    too (first: adding trust cuts nothing), then every node restarts, one at a time, with a CA
 *    bundle / truststore of old + new CA;
 * 2. new node certificates — every node restarts, one at a time, with its certificate from the
 *    new CA (same subject and names), still trusting both;
 * 3. drop the old CA — every node restarts, one at a time, trusting only the new CA, then the ECE
 *    entries drop the old CA.
 */
export interface RotationInputNode {
  readonly name: string;
  readonly source: string;
  /** Its certificate today, PEM (issued by the old CA). */
  readonly certificate: string;
  readonly intermediates?: readonly string[] | undefined;
  /** Its certificate from the new CA, PEM. */
  readonly renewed: string;
}

export interface RotationInputEce {
  readonly deploymentId: string;
  readonly refId?: string | undefined;
  readonly ca: CertificateAuthority;
  readonly trust: TrustSettings;
}

export interface RotationInput {
  /** A name for the cluster, shown in the plan (default "cluster"). */
  readonly cluster?: string | undefined;
  readonly oldCa: string;
  readonly newCa: string;
  readonly nodes: readonly RotationInputNode[];
  readonly extraAnchors?: readonly string[] | undefined;
  readonly restrictions?: RotationRestrictions | null | undefined;
  readonly fields?: readonly TrustField[] | undefined;
  readonly ece?: readonly RotationInputEce[] | undefined;
  readonly createdAt: Date;
}

/** The phases' names, as the plan directory's folders are named. */
export const PHASE_NAMES = ["trust both CAs", "new node certificates", "drop the old CA"] as const;

/**
 * Plans a CA rotation: phases 1 (trust both), 2 (new node certificates), 3 (drop the old CA), each
 * a rolling restart, node by node, with the ECE trust changes where they cut nothing.
 *
 * @param input - The old and new CA (PEM), the nodes with their current and renewed certificates, other anchors the nodes keep, the cluster's trust_restrictions, and the ECE deployments as read.
 * @returns The plan: the inputs and the ordered steps of each phase (check it with `checkRotation`).
 * @throws OthernameError ROTATION_INPUT_INVALID when a CA or certificate cannot be read, the two CAs are the same, a node name repeats, or a renewed certificate is not signed by the new CA.
 * @example
 * ```ts
 * const plan = planRotation({ oldCa: ca1Pem, newCa: ca2Pem, nodes: [{ name: "node-1", source: "certs/node-1", certificate: node1Pem, renewed: node1NewPem }], createdAt: new Date() });
 * plan.phases.map((p) => p.name); // ["trust both CAs", "new node certificates", "drop the old CA"]
 * ```
 */
export function planRotation(input: RotationInput): RotationPlan {
  const oldCa = onlyCertificate(input.oldCa, "the old CA");
  const newCa = onlyCertificate(input.newCa, "the new CA");
  if (oldCa.sha256 === newCa.sha256) throw invalid("the old and the new CA are the same certificate", "Give a new CA, or let rotate plan generate one.");
  const names = new Set<string>();
  const nodes: RotationNode[] = input.nodes.map((node) => {
    if (node.name === "" || names.has(node.name) || node.name.startsWith("ece:")) throw invalid(`node name "${node.name}" is empty, repeated or reserved`, "Each node needs its own name.");
    names.add(node.name);
    onlyCertificate(node.certificate, `the certificate of node ${node.name}`);
    const renewed = onlyCertificate(node.renewed, `the new certificate of node ${node.name}`);
    if (!isSignedBy(renewed.der, newCa.publicKey.spki)) throw invalid(`the new certificate of node ${node.name} is not signed by the new CA`, "Issue it with the new CA's key.");
    return { name: node.name, source: node.source, certificate: node.certificate, intermediates: [...(node.intermediates ?? [])], renewed: node.renewed };
  });
  const ece = (input.ece ?? []).map((e) => ({
    deploymentId: e.deploymentId,
    ...(e.refId === undefined ? {} : { refId: e.refId }),
    ca: e.ca,
    trust: e.trust,
    // The entries that trust the cluster today: those holding the old CA.
    entries: e.trust.direct.filter((d) => (d.certificates ?? []).some((c) => holds(c.pem ?? "", oldCa))).map((d) => d.name),
  }));
  const restart = (step: (name: string) => RotationStep): RotationStep[] => nodes.map((n) => step(n.name));
  const changed = ece.filter((e) => e.entries.length > 0);
  const phases: RotationPhase[] = [
    {
      number: 1,
      name: PHASE_NAMES[0],
      steps: [
        ...changed.map((e): RotationStep => ({ label: `${eceMemberName(e.deploymentId)} trusts the old and the new CA`, action: { kind: "ece", deployment: e.deploymentId, trusts: ["old", "new"] } })),
        ...restart((node) => ({ label: `${node} restarts trusting old + new CA`, action: { kind: "node", node, trusts: ["old", "new"] } })),
      ],
    },
    {
      number: 2,
      name: PHASE_NAMES[1],
      steps: restart((node) => ({ label: `${node} restarts with its new-CA certificate`, action: { kind: "node", node, presents: "renewed" } })),
    },
    {
      number: 3,
      name: PHASE_NAMES[2],
      steps: [
        ...restart((node) => ({ label: `${node} restarts trusting only the new CA`, action: { kind: "node", node, trusts: ["new"] } })),
        ...changed.map((e): RotationStep => ({ label: `${eceMemberName(e.deploymentId)} trusts only the new CA`, action: { kind: "ece", deployment: e.deploymentId, trusts: ["new"] } })),
      ],
    },
  ];
  return {
    format: PLAN_FORMAT,
    version: 1,
    createdAt: input.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
    cluster: input.cluster ?? "cluster",
    oldCa: input.oldCa,
    newCa: input.newCa,
    extraAnchors: [...(input.extraAnchors ?? [])],
    restrictions: input.restrictions ?? null,
    fields: [...(input.fields ?? [OTHER_NAME_FIELD])],
    nodes,
    ece,
    phases,
  };
}

function holds(pem: string, ca: Certificate): boolean {
  try {
    return decodePem(pem).some((b) => b.label === "CERTIFICATE" && parseCertificate(b.der).sha256 === ca.sha256);
  } catch {
    return false;
  }
}

function onlyCertificate(pem: string, what: string): Certificate {
  let found: Certificate | undefined;
  try {
    const block = decodePem(pem).find((b) => b.label === "CERTIFICATE");
    found = block === undefined ? undefined : parseCertificate(block.der);
  } catch (error) {
    throw invalid(`${what} cannot be read: ${error instanceof Error ? error.message : String(error)}`, "Give a PEM certificate.");
  }
  if (found === undefined) throw invalid(`${what} holds no certificate`, "Give a PEM certificate.");
  return found;
}

function invalid(reason: string, hint: string): OthernameError {
  return new OthernameError("ROTATION_INPUT_INVALID", `cannot plan the CA rotation: ${reason}`, { hint });
}
