import { basename, resolve } from "node:path";
import { readTrustState } from "../../../ece/update-trust.js";
import { ExitCode, OthernameError } from "../../../errors.js";
import { checkRotation, eceMemberName, rotatedTrust } from "../../../fleet/rotation/check.js";
import type { CaRole, RotationPlan } from "../../../fleet/rotation/model.js";
import { PHASE_NAMES, planRotation, type RotationInputEce, type RotationInputNode } from "../../../fleet/rotation/plan.js";
import { loadAnchors } from "../../../io/anchors.js";
import { readCertificateSources } from "../../../io/certificate-sources.js";
import { openStage, type StageEntry } from "../../../io/output-stage.js";
import { resolvePassword } from "../../../io/password.js";
import { readInputFile } from "../../../io/read-input.js";
import type { Certificate } from "../../../pki/certificate.js";
import { isSignedBy, type Issuer } from "../../../pki/issue.js";
import { exportPrivateKeyPem, parseKeySpec, type KeySpec, type PrivateKey } from "../../../pki/keys.js";
import { keySpecOf, reissueCertificate } from "../../../pki/reissue.js";
import { encodePem } from "../../../pki/pem.js";
import { parseTrustFields } from "../../../trust/decide.js";
import { loadTrustRestrictions } from "../../../trust/restrictions.js";
import { loadIssuer } from "../../ca-source.js";
import type { CommandContext } from "../../context.js";
import { keyText } from "../../key-options.js";
import { wholeNumberOption } from "../../number-option.js";
import { phaseReadme, planReadme, rotationTable, verdictLines, type PhaseFiles } from "../../render/rotation-text.js";
import { terminalSafe } from "../../render/fleet-text.js";
import type { EceArgs } from "../ece/args.js";
import { connect } from "../ece/connection.js";
import type { RotateArgs } from "./args.js";

const PUBLIC = 0o644;
const PRIVATE = 0o600;
const FOLDERS = ["phase-1-trust-both", "phase-2-new-certificates", "phase-3-drop-old-ca"] as const;
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function usage(message: string, hint = "See othername rotate --help."): OthernameError {
  return new OthernameError("USAGE", message, { kind: "usage", hint });
}

