import { basename, resolve } from "node:path";
import type { OutputStage } from "../../io/output-stage.js";
import { defineCommand } from "../command.js";
import { passwordOptions } from "../password-options.js";
import type { CommandContext } from "../context.js";
import { ExitCode, OthernameError } from "../../errors.js";
import { coreCount } from "../../io/thread-pool.js";
import { noteThreadPool } from "../generation-output.js";
import { keyOptions, keyText } from "../key-options.js";
import { wholeNumberOption } from "../number-option.js";
import { warnPassOnCommandLine } from "../password-options.js";
import { instanceFlagsGiven, type SingleInstanceArgs } from "../single-instance.js";
import { sanList } from "../render/san-list.js";

/**
 * `othername cert`: one key and certificate per instance of an instances.yaml (CLI.md), in
 * certutil's bundle layout, signed by a CA (`--ca`, `--ca-cert`/`--ca-key`) or self-signed.
 */
interface CertArgs extends SingleInstanceArgs {
  readonly in?: string;
  readonly ca?: string;
  readonly caCert?: string;
  readonly caKey?: string;
  readonly selfSigned?: boolean;
  readonly out: string;
  readonly pem?: boolean;
  readonly days: number;
  readonly key?: string;
  readonly keysize?: number;
  readonly keepCaKey?: boolean;
  readonly caDn?: string;
  readonly caPass?: string;
  /** false with --no-password: a kept CA key may be written unencrypted. */
  readonly password?: boolean;
  readonly passFile?: string;
  readonly passEnv?: string;
  readonly pass?: string;
  readonly caPassFile?: string;
  readonly caPassEnv?: string;
  readonly jobs?: number;
  readonly force?: boolean;
  readonly json?: boolean;
  readonly dryRun?: boolean;
  readonly keyFormat: "pkcs8" | "pkcs1";
  readonly quiet?: boolean;
}

