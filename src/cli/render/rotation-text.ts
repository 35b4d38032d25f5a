import type { RotationCheck, RotationStepResult } from "../../fleet/rotation/check.js";
import type { CaRole, RotationPhase, RotationPlan } from "../../fleet/rotation/model.js";
import { meshLines, table, terminalSafe } from "./fleet-text.js";

/**
 * Text of `othername rotate`: the phase × step table, the breaks, and the READMEs of a plan
 * directory. Names come from certificate files and ECE: shown through terminalSafe.
 */

const roles = (trusts: readonly CaRole[]): string => (trusts.length === 0 ? "none" : trusts.join("+"));

/** Node cells read `CAs trusted / CA of the certificate presented`; ECE cells the CAs its rotated entries hold. */
export function rotationTable(check: RotationCheck): string[] {
  const first = check.steps[0];
  const nodes = first?.state.nodes.map((n) => n.node) ?? [];
  const eces = first?.state.ece.map((e) => e.deployment) ?? [];
  const rows = check.steps.map((s) => [
    s.phase === 0 ? "-" : String(s.phase),
    String(s.step),
    terminalSafe(s.label),
    ...s.state.nodes.map((n) => `${roles(n.trusts)}/${n.presents === "renewed" ? "new" : "old"}`),
    ...s.state.ece.map((e) => roles(e.trusts)),
    s.ok ? "ok" : `BROKEN (${s.breaks.length})`,
  ]);
  return [
    ...table(["phase", "step", "change", ...nodes.map(terminalSafe), ...eces.map((e) => terminalSafe(`ece:${e}`)), "connections"], rows),
    "(node: CAs trusted / CA of its certificate; ece: CAs its rotated direct trust holds)",
  ];
}

/** One line per break: step, pair, who refuses whom, Elasticsearch's reason. */
export function breakLines(check: RotationCheck): string[] {
  return check.breaks.map(
    (b) =>
      `${b.phase === 0 ? terminalSafe(b.label) : `phase ${b.phase} step ${b.step} (${terminalSafe(b.label)})`}: ${terminalSafe(b.pair[0])} <-> ${terminalSafe(b.pair[1])} cut: ${terminalSafe(b.from)} refuses ${terminalSafe(b.to)}: ${terminalSafe(b.reason)}`,
  );
}

/** The summary under the table. */
export function verdictLines(check: RotationCheck): string[] {
  const lines: string[] = [];
  const steps = check.steps.length;
  if (check.breaks.length === 0) lines.push(`every connection holds at all ${steps} steps (${check.required.length} pairs must stay connected)`);
  else lines.push(`${check.breaks.length} cut connection${check.breaks.length === 1 ? "" : "s"} in ${check.steps.filter((s) => !s.ok).length} of ${steps} steps:`, ...breakLines(check));
  for (const [a, b] of check.notRequired) lines.push(`note: ${terminalSafe(a)} <-> ${terminalSafe(b)} are not connected before the rotation: not required`);
  if (!check.complete) lines.push(`the rotation is not complete after the last step: ${check.incomplete.map(terminalSafe).join("; ")}`);
  return lines;
}

export interface PhaseFiles {
  readonly folder: string;
  readonly caBundle: string;
  readonly truststore?: string | undefined;
  readonly eceChanges: readonly { readonly deployment: string; readonly file: string }[];
  /**
   * Per node: whether it came as a PKCS#12 keystore, and its files in this phase: PEM certificate
   * and key (phase 2), and/or a PKCS#12 keystore (phases 2 and 3).
   */
  readonly nodeFiles: readonly { readonly node: string; readonly fromKeystore: boolean; readonly certificate?: string; readonly key?: string; readonly keystore?: string }[];
}

const PHASE_INTRO: Readonly<Record<number, string>> = {
  1: "Every node and every ECE deployment learns to trust the new CA, while everything still presents certificates from the old CA. Adding trust cuts nothing, so ECE goes first.",
  2: "Every node restarts with its certificate from the new CA: same subject, same names (otherName, DNS, IP). Nodes still on the old certificate are accepted by everyone (phase 1), and so are nodes on the new one.",
  3: "Nothing presents an old-CA certificate any more: every node restarts trusting only the new CA, then the ECE deployments drop the old CA.",
};

