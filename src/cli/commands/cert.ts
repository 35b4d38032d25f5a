import { resolve } from "node:path";
import { defineCommand } from "../command.js";
import { passwordOptions } from "../password-options.js";
import type { CommandContext } from "../context.js";
import { ExitCode, OthernameError } from "../../errors.js";
import { coreCount } from "../../io/thread-pool.js";
import { noteThreadPool } from "../generation-output.js";

/**
 * `othername cert`: one key and certificate per instance of an instances.yaml (CLI.md), in
 * certutil's bundle layout, signed by a CA (`--ca`, `--ca-cert`/`--ca-key`) or self-signed.
 */
interface CertArgs {
  readonly in: string;
  readonly ca?: string;
  readonly caCert?: string;
  readonly caKey?: string;
  readonly selfSigned?: boolean;
  readonly out: string;
  readonly pem?: boolean;
  readonly days: number;
  readonly key?: string;
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
    passwordOptions(passwordOptions(y, { purpose: "Password of the .p12 files (or to encrypt PEM keys)" }), { prefix: "ca-", purpose: "Password of the CA keystore or key" })
      .option("in", { type: "string", demandOption: true, describe: "instances.yaml (certutil format, plus cluster:/scope:)", requiresArg: true })
      .option("ca", { type: "string", describe: "CA keystore (PKCS#12) holding the CA certificate and key", requiresArg: true })
      .option("ca-cert", { type: "string", describe: "CA certificate (PEM or DER)", requiresArg: true })
      .option("ca-key", { type: "string", describe: "CA private key (PEM or DER, encrypted keys too)", requiresArg: true })
      .option("self-signed", { type: "boolean", describe: "Make each certificate self-signed instead of CA-signed" })
      .option("out", { type: "string", demandOption: true, describe: "Output: a directory, or a file ending in .zip", requiresArg: true })
      .option("pem", { type: "boolean", describe: "Write <name>.crt and <name>.key instead of <name>.p12" })
      .option("days", { type: "number", default: 1095, describe: "Validity in days (certutil's default: 3 years)", requiresArg: true })
      .option("key", { type: "string", describe: "Key type: rsa:2048 (default), rsa:3072, rsa:4096, ec:p256, ec:p384", requiresArg: true })
      .option("key-format", { choices: ["pkcs8", "pkcs1"] as const, default: "pkcs8" as const, describe: "PEM key form: pkcs8 (Logstash needs it) or pkcs1 (certutil's)" })
      .option("jobs", { type: "number", describe: "Keys generated in parallel (default: number of cores)", requiresArg: true })
      .option("force", { type: "boolean", describe: "Replace existing output files" })
      .option("dry-run", { type: "boolean", describe: "Validate and print the plan; generate and write nothing" })
      .option("json", { type: "boolean", describe: "Print one JSON document on stdout" })
      .option("quiet", { type: "boolean", alias: "q", describe: "No progress and no summary" })
      .conflicts("ca", ["ca-cert", "ca-key", "self-signed"])
      .conflicts("self-signed", ["ca-cert", "ca-key"])
      .example("$0 cert --in instances.yml --ca elastic-stack-ca.p12 --out certificate-bundle.zip", "PKCS#12 per node, certutil's layout")
      .example("$0 cert --in instances.yml --ca-cert ca/ca.crt --ca-key ca/ca.key --pem --out certs/", "PEM certificate and PKCS#8 key per node")
      .example("$0 cert --in instances.yml --ca ca.p12 --out certs/ --dry-run --json", "Show the subjects, names and files without generating"),
  run: async (args, ctx) => {
    // Before any crypto or pooled I/O of ours: libuv sizes its pool once, on first use.
    const jobs = args.jobs ?? coreCount();
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 1024) throw usage("--jobs", `"${args.jobs}" is not a whole number from 1 to 1024`);
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
  const { assertOutputsFree, writeBundle } = await import("../../io/bundle.js");
  const { loadIssuer } = await import("../ca-source.js");
  const { reportDiagnostics, progressReporter, toBundleFiles } = await import("../generation-output.js");