export default defineCommand<CertArgs>({
  command: "cert",
  describe: "Generate a key and certificate per instance of an instances.yaml",
  builder: (y) =>
    keyOptions(passwordOptions(passwordOptions(y, { purpose: "Password of the .p12 files (or to encrypt PEM keys)" }), { prefix: "ca-", value: true, purpose: "Password of the CA keystore or key" }))
      .option("in", { type: "string", describe: "instances.yaml (certutil format, plus cluster:/scope:)", requiresArg: true })
      .option("name", { type: "string", describe: "One instance without a file (certutil's single mode): its name", requiresArg: true, group: "One instance (instead of --in):" })
      .option("dns", { type: "string", array: true, describe: "DNS names of --name (repeat or comma-separate)", requiresArg: true, group: "One instance (instead of --in):" })
      .option("ip", { type: "string", array: true, describe: "IP addresses of --name (repeat or comma-separate)", requiresArg: true, group: "One instance (instead of --in):" })
      .option("cn", { type: "string", array: true, describe: "otherName common names of --name (default: derived from --cluster and --scope)", requiresArg: true, group: "One instance (instead of --in):" })
      .option("filename", { type: "string", describe: "File stem of --name's files (default: the name)", requiresArg: true, group: "One instance (instead of --in):" })
      .option("cluster", { type: "string", describe: "Cluster id, for the derived otherName <name>.node.<cluster>.cluster.<scope>", requiresArg: true, group: "One instance (instead of --in):" })
      .option("scope", { type: "string", describe: "Scope id, for the derived otherName", requiresArg: true, group: "One instance (instead of --in):" })
      .option("keep-ca-key", { type: "boolean", describe: "Without a CA option: also write the generated CA's key (ca/ca.key or ca/ca.p12)" })
      .option("password", { type: "boolean", describe: "--no-password: with --keep-ca-key, write the CA key unencrypted on purpose" })
      .option("ca-dn", { type: "string", describe: "Without a CA option: subject DN of the generated CA", requiresArg: true })
      .option("ca", { type: "string", describe: "CA keystore (PKCS#12) holding the CA certificate and key", requiresArg: true })
      .option("ca-cert", { type: "string", describe: "CA certificate (PEM or DER)", requiresArg: true })
      .option("ca-key", { type: "string", describe: "CA private key (PEM or DER, encrypted keys too)", requiresArg: true })
      .option("self-signed", { type: "boolean", describe: "Make each certificate self-signed instead of CA-signed" })
      .option("out", { type: "string", demandOption: true, describe: "Output: a directory, or a file ending in .zip", requiresArg: true })
      .option("pem", { type: "boolean", describe: "Write <name>.crt and <name>.key instead of <name>.p12" })
      .option("days", { type: "number", default: 1095, describe: "Validity in days (certutil's default: 3 years)", requiresArg: true })
      .option("key-format", { choices: ["pkcs8", "pkcs1"] as const, default: "pkcs8" as const, describe: "PEM key form: pkcs8 (Logstash needs it) or pkcs1 (certutil's)" })
      .option("jobs", { type: "number", describe: "Keys generated in parallel (default: number of cores)", requiresArg: true })
      .option("force", { type: "boolean", describe: "Replace existing output files" })
      .option("dry-run", { type: "boolean", describe: "Validate and print the plan; generate and write nothing" })
      .option("json", { type: "boolean", describe: "Print one JSON document on stdout" })
      .option("quiet", { type: "boolean", alias: ["q", "s", "silent"], describe: "No progress and no summary (certutil: -s, --silent)" })
      .conflicts("ca", ["ca-cert", "ca-key", "self-signed", "keep-ca-key", "ca-dn"])
      .conflicts("self-signed", ["ca-cert", "ca-key", "keep-ca-key", "ca-dn"])
      .conflicts("ca-cert", ["keep-ca-key", "ca-dn"])
      .example("$0 cert --in instances.yml --ca elastic-stack-ca.p12 --out certificate-bundle.zip", "PKCS#12 per node, certutil's layout")
      .example("$0 cert --in instances.yml --ca-cert ca/ca.crt --ca-key ca/ca.key --pem --out certs/", "PEM certificate and PKCS#8 key per node")
      .example("$0 cert --in instances.yml --ca ca.p12 --out certs/ --dry-run --json", "Show the subjects, names and files without generating")
      .example("$0 cert --name node1 --dns node1.example.com --ip 10.0.0.1 --cluster abc --scope s1 --ca ca.p12 --out node1.zip", "One instance without a file, as certutil's single mode")
      .example("$0 cert --in instances.yml --out certs.zip --keep-ca-key", "No CA given: generate one too (ca/ca.crt, and ca/ca.p12 with --keep-ca-key)"),
  run: async (args, ctx) => {
    // Before any crypto or pooled I/O of ours: libuv sizes its pool once, on first use.
    const jobs = args.jobs === undefined ? coreCount() : wholeNumberOption("--jobs", args.jobs, { min: 1, max: 1024, command: "cert" });
    noteThreadPool(ctx, jobs);
    return runCert(args, ctx, jobs);
  },
});

