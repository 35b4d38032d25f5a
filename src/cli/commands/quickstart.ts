import { join, relative } from "node:path";
import { ExitCode, OthernameError } from "../../errors.js";
import { defineCommand } from "../command.js";
import type { CommandContext } from "../context.js";

/**
 * `othername quickstart` (`npm start`): the whole job on the bundled example, in-process —
 * a CA, node certificates for examples/instances.yaml, a trust_restrictions file that trusts one
 * cluster, its lint, and the trust check of every certificate against it, as one table.
 * EC P-256 keys keep it instant; the real commands default to RSA 2048 like certutil.
 */
interface QuickstartArgs {
  readonly out?: string;
  readonly json: boolean;
  readonly keep?: boolean;
}

const EXAMPLE = "examples/instances.yaml";
const DAY = 86_400_000;

export default defineCommand<QuickstartArgs>({
  command: "quickstart",
  describe: "Generate a CA and node certificates for a bundled example, write and lint a trust file, and check every certificate",
  builder: (yargs) =>
    yargs
      .option("out", { type: "string", requiresArg: true, describe: "A new or empty directory for the files (default: a fresh temporary directory)" })
      .option("json", { type: "boolean", default: false, describe: "Print one JSON document" })
      .option("keep", { type: "boolean", describe: "Keep the temporary directory (without --out it is removed at the end)" })
      .example("$0 quickstart", "Run the example in a fresh temporary directory")
      .example("$0 quickstart --keep", "Keep the temporary directory and print where it is")
      .example("$0 quickstart --out demo", "Keep the files in ./demo (must be new or empty)"),
  run: async (args, ctx) => {
    const { coreCount } = await import("../../io/thread-pool.js");
    const jobs = coreCount();
    return runQuickstart(args, ctx, jobs);
  },
});

async function runQuickstart(args: QuickstartArgs, ctx: CommandContext, jobs: number): Promise<ExitCode> {
  const { freshDirectory, removeTemporaryDirectory } = await import("../../io/workspace.js");

  const out = await freshDirectory(args.out, ctx.io.cwd, "othername-quickstart-");
  // A temporary directory is the run's own: removed at the end unless --keep (--out is always kept).
  const removeAtEnd = args.out === undefined && !args.keep;
  try {
    return await quickstartIn(out, args, ctx, jobs, removeAtEnd);
  } finally {
    if (removeAtEnd) await removeTemporaryDirectory(out);
  }
}

async function quickstartIn(out: string, args: QuickstartArgs, ctx: CommandContext, jobs: number, removed: boolean): Promise<ExitCode> {
  const { parseInstances, planGeneration } = await import("../../instances/index.js");
  const { generateBundle } = await import("../../instances/generate.js");
  const { createCaCertificate, prepareIssuer } = await import("../../pki/issue.js");
  const { exportPrivateKeyPem, generateKey } = await import("../../pki/keys.js");
  const { parseCertificate } = await import("../../pki/certificate.js");
  const { encodePem } = await import("../../pki/pem.js");
  const { loadTrustRestrictions } = await import("../../trust/restrictions.js");
  const { lintTrustRestrictions } = await import("../../trust/lint.js");
  const { checkCertificate } = await import("../../trust/check-certificate.js");
  const { OTHER_NAME_FIELD } = await import("../../trust/decide.js");
  const { PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, writeBundle } = await import("../../io/bundle.js");
  const { readBundledFile } = await import("../../io/workspace.js");
  const { toBundleFiles } = await import("../generation-output.js");
  const at = ctx.io.now();
  const notAfter = new Date(at.getTime() + 1095 * DAY);
  const keySpec = { algorithm: "ec", curve: "P-256" } as const;

  // 1. The CA.
  const caKey = await generateKey(keySpec);
  const caDer = await createCaCertificate({ key: caKey, notBefore: at, notAfter });
  const caCertificate = parseCertificate(caDer);
  const issuer = await prepareIssuer({ certificate: caCertificate, key: caKey }, { certificate: "ca/ca.crt", key: "ca/ca.key" });

  // 2. Node certificates for the bundled instances file.
  const text = await readBundledFile(EXAMPLE);
  const parsed = parseInstances(text);
  if (!parsed.ok) {
    throw new OthernameError("EXAMPLE_INVALID", `invalid bundled example ${EXAMPLE}: ${parsed.diagnostics[0]?.message ?? "unknown problem"}`, { kind: "internal" });
  }
  const plan = planGeneration(parsed.spec, { kind: "pem", at, days: 1095 });
  const generated = await generateBundle({ plan, keySpec, signing: { kind: "ca", issuer }, jobs, keyFormat: "pkcs8", password: undefined });

  // 3. A trust_restrictions file trusting the first instance's cluster only.
  const trusted = plan.instances[0]?.san.otherNameCommonName[0];
  const suffix = trusted?.slice(trusted.indexOf(".node.") + 1);
  if (!suffix) throw new OthernameError("EXAMPLE_INVALID", `invalid bundled example ${EXAMPLE}: its first instance has no convention name`, { kind: "internal" });
  const restrictionsText = [
    "# Written by othername quickstart: trust every node of one cluster.",
    "# Patterns starting with * must be quoted (an unquoted * starts a YAML alias).",
    "trust.subject_name:",
    `  - "*.${suffix}"`,
    "",
  ].join("\n");
  const encoder = new TextEncoder();
  await writeBundle(
    [
      { path: "ca/ca.crt", bytes: encoder.encode(encodePem("CERTIFICATE", caDer)), mode: PUBLIC_FILE_MODE },
      { path: "ca/ca.key", bytes: encoder.encode(exportPrivateKeyPem(caKey, { format: "pkcs8" })), mode: PRIVATE_FILE_MODE },
      { path: "instances.yaml", bytes: encoder.encode(text), mode: PUBLIC_FILE_MODE },
      { path: "trust_restrictions.yml", bytes: encoder.encode(restrictionsText), mode: PUBLIC_FILE_MODE },
      ...toBundleFiles(generated.files).map((file) => ({ ...file, path: `certs/${file.path}` })),
    ],
    { out, cwd: ctx.io.cwd, force: false, at },
  );

  // 4. Lint the trust file, 5. check every certificate against it as Elasticsearch would.
  const restrictionsInput = { fileName: "trust_restrictions.yml", text: restrictionsText };
  const findings = lintTrustRestrictions(restrictionsInput);
  const loaded = loadTrustRestrictions(restrictionsInput);
  if (!loaded.ok) throw new OthernameError("EXAMPLE_INVALID", `invalid generated trust file: ${loaded.reason}`, { kind: "internal" });
  const rows = generated.instances.map((instance) => {
    if (!instance.certificate) throw new OthernameError("EXAMPLE_INVALID", `no certificate generated for ${instance.plan.name}`, { kind: "internal" });
    const leaf = parseCertificate(instance.certificate);
    // As `check` does by default: the JDK trust manager's verdict in both TLS directions.
    const { decision } = checkCertificate({ leaf, intermediates: [], anchors: [caCertificate], at, fields: [OTHER_NAME_FIELD], matcher: loaded.matcher, as: "both" });
    return {
      name: instance.plan.name,
      certificate: join("certs", ...instance.plan.files[0]!.split("/")),
      names: [...leaf.san.otherNameCommonName],
      trusted: decision.trusted,
      pattern: decision.match?.pattern ?? null,
      message: decision.message,
    };
  });

  if (args.json) {
    ctx.json({ out, kept: !removed, ca: join(out, "ca", "ca.crt"), restrictions: join(out, "trust_restrictions.yml"), patterns: loaded.patterns.map((p) => p.text), lint: findings, results: rows });
    return ExitCode.ok;
  }
  printReport(ctx, { out, removed, rows, patterns: loaded.patterns.map((p) => p.text), lintCount: findings.length, caSubject: caCertificate.subject });
  return ExitCode.ok;
}