  const sources = [args.ca !== undefined, args.caCert !== undefined || args.caKey !== undefined, Boolean(args.selfSigned)].filter(Boolean).length;
  if (sources !== 1) {
    throw new OthernameError("USAGE", "missing or conflicting CA: give exactly one of --ca, --ca-cert with --ca-key, or --self-signed", {
      kind: "usage",
      hint: "e.g. othername cert --in instances.yml --ca elastic-stack-ca.p12 --out certs.zip",
    });
  }
  if (!Number.isInteger(args.days) || args.days < 1 || args.days > 36500) throw usage("--days", `"${args.days}" is not a whole number of days from 1 to 36500`);
  if (args.keyFormat === "pkcs1" && !args.pem) throw usage("--key-format", "pkcs1 applies to PEM keys; add --pem");
  const keySpec = parseKeySpec(args.key);

  const text = new TextDecoder().decode(await readInputFile(args.in, ctx.io.cwd, "instances file"));
  const parsed = parseInstances(text);
  reportDiagnostics(args.in, parsed.diagnostics, ctx, { json: Boolean(args.json) });
  if (!parsed.ok) return ExitCode.input; // unreachable: reportDiagnostics throws on errors
  const plan = planGeneration(parsed.spec, { kind: args.pem ? "pem" : "pkcs12", at: ctx.io.now(), days: args.days });
  // Self-signed bundles have no CA to ship.
  const effectivePlan = args.selfSigned ? { ...plan, caFile: undefined, files: plan.files.filter((f) => f !== plan.caFile) } : plan;

  if (args.dryRun) {
    printResult(ctx, args, effectivePlan, { dryRun: true, location: resolve(ctx.io.cwd, args.out), issuer: undefined });
    return ExitCode.ok;
  }
  await assertOutputsFree(effectivePlan.files, { out: args.out, cwd: ctx.io.cwd, force: Boolean(args.force) });
  if (args.pass !== undefined) ctx.warn("--pass puts the password on the command line, where other users can see it; prefer --pass-file or --pass-env");
  const issuer = args.selfSigned ? undefined : await loadIssuer(args, ctx);
  const password = await resolvePassword(
    { file: args.passFile, env: args.passEnv, value: args.pass, ...(args.pem ? {} : { prompt: "Enter password for the node .p12 files (empty for none): " }) },
    { ...ctx.io },
  );
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
  const written = await writeBundle(toBundleFiles(result.files), { out: args.out, cwd: ctx.io.cwd, force: Boolean(args.force), at: plan.notBefore });
  printResult(ctx, args, effectivePlan, { dryRun: false, location: written.location, issuer: issuer?.certificate.subject, passwordSet: password !== undefined && password !== "" });
  return ExitCode.ok;
}

type Plan = import("../../instances/plan.js").GenerationPlan;

function printResult(
  ctx: CommandContext,
  args: CertArgs,
  plan: Plan,
  info: { readonly dryRun: boolean; readonly location: string; readonly issuer: string | undefined; readonly passwordSet?: boolean },
): void {
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
        files: i.files,
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
    const names = [
      ...i.san.otherNameCommonName.map((n) => `otherName ${n}`),
      ...i.san.dns.map((n) => `DNS ${n}`),
      ...i.san.ip.map((n) => `IP ${n}`),
    ];
    ctx.out(`  ${i.files.join(", ")}  ${i.subjectText}${names.length ? `  [${names.join(", ")}]` : "  [no subjectAltName]"}`);
  }
  if (count > shown.length) ctx.out(`  … and ${count - shown.length} more`);
  if (plan.caFile) ctx.out(`  ${plan.caFile}  the CA certificate`);
  ctx.out(`Valid from ${plan.notBefore.toISOString()} until ${plan.notAfter.toISOString()} (${args.days} days).`);
  if (info.dryRun) return;
  const sample = plan.instances[0];
  if (!sample) return;
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
    ctx.out(`  xpack.security.transport.ssl.keystore.path: ${sample.filename}.p12`);
    ctx.out(`  xpack.security.transport.ssl.truststore.path: ${sample.filename}.p12`);
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