async function runCert(args: CertArgs, ctx: CommandContext, jobs: number): Promise<ExitCode> {
  const { parseInstances, planGeneration } = await import("../../instances/index.js");
  const { generateBundle } = await import("../../instances/generate.js");
  const { parseKeySpec } = await import("../../pki/keys.js");
  const { readInputFile } = await import("../../io/read-input.js");
  const { resolvePassword } = await import("../../io/password.js");
  const { openBundleStage, writeBundle } = await import("../../io/bundle.js");
  const { openStage } = await import("../../io/output-stage.js");
  const { loadIssuer } = await import("../ca-source.js");
  const { createAutoCa } = await import("../auto-ca.js");
  const { reportDiagnostics, progressReporter, toBundleFiles } = await import("../generation-output.js");

  const sources = [args.ca !== undefined, args.caCert !== undefined || args.caKey !== undefined, Boolean(args.selfSigned)].filter(Boolean).length;
  if (sources > 1) {
    throw new OthernameError("USAGE", "conflicting CA options: give one of --ca, --ca-cert with --ca-key, or --self-signed (or none to generate a CA)", {
      kind: "usage",
      hint: "e.g. othername cert --in instances.yml --ca elastic-stack-ca.p12 --out certs.zip",
    });
  }
  // certutil: no CA option means "generate a CA for this bundle".
  const generateCa = sources === 0;
  const days = wholeNumberOption("--days", args.days, { min: 1, max: 36500, unit: "days", command: "cert" });
  if (args.keyFormat === "pkcs1" && !args.pem) throw usage("--key-format", "pkcs1 applies to PEM keys; add --pem");
  const keySpec = parseKeySpec(keyText(args));
  let caSubject: import("../../pki/distinguished-name.js").DistinguishedName | undefined;
  if (args.caDn !== undefined) {
    const { parseDistinguishedName } = await import("../../instances/distinguished-name.js");
    const dn = parseDistinguishedName(args.caDn);
    if (!dn.ok) throw usage("--ca-dn", dn.reason);
    caSubject = dn.dn;
  }

  const single = instanceFlagsGiven(args);
  if (args.in !== undefined && single.length > 0) {
    throw new OthernameError("USAGE", `conflicting instance options: --in reads the instances from a file, ${single.join(", ")} describe one instance`, {
      kind: "usage",
      hint: "Give either --in instances.yml, or --name NAME with its --dns/--ip/--cn (certutil's single mode).",
    });
  }
  if (args.in === undefined && args.name === undefined) {
    throw new OthernameError("USAGE", "missing instances: give --in instances.yml, or --name NAME for one instance", {
      kind: "usage",
      hint: single.length > 0 ? `${single.join(", ")} need --name.` : "e.g. othername cert --name node1 --dns node1.example.com --ca elastic-stack-ca.p12 --out node1.zip",
    });
  }
  let parsed: import("../../instances/validate.js").InstancesResult;
  if (args.in !== undefined) {
    const text = new TextDecoder().decode(await readInputFile(args.in, ctx.io.cwd, "instances file"));
    parsed = parseInstances(text);
    reportDiagnostics(args.in, parsed.diagnostics, ctx, { json: Boolean(args.json) });
  } else {
    const { describeFlagDiagnostic, singleInstanceFailure, singleInstanceYaml } = await import("../single-instance.js");
    parsed = parseInstances(singleInstanceYaml(args));
    const failure = singleInstanceFailure(parsed);
    if (failure) throw failure;
    const { NOTE_WHILE_GENERATING } = await import("../../instances/diagnostic.js");
    for (const d of parsed.diagnostics) {
      if (NOTE_WHILE_GENERATING.has(d.rule)) ctx.note(`note: ${describeFlagDiagnostic(d)}`);
      else ctx.warn(describeFlagDiagnostic(d));
    }
  }
  if (!parsed.ok) return ExitCode.input; // unreachable: reportDiagnostics throws on errors
  // certutil: `--out elastic-certificates.p12` is that one keystore, for one instance.
  const singleP12 = /\.(p12|pfx)$/i.test(args.out);
  if (singleP12) {
    const count = parsed.spec.instances.length;
    const choices = "give a directory (--out certs/) or a zip (--out certs.zip)";
    if (args.pem) throw new OthernameError("USAGE", `conflicting options: --pem writes PEM files, but --out ${args.out} names a PKCS#12 file`, { kind: "usage", hint: `Drop --pem for one PKCS#12 keystore, or ${choices}.` });
    if (count !== 1) throw new OthernameError("USAGE", `cannot write ${count} instances into --out ${args.out}: a PKCS#12 file holds one instance's key`, { kind: "usage", hint: `For several instances ${choices}.` });
    if (args.keepCaKey) throw new OthernameError("USAGE", `conflicting options: --keep-ca-key writes ca/ca.p12 beside the node's files, but --out ${args.out} is one file`, { kind: "usage", hint: `With --keep-ca-key ${choices}.` });
  }
  const plan = planGeneration(parsed.spec, { kind: args.pem ? "pem" : "pkcs12", at: ctx.io.now(), days });
  const { AUTO_CA_FILES } = await import("../auto-ca.js");
  const keepCaKey = args.keepCaKey ? (args.pem ? "pem" : "pkcs12") : "none";
  const autoCaFiles = generateCa ? [AUTO_CA_FILES.certificate, ...(keepCaKey === "pem" ? [AUTO_CA_FILES.pemKey] : keepCaKey === "pkcs12" ? [AUTO_CA_FILES.pkcs12] : [])] : [];
  // Self-signed bundles have no CA to ship; a generated CA ships its certificate (and key on request).
  const effectivePlan = args.selfSigned
    ? { ...plan, caFile: undefined, files: plan.files.filter((f) => f !== plan.caFile) }
    : generateCa
      ? { ...plan, caFile: AUTO_CA_FILES.certificate, files: [...autoCaFiles, ...plan.files.filter((f) => f !== plan.caFile)] }
      : plan;

  // Before any key is generated, and on --dry-run too: an --out that cannot be written, and the CA
  // (with its password) read and checked exactly as a real run reads it.
  const { assertOutputWritable } = await import("../../io/output-writable.js");
  await assertOutputWritable(args.out, { cwd: ctx.io.cwd, flag: "--out", kind: singleP12 || /\.zip$/i.test(args.out) ? "file" : "directory" });
  warnPassOnCommandLine(ctx, args.pass, "--pass");
  warnPassOnCommandLine(ctx, args.caPass, "--ca-pass");
  const loaded = args.selfSigned || generateCa ? undefined : await loadIssuer(args, ctx);
  if (args.dryRun) {
    const by = loaded ? loaded.certificate.subject : generateCa ? "a CA generated for this bundle" : undefined;
    printResult(ctx, args, effectivePlan, { dryRun: true, location: resolve(ctx.io.cwd, args.out), issuer: by, days });
    return ExitCode.ok;
  }
  // The output's stage first: existing files, conflicts, permissions and name lengths are
  // checked, and an unfinished output removed on Ctrl-C, before any key is generated.
  const stage = singleP12
    ? await openStage({ target: resolve(ctx.io.cwd, args.out), kind: "file", force: Boolean(args.force), shown: args.out })
    : await openBundleStage(effectivePlan.files, { out: args.out, cwd: ctx.io.cwd, force: Boolean(args.force) });
  for (const note of stage.notes) ctx.note(`othername: ${note}`);
  let written;
  let autoCa;
  let issuer;
  let password;
  try {
    password = await resolvePassword(
      { file: args.passFile, env: args.passEnv, value: args.pass, ...(args.pem ? {} : { prompt: "Enter password for the node .p12 files (empty for none): " }) },
      { ...ctx.io },
    );
    if (keepCaKey !== "none" && password === undefined && args.password !== false) {
      // A CA key is never written unencrypted by accident (as `othername ca`).
      throw new OthernameError("CA_PASSWORD_MISSING", "refusing to write the generated CA key unencrypted (--keep-ca-key): no password was given", {
        kind: "usage",
        hint: "Give --pass-file FILE or --pass-env VAR (it protects the node keys and the CA key), or --no-password to write them unencrypted on purpose.",
      });
    }
    autoCa = generateCa
      ? await createAutoCa({ keySpec, subject: caSubject, notBefore: plan.notBefore, notAfter: plan.notAfter, keepKey: keepCaKey, password })
      : undefined;
    issuer = loaded ?? autoCa?.issuer;
    const pkcs12 = args.pem ? undefined : await loadPkcs12Writer();

    const progress = progressReporter(ctx, { enabled: ctx.io.stderrIsTTY && !args.json && !args.quiet });
    let result;
    try {
      result = await generateBundle({
        plan: effectivePlan,
        keySpec,
        signing: issuer ? { kind: "ca", issuer } : { kind: "self-signed" },
        jobs,
        keyFormat: args.keyFormat,
        password,
        pkcs12,
        onProgress: (done, total, name) => progress.update(done, total, name),
      });
    } finally {
      progress.finish();
    }
    const files = autoCa ? [...autoCa.files, ...toBundleFiles(result.files.filter((f) => f.path !== AUTO_CA_FILES.certificate))] : toBundleFiles(result.files);
    written = singleP12
      ? await writeSingleKeystore(files, stage)
      : await writeBundle(files, { out: args.out, cwd: ctx.io.cwd, force: Boolean(args.force), at: plan.notBefore }, stage);
  } finally {
    await stage.discard();
  }
  if (autoCa && !args.json && !args.quiet) {
    ctx.note(`No CA option given: generated CA ${issuer?.certificate.subject} for this bundle (${autoCaFiles.join(", ")})${keepCaKey === "none" ? "; its key was not kept (--keep-ca-key keeps it)" : ""}.`);
  }
  printResult(ctx, args, effectivePlan, { dryRun: false, location: written.location, issuer: issuer?.certificate.subject, passwordSet: password !== undefined && password !== "", days });
  return ExitCode.ok;
}