/** README.md of one phase folder: what to copy, the rolling restart order, the expected mesh. */
export function phaseReadme(phase: RotationPhase, check: RotationCheck, files: PhaseFiles, planDir: string): string {
  const steps = check.steps.filter((s) => s.phase === phase.number);
  const lines = [`# Phase ${phase.number}: ${phase.name}`, "", PHASE_INTRO[phase.number] ?? "", "", "## Files", ""];
  for (const f of files.nodeFiles) {
    if (f.certificate !== undefined && f.key !== undefined) lines.push(`- \`${f.certificate}\` and \`${f.key}\` (mode 0600): ${f.node}'s new certificate and key`);
    if (f.keystore !== undefined) {
      lines.push(
        phase.number === 2
          ? `- \`${f.keystore}\` (mode 0600, the plan's password): ${f.node}'s new keystore (\`keystore.path\`): its new key and certificate, trusting the old and the new CA, so it also serves as the truststore`
          : `- \`${f.keystore}\` (mode 0600, the plan's password): ${f.node}'s keystore trusting only the new CA, for a node whose \`truststore.path\` is its keystore (certutil's setup)`,
      );
    }
  }
  lines.push(`- \`${files.caBundle}\`: the CA bundle every node trusts in this phase (\`xpack.security.transport.ssl.certificate_authorities\`)`);
  if (files.truststore) lines.push(`- \`${files.truststore}\`: the same as a PKCS#12 truststore (\`truststore.path\`), protected by the plan's password`);
  for (const e of files.eceChanges) lines.push(`- \`${e.file}\`: the trust change of ECE deployment ${e.deployment}`);
  lines.push("", "## Steps (one at a time; wait for the cluster to be green before the next)", "");
  phase.steps.forEach((step, i) => {
    const a = step.action;
    const what =
      a.kind === "ece"
        ? `\`othername rotate check ${planDir} --apply-ece ${phase.number}\` — ${step.label}`
        : a.presents === "renewed"
          ? `${step.label}: first copy ${nodeCopy(files, a.node)}`
          : `${step.label}: first copy ${trustCopy(files, a.node)}`;
    lines.push(`${i + 1}. ${what}`);
  });
  lines.push("", "## Expected state", "");
  lines.push("```", ...rotationTable({ ...check, steps: steps.length > 0 ? steps : check.steps.slice(0, 1) }), "```", "");
  const last: RotationStepResult | undefined = steps[steps.length - 1];
  if (last) lines.push("The mesh after the last step (`othername mesh` on the live cluster should show the same):", "", "```", ...meshLines(last.mesh), "```", "");
  return lines.join("\n");
}

/** What a node copies to change the CAs it trusts (phases 1 and 3), and over what. */
function trustCopy(files: PhaseFiles, node: string): string {
  const f = files.nodeFiles.find((n) => n.node === node);
  const bundle = `\`${files.caBundle}\` over the node's CA bundle${files.truststore ? ` (or \`${files.truststore}\` over its truststore)` : ""}`;
  if (f?.keystore !== undefined) return `${bundle}, or \`${f.keystore}\` over its keystore when that is also its truststore`;
  // Phase 1 for a node whose .p12 may be keystore and truststore at once: never copy a truststore
  // over it (the node's key is in it).
  if (f?.fromKeystore) {
    return `${bundle}; if its truststore is its keystore \`.p12\`, do not copy anything over that file: ${files.truststore ? `set \`truststore.path\` to \`${files.truststore}\`` : "import the new CA into it (`keytool -importcert -alias new-ca`)"}`;
  }
  return bundle;
}

/** What a node copies in phase 2, and over what: its `.crt` and `.key`, and/or its `.p12`. */
function nodeCopy(files: PhaseFiles, node: string): string {
  const f = files.nodeFiles.find((n) => n.node === node);
  const pem = "its `.crt` and `.key` over the node's transport certificate and key";
  if (f?.keystore === undefined) return pem;
  const keystore = `\`${f.keystore}\` over the node's transport keystore`;
  return f.certificate === undefined ? keystore : `${pem} (or ${keystore}, if it uses one)`;
}

/** README.md at the top of a plan directory. */
export function planReadme(plan: RotationPlan, check: RotationCheck, folders: readonly string[], planDir: string): string {
  return [
    `# CA rotation of ${plan.cluster}`,
    "",
    `Made ${plan.createdAt} by \`othername rotate plan\`: ${plan.nodes.length} node${plan.nodes.length === 1 ? "" : "s"}, ${plan.ece.length} ECE deployment${plan.ece.length === 1 ? "" : "s"}.`,
    "Do the phases in order; within a phase, restart the nodes one at a time. Before starting, and after editing plan.json, run:",
    "",
    "```",
    `othername rotate check ${planDir}`,
    "```",
    "",
    ...folders.map((f, i) => `${i + 1}. [${f}](${f}/README.md)`),
    "",
    "```",
    ...rotationTable(check),
    "",
    ...verdictLines(check),
    "```",
    "",
  ].join("\n");
}

export { meshLines };