interface Row {
  readonly name: string;
  readonly certificate: string;
  readonly names: readonly string[];
  readonly trusted: boolean;
  readonly pattern: string | null;
}

function printReport(ctx: CommandContext, report: { out: string; removed: boolean; rows: readonly Row[]; patterns: readonly string[]; lintCount: number; caSubject: string }): void {
  const shown = relative(ctx.io.cwd, report.out).startsWith("..") ? report.out : relative(ctx.io.cwd, report.out) || ".";
  ctx.out(`othername quickstart: files in ${shown}${report.removed ? " (temporary: removed at the end; --keep keeps them)" : ""}`);
  ctx.out(`  1. CA              ca/ca.crt, ca/ca.key (${report.caSubject}, EC P-256)`);
  ctx.out(`  2. certificates    ${report.rows.length} nodes from instances.yaml into certs/`);
  ctx.out(`  3. trust file      trust_restrictions.yml trusts ${report.patterns.map((p) => JSON.stringify(p)).join(", ")}`);
  ctx.out(`  4. lint            ${report.lintCount === 0 ? "no findings" : `${report.lintCount} finding(s): run othername lint on it`}`);
  ctx.out(`  5. check           each certificate against ca/ca.crt and the trust file, as Elasticsearch would:`);
  ctx.out("");
  const header = ["node", "otherName commonName", "trusted", "decided by"];
  const lines = report.rows.map((row) => [row.name, row.names.join(", "), row.trusted ? "yes" : "no", row.pattern ?? "no pattern matches"]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const format = (cells: readonly string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd();
  ctx.out(format(header));
  ctx.out(format(widths.map((w) => "-".repeat(w))));
  for (const line of lines) ctx.out(format(line));
  const rejected = report.rows.find((row) => !row.trusted);
  ctx.out("");
  // Paths as the user can paste them from where they are now.
  const program = ctx.io.program ?? "othername";
  const path = (file: string) => join(shown, file);
  if (report.removed) {
    ctx.out(`The files are gone with their temporary directory. To try the commands on them: ${program} quickstart --keep (or --out DIR).`);
    return;
  }
  ctx.out("Try it yourself:");
  if (rejected) ctx.out(`  ${program} check ${path(rejected.certificate)} --ca ${path("ca/ca.crt")} --restrictions ${path("trust_restrictions.yml")}`);
  ctx.out(`  ${program} lint ${path("trust_restrictions.yml")}`);
  ctx.out(`  ${program} inspect ${path(report.rows[0]?.certificate ?? "certs")}`);
}