type Plan = import("../../instances/plan.js").GenerationPlan;

function printResult(
  ctx: CommandContext,
  args: CertArgs,
  plan: Plan,
  info: { readonly dryRun: boolean; readonly location: string; readonly issuer: string | undefined; readonly passwordSet?: boolean; readonly days: number },
): void {
  // `--out NAME.p12`: the one keystore is that file.
  const singleFile = /\.(p12|pfx)$/i.test(args.out) ? basename(args.out) : undefined;
  if (args.json) {
    ctx.json({
      ...(info.dryRun ? { dryRun: true } : {}),
      out: info.location,
      notBefore: plan.notBefore.toISOString(),
      notAfter: plan.notAfter.toISOString(),
      ...(plan.caFile ? { ca: plan.caFile } : {}),
      instances: plan.instances.map((i) => ({
        name: i.name,
        filename: i.filename,
        subject: i.subjectText,
        files: singleFile ? [singleFile] : i.files,
        otherNameCommonName: i.san.otherNameCommonName,
        dns: i.san.dns,
        ip: i.san.ip,
      })),
    });
    return;
  }
  if (args.quiet) return;
  const count = plan.instances.length;
  const what = `${count} ${args.pem ? "PEM" : "PKCS#12"} node certificate${count === 1 ? "" : "s"}`;
  const by = info.issuer ? `signed by ${info.issuer}` : "self-signed";
  ctx.out(info.dryRun ? `Would create ${what} (${by}) in ${info.location}:` : `Created ${what} (${by}) in ${info.location}:`);
  const shown = plan.instances.slice(0, 20);
  for (const i of shown) {
    ctx.out(`  ${singleFile ?? i.files.join(", ")}  ${i.subjectText}  [${sanList(i.san)}]`);
  }
  if (count > shown.length) ctx.out(`  … and ${count - shown.length} more`);
  if (plan.caFile) ctx.out(`  ${plan.caFile}  the CA certificate`);
  ctx.out(`Valid from ${plan.notBefore.toISOString()} until ${plan.notAfter.toISOString()} (${info.days} days).`);
  if (info.dryRun) return;
  const sample = plan.instances[0];
  if (!sample) return;
  if (args.selfSigned) {
    printSelfSignedSetup(ctx, args, plan, sample);
    return;
  }
  ctx.out("");
  ctx.out(`Copy each node's files into its Elasticsearch config directory, then in its elasticsearch.yml (${sample.name} shown):`);
  ctx.out("  xpack.security.transport.ssl.enabled: true");
  ctx.out("  xpack.security.transport.ssl.verification_mode: certificate");
  if (args.pem) {
    const base = sample.filename;
    ctx.out(`  xpack.security.transport.ssl.key: ${base}.key`);
    ctx.out(`  xpack.security.transport.ssl.certificate: ${base}.crt`);
    ctx.out(`  xpack.security.transport.ssl.certificate_authorities: [ "${plan.caFile ? "ca.crt" : `${base}.crt`}" ]`);
    if (info.passwordSet) ctx.out("and store the key's password: bin/elasticsearch-keystore add xpack.security.transport.ssl.secure_key_passphrase");
  } else {
    ctx.out(`  xpack.security.transport.ssl.keystore.path: ${singleFile ?? `${sample.filename}.p12`}`);
    ctx.out(`  xpack.security.transport.ssl.truststore.path: ${singleFile ?? `${sample.filename}.p12`}`);
    if (info.passwordSet) {
      ctx.out("and store the password: bin/elasticsearch-keystore add xpack.security.transport.ssl.keystore.secure_password");
      ctx.out("                        bin/elasticsearch-keystore add xpack.security.transport.ssl.truststore.secure_password");
    }
  }
}