/** `othername rotate plan`: read the cluster, issue phase 2's certificates, write the plan directory. */
export async function rotatePlan(args: RotateArgs, ctx: CommandContext): Promise<ExitCode> {
  if (args["old-ca"] === undefined) throw usage("rotate plan needs --old-ca FILE (the CA being replaced)");
  if (args.bundle === undefined || args.bundle.length === 0) throw usage("rotate plan needs --bundle PATH (the cluster's node certificates)");
  if (args.out === undefined) throw usage("rotate plan needs --out DIR (the plan directory)");
  const newCaFlags = [args["new-ca"] !== undefined, args["new-ca-cert"] !== undefined || args["new-ca-key"] !== undefined].filter(Boolean).length;
  if (newCaFlags > 1) throw usage("--new-ca and --new-ca-cert/--new-ca-key exclude each other");
  if (newCaFlags === 1 && (args["ca-dn"] !== undefined || args.key !== undefined || args.keysize !== undefined)) {
    throw usage("--ca-dn and --key describe a CA to generate: they do not go with --new-ca or --new-ca-cert");
  }
  const days = wholeNumberOption("--days", args.days, { min: 1, max: 36500, unit: "days", command: "rotate plan" });
  const caDays = wholeNumberOption("--ca-days", args["ca-days"], { min: 1, max: 36500, unit: "days", command: "rotate plan" });
  const now = ctx.io.now();
  const password = await resolvePassword({ file: args["pass-file"], env: args["pass-env"] }, { ...ctx.io, stdinIsTTY: false });
  const generate = newCaFlags === 0;
  if (generate && password === undefined && args.password !== false) {
    throw usage("rotate plan would write the generated CA's key unencrypted", "Give --pass-file FILE or --pass-env VAR to encrypt it, or --no-password to write it unencrypted on purpose.");
  }

  const oldCa = pickCa(await loadAnchors([args["old-ca"]], { cwd: ctx.io.cwd, passFile: args["ca-pass-file"], passEnv: args["ca-pass-env"], flag: "--old-ca" }, ctx.io), args["old-ca"]);
  const fields = args.fields === undefined ? undefined : parseTrustFields(args.fields);
  let restrictions: { fileName: string; text: string } | null = null;
  if (args.restrictions !== undefined) {
    restrictions = { fileName: basename(args.restrictions), text: Buffer.from(await readInputFile(args.restrictions, ctx.io.cwd, "--restrictions file")).toString("utf8") };
    const loaded = loadTrustRestrictions(restrictions);
    if (!loaded.ok) throw new OthernameError("TRUST_FILE_INVALID", `cannot load ${args.restrictions} (--restrictions): ${loaded.reason}`, { hint: `Elasticsearch would refuse it too; run othername lint ${args.restrictions}.` });
  }
  const extra = args["extra-ca"]?.length ? await loadAnchors(args["extra-ca"], { cwd: ctx.io.cwd, passFile: args["ca-pass-file"], passEnv: args["ca-pass-env"], flag: "--extra-ca" }, ctx.io) : [];

  const nodes = await readNodes(args.bundle, oldCa, password, ctx);
  const ece = await readEce(args, ctx);

  // The new CA: given, or generated like `othername ca` (key type of the old CA unless --key).
  const files: StageEntry[] = [];
  let issuer: Issuer;
  if (generate) {
    const { createAutoCa } = await import("../../auto-ca.js");
    let subject;
    if (args["ca-dn"] !== undefined) {
      const { parseDistinguishedName } = await import("../../../instances/distinguished-name.js");
      const dn = parseDistinguishedName(args["ca-dn"]);
      if (!dn.ok) throw usage(`invalid --ca-dn: ${dn.reason}`);
      subject = dn.dn;
    }
    const keySpec = keyText(args) !== undefined ? parseKeySpec(keyText(args)) : specOf(oldCa);
    const auto = await createAutoCa({ keySpec, subject, notBefore: now, notAfter: addDays(now, caDays), keepKey: "pem", password });
    issuer = auto.issuer;
    files.push(...auto.files.map((f) => ({ path: f.path.replace(/^ca\//, "new-ca/"), bytes: f.bytes, mode: f.mode })));
  } else {
    issuer = await loadIssuer({ ca: args["new-ca"], caCert: args["new-ca-cert"], caKey: args["new-ca-key"], caPassFile: args["ca-pass-file"], caPassEnv: args["ca-pass-env"] }, ctx);
    files.push({ path: "new-ca/ca.crt", bytes: text(encodePem("CERTIFICATE", issuer.certificate.der)), mode: PUBLIC });
  }
  const newCaPem = encodePem("CERTIFICATE", issuer.certificate.der);

  // Phase 2: one new key (of the node's key type, or --key) and certificate per node.
  const { writePkcs12 } = await import("../../../pki/pkcs12/index.js");
  const inputs: RotationInputNode[] = [];
  for (const node of nodes) {
    // Same subject and SubjectAltName bytes, new validity, a new key; the issuer changes on purpose (reissuer).
    const result = await reissueCertificate({
      certificate: node.leaf,
      issuer,
      validity: { days, at: now },
      key: { generate: keyText(args) !== undefined ? parseKeySpec(keyText(args)) : keySpecOf(node.leaf) },
      reissuer: true,
    });
    const key = result.key as PrivateKey;
    const renewed = encodePem("CERTIFICATE", result.der);
    if (node.forms.has("pem")) {
      files.push({ path: `${FOLDERS[1]}/${node.name}/${node.name}.crt`, bytes: text(renewed), mode: PUBLIC });
      files.push({ path: `${FOLDERS[1]}/${node.name}/${node.name}.key`, bytes: text(exportPrivateKeyPem(key, { format: "pkcs8", password })), mode: PRIVATE });
    }
    if (node.forms.has("pkcs12")) {
      // As certutil's keystores: the key with its certificate and the CA, and the CAs as trusted
      // entries, since many nodes use the one .p12 as keystore.path and truststore.path. Phase 2's
      // keystore trusts what phase 1 does (old + new CA); phase 3's the new CA only.
      const keystore = (trusted: readonly CaRole[]) =>
        writePkcs12(
          {
            key: { pkcs8: key.pkcs8, certificate: result.der, alias: node.name, chain: [issuer.certificate.der] },
            trustedCertificates: trustedEntries(trusted, { old: oldCa.der, new: issuer.certificate.der }, extra.map((c) => c.der)),
          },
          password ?? "",
        );
      files.push({ path: `${FOLDERS[1]}/${node.name}/${node.name}.p12`, bytes: await keystore(["old", "new"]), mode: PRIVATE });
      files.push({ path: `${FOLDERS[2]}/${node.name}/${node.name}.p12`, bytes: await keystore(["new"]), mode: PRIVATE });
    }
    inputs.push({ name: node.name, source: node.source, certificate: encodePem("CERTIFICATE", node.leaf.der), intermediates: node.intermediates.map((c) => encodePem("CERTIFICATE", c.der)), renewed });
  }

  const plan = planRotation({
    cluster: args.cluster,
    oldCa: encodePem("CERTIFICATE", oldCa.der),
    newCa: newCaPem,
    nodes: inputs,
    extraAnchors: extra.map((c) => encodePem("CERTIFICATE", c.der)),
    restrictions,
    fields,
    ece,
    createdAt: now,
  });
  const check = checkRotation(plan, { at: now });
  files.push(...(await phaseFiles(plan, check, password, args.out, new Map(nodes.map((n) => [n.name, n.forms])))));
  files.push({ path: "plan.json", bytes: text(`${JSON.stringify(plan, null, 2)}\n`), mode: PUBLIC });
  files.push({ path: "README.md", bytes: text(planReadme(plan, check, FOLDERS, args.out)), mode: PUBLIC });

  const stage = await openStage({ target: resolve(ctx.io.cwd, args.out), kind: "directory", files: files.map((f) => f.path), force: args.force === true, shown: args.out });
  for (const note of stage.notes) ctx.note(note);
  try {
    await stage.write(files);
    await stage.publish();
  } finally {
    await stage.discard();
  }
  if (args.json) {
    ctx.json({ out: args.out, files: files.map((f) => f.path), ...checkJson(check) });
  } else {
    ctx.out(`wrote ${args.out}: ${FOLDERS.join(", ")}, plan.json (${plan.nodes.length} nodes, ${plan.ece.length} ECE deployment${plan.ece.length === 1 ? "" : "s"})`);
    for (const line of [...rotationTable(check), "", ...verdictLines(check)]) ctx.out(line);
  }
  if (!check.ok) ctx.warn(`the plan does not keep every connection: see above, and fix the inputs before using it`);
  return ExitCode.ok;
}

/** The JSON of a check, without the meshes' pair lists (ask mesh --json for those). */
export function checkJson(check: ReturnType<typeof checkRotation>): Record<string, unknown> {
  return {
    ok: check.ok,
    at: check.at,
    required: check.required,
    notRequired: check.notRequired,
    steps: check.steps.map((s) => ({ phase: s.phase, step: s.step, label: s.label, ok: s.ok, state: s.state, breaks: s.breaks })),
    breaks: check.breaks,
    complete: check.complete,
    incomplete: check.incomplete,
  };
}

interface ReadNode {
  readonly name: string;
  readonly source: string;
  readonly leaf: Certificate;
  readonly intermediates: readonly Certificate[];
  /** The forms the node's files came in: phase 2 writes its new files in the same forms. */
  readonly forms: Set<NodeForm>;
}

/** A node configured with a PKCS#12 keystore (certutil's default), or with PEM certificate and key. */
type NodeForm = "pkcs12" | "pem";

async function readNodes(bundles: readonly string[], oldCa: Certificate, password: string | undefined, ctx: CommandContext): Promise<ReadNode[]> {
  const read = await readCertificateSources(bundles, { cwd: ctx.io.cwd, password, concurrency: 16, timeoutMs: 10_000 });
  if (read.problems.length > 0) {
    const first = read.problems[0] as (typeof read.problems)[number];
    throw new OthernameError("ROTATION_INPUT_INVALID", `cannot read the node certificates (--bundle): ${terminalSafe(first.source)}: ${terminalSafe(first.message)}${read.problems.length > 1 ? ` (and ${read.problems.length - 1} more)` : ""}`, {
      hint: "Every node's certificate must be readable; give the PKCS#12 password with --pass-file or --pass-env.",
    });
  }
  const nodes: ReadNode[] = [];
  for (const source of read.sources) {
    const [leaf, ...intermediates] = source.certificates;
    if (leaf === undefined || leaf.isCa) continue; // a CA certificate in a bundle is not a node
    const name = nodeName(source.source);
    const form: NodeForm = /\.(p12|pfx)$/i.test(source.source) ? "pkcs12" : "pem";
    const same = nodes.find((n) => n.name === name);
    if (same !== undefined) {
      if (same.leaf.sha256 === leaf.sha256) {
        same.forms.add(form); // node-1.p12 and node-1.crt of the same node
        continue;
      }
      throw new OthernameError("ROTATION_INPUT_INVALID", `cannot plan the rotation: two different certificates for node ${terminalSafe(name)} (${terminalSafe(same.source)} and ${terminalSafe(source.source)})`, {
        hint: "Give each node's certificate once (one bundle per cluster).",
      });
    }
    if (!isSignedBy(leaf.der, oldCa.publicKey.spki)) {
      throw new OthernameError("ROTATION_INPUT_INVALID", `cannot plan the rotation: ${terminalSafe(source.source)} (${terminalSafe(leaf.subject)}) is not issued by the old CA ${terminalSafe(oldCa.subject)} (--old-ca)`, {
        hint: "Give the CA that issued the cluster's node certificates as --old-ca, and only that cluster's bundles.",
      });
    }
    nodes.push({ name, source: source.source, leaf, intermediates, forms: new Set([form]) });
  }
  if (nodes.length === 0) throw new OthernameError("ROTATION_INPUT_INVALID", `cannot plan the rotation: no node certificate in ${bundles.join(", ")} (--bundle)`, { hint: "Point --bundle at the directory or .zip that holds the nodes' certificates." });
  return nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `certs/node-1/node-1.crt` and `bundle.zip!node-1/node-1.p12` are both node-1. */
function nodeName(source: string): string {
  const inner = source.includes("!") ? source.slice(source.lastIndexOf("!") + 1) : source;
  return basename(inner.replace(/\\/g, "/")).replace(/\.(crt|pem|cer|der|p12|pfx)$/i, "");
}

async function readEce(args: RotateArgs, ctx: CommandContext): Promise<RotationInputEce[]> {
  const ids = [...new Set(args["ece-deployment"] ?? [])];
  if (ids.length === 0) return [];
  const client = await connect(eceArgs(args), ctx);
  try {
    const out: RotationInputEce[] = [];
    for (const deploymentId of ids) {
      const state = await readTrustState(client, { deploymentId });
      out.push({ deploymentId, refId: state.resource.ref_id, ca: await client.getCertificateAuthority(deploymentId), trust: state.trust });
    }
    return out;
  } finally {
    await client.close();
  }
}

export function eceArgs(args: RotateArgs): EceArgs {
  return { url: args.url, user: args.user, "api-ca": args["api-ca"], insecure: args.insecure, timeout: args.timeout, json: args.json } as EceArgs;
}

/** Trusted-certificate entries: the rotation's CAs of `roles`, then the CAs trusted throughout (`--extra-ca`). */
function trustedEntries(roles: readonly CaRole[], cas: Readonly<Record<CaRole, Uint8Array>>, extra: readonly Uint8Array[]): { der: Uint8Array; alias: string }[] {
  return [...roles.map((r) => ({ der: cas[r], alias: r === "old" ? "old-ca" : "new-ca" })), ...extra.map((der, i) => ({ der, alias: `extra-ca-${i + 1}` }))];
}

async function phaseFiles(plan: RotationPlan, check: ReturnType<typeof checkRotation>, password: string | undefined, planDir: string, forms: ReadonlyMap<string, ReadonlySet<NodeForm>>): Promise<StageEntry[]> {
  const entries: StageEntry[] = [];
  const bundles: Record<number, readonly CaRole[]> = { 1: ["old", "new"], 2: ["old", "new"], 3: ["new"] };
  const pems: Record<CaRole, string> = { old: plan.oldCa, new: plan.newCa };
  const { writePkcs12 } = await import("../../../pki/pkcs12/index.js");
  const { decodePem } = await import("../../../pki/pem.js");
  const der = (pem: string) => (decodePem(pem)[0] as { der: Uint8Array }).der;
  for (const phase of plan.phases) {
    const folder = FOLDERS[phase.number - 1] ?? `phase-${phase.number}`;
    const roles = bundles[phase.number] ?? ["new"];
    const caBundle = `${folder}/ca-bundle.crt`;
    // The CAs the check gives every node at this phase: the rotation's, and the --extra-ca ones
    // trusted throughout. A bundle without the extras, copied over a node's, would cut it off
    // from ECE (whose CA is the usual extra).
    const bundlePems = [...roles.map((r) => pems[r]), ...plan.extraAnchors];
    entries.push({ path: caBundle, bytes: text(bundlePems.map((pem) => pem.trim() + "\n").join("")), mode: PUBLIC });
    let truststore: string | undefined;
    if (password !== undefined) {
      // For nodes configured with truststore.path: the same CAs as Java trusted-certificate entries.
      truststore = `${folder}/truststore.p12`;
      const trusted = trustedEntries(roles, { old: der(pems.old), new: der(pems.new) }, plan.extraAnchors.map(der));
      entries.push({ path: truststore, bytes: await writePkcs12({ trustedCertificates: trusted }, password), mode: PUBLIC });
    }
    const eceChanges: { deployment: string; file: string }[] = [];
    for (const step of phase.steps) {
      if (step.action.kind !== "ece") continue;
      const deployment = step.action.deployment;
      const ece = plan.ece.find((e) => e.deploymentId === deployment);
      if (ece === undefined) continue;
      const trust = rotatedTrust(ece, step.action.trusts, plan);
      const file = `${folder}/ece-${deployment}-trust-change.json`;
      const change = {
        format: "othername-ece-trust-change",
        deployment,
        ...(ece.refId === undefined ? {} : { refId: ece.refId }),
        apply: `othername rotate check ${planDir} --apply-ece ${phase.number}`,
        direct: trust.direct.filter((d) => ece.entries.includes(d.name)).map((d) => ({ name: d.name, certificates: d.certificates ?? [] })),
      };
      entries.push({ path: file, bytes: text(`${JSON.stringify(change, null, 2)}\n`), mode: PUBLIC });
      eceChanges.push({ deployment, file: file.slice(folder.length + 1) });
    }
    const nodeFiles = plan.nodes.map((n) => {
      const nodeForms = forms.get(n.name) ?? new Set<NodeForm>(["pem"]);
      return {
        node: n.name,
        fromKeystore: nodeForms.has("pkcs12"),
        ...(phase.number === 2 && nodeForms.has("pem") ? { certificate: `${n.name}/${n.name}.crt`, key: `${n.name}/${n.name}.key` } : {}),
        ...(phase.number >= 2 && nodeForms.has("pkcs12") ? { keystore: `${n.name}/${n.name}.p12` } : {}),
      };
    });
    const files: PhaseFiles = { folder, caBundle: "ca-bundle.crt", truststore: truststore === undefined ? undefined : "truststore.p12", eceChanges, nodeFiles };
    entries.push({ path: `${folder}/README.md`, bytes: text(phaseReadme(phase, check, files, planDir)), mode: PUBLIC });
  }
  return entries;
}

function pickCa(certificates: readonly Certificate[], path: string): Certificate {
  const cas = certificates.filter((c) => c.isCa);
  if (cas.length !== 1) {
    throw new OthernameError("ROTATION_INPUT_INVALID", `cannot use ${path} (--old-ca): it holds ${cas.length} CA certificates, not one`, { hint: "Give the one CA certificate that issued the node certificates." });
  }
  return cas[0] as Certificate;
}

function specOf(certificate: Certificate): KeySpec {
  const key = certificate.publicKey;
  if (key.algorithm === "ec" && (key.curve === "P-256" || key.curve === "P-384")) return { algorithm: "ec", curve: key.curve };
  if (key.algorithm === "rsa" && (key.bits === 2048 || key.bits === 3072 || key.bits === 4096)) return { algorithm: "rsa", bits: key.bits };
  return { algorithm: "rsa", bits: 2048 };
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

export { PHASE_NAMES, eceMemberName };