function usage(flag: string, reason: string): OthernameError {
  return new OthernameError("USAGE", `invalid value for ${flag}: ${reason}`, { kind: "usage", hint: "See othername cert --help." });
}

/** certutil's node keystore: key entry named after the instance, the CA as trusted entry "ca". */
async function loadPkcs12Writer(): Promise<import("../../instances/generate.js").Pkcs12Writer> {
  const { writePkcs12 } = await import("../../pki/pkcs12/index.js");
  return (contents, password) => writePkcs12(contents, password);
}

/** `--out NAME.p12` that exists is refused without --force, like every other output. */
/** The one keystore of `--out NAME.p12` (the CA is inside it as the trusted entry "ca"), published through its stage. */
async function writeSingleKeystore(files: readonly { readonly path: string; readonly bytes: Uint8Array; readonly mode: number }[], stage: OutputStage): Promise<{ location: string }> {
  const keystore = files.find((f) => f.path.endsWith(".p12") && !f.path.startsWith("ca/"));
  if (!keystore) throw new OthernameError("INTERNAL", "no keystore generated for --out", { kind: "internal" });
  await stage.writeFile(keystore.bytes, keystore.mode);
  await stage.publish();
  return { location: stage.target };
}

/**
 * Self-signed node certificates have no common CA: every node must trust every other node's
 * certificate, so the setup ships all of them to each node (one PEM bundle of the certificates).
 */
function printSelfSignedSetup(ctx: CommandContext, args: CertArgs, plan: Plan, sample: Plan["instances"][number]): void {
  const certificates = plan.instances.map((i) => (args.pem ? `${i.filename}/${i.filename}.crt` : `${i.filename}/${i.filename}.p12`));
  ctx.out("");
  ctx.out("Self-signed: there is no CA, so each node must trust every node's own certificate.");
  if (args.pem) {
    ctx.out(`Collect the certificates into one file and copy it, with each node's own .crt and .key, to every node:`);
    ctx.out(`  cat ${certificates.join(" ")} > self-signed-nodes.crt`);
    ctx.out(`then in each node's elasticsearch.yml (${sample.name} shown):`);
    ctx.out("  xpack.security.transport.ssl.enabled: true");
    ctx.out("  xpack.security.transport.ssl.verification_mode: certificate");
    ctx.out(`  xpack.security.transport.ssl.key: ${sample.filename}.key`);
    ctx.out(`  xpack.security.transport.ssl.certificate: ${sample.filename}.crt`);
    ctx.out('  xpack.security.transport.ssl.certificate_authorities: [ "self-signed-nodes.crt" ]');
  } else {
    ctx.out("Each .p12 trusts only itself: give every node a truststore holding all the nodes' certificates, e.g. with --pem and one PEM file of them all:");
    ctx.out(`  ${ctx.io.program ?? "othername"} cert … --self-signed --pem, then cat */*.crt > self-signed-nodes.crt`);
    ctx.out('  xpack.security.transport.ssl.certificate_authorities: [ "self-signed-nodes.crt" ]');
  }
  ctx.out("Adding a node later means updating that file on every node; a CA (othername ca) avoids it.");
}
