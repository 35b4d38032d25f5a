import { dirname, resolve } from "node:path";
import { ExitCode, OthernameError } from "../../errors.js";
import { packageVersion } from "../../io/package-info.js";
import { readCertificateFiles, writeFixedFile } from "../../io/lint-fix.js";
import { resolvePassword } from "../../io/password.js";
import { passwordOptions, warnPassOnCommandLine, type PasswordArgs } from "../password-options.js";
import { readInputFile } from "../../io/read-input.js";
import { fixFile, lintFile, LINT_RULES, type CertificateNames, type LintFinding } from "../../trust/lint.js";
import { isFleetFile } from "../../fleet/fleet-file.js";
import { defineCommand } from "../command.js";
import type { CommandContext } from "../context.js";
import { renderSarif } from "../render/sarif.js";
import { escapeField } from "../terminal-text.js";

interface LintArgs extends PasswordArgs {
  readonly files: readonly string[];
  readonly format: "text" | "json" | "sarif";
  readonly json: boolean;
  readonly fix: boolean;
  readonly strict: boolean;
  readonly certs?: string;
}

interface LintedFile {
  readonly path: string;
  readonly findings: readonly LintFinding[];
}

export default defineCommand<LintArgs>({
  command: "lint <files..>",
  describe: "Lint trust_restrictions and instances files: the mistakes that make Elasticsearch refuse a file or trust the wrong peers",
  builder: (yargs) =>
    passwordOptions(yargs, { purpose: "Password of the PKCS#12 files of --certs" })
      .positional("files", { type: "string", array: true, describe: "trust_restrictions (.yml, .yaml, .json), instances or fleet files (othername mesh); told apart by content (a top-level instances: or clusters: key)" })
      .option("format", { choices: ["text", "json", "sarif"] as const, default: "text" as const, describe: "Output: FILE:LINE:COL lines, JSON, or SARIF 2.1.0 for code scanning" })
      .option("json", { type: "boolean", default: false, describe: "Same as --format json" })
      .option("fix", {
        type: "boolean",
        default: false,
        describe:
          "Rewrite the files with the safe fixes only: quote an unquoted '*' item, remove a documentation callout ( <1>), trim spaces inside a quoted pattern, drop an exact duplicate. Then report what remains",
      })
      .option("strict", { type: "boolean", default: false, describe: "Exit 1 on warnings too" })
      .option("certs", {
        type: "string",
        requiresArg: true,
        describe:
          "Certificates to check the file against: a directory (walked), a .zip bundle (as ece trust add --from-bundle reads it) or one file; PEM, DER or PKCS#12 (password from --pass-file/--pass-env/--pass). Reports which the file accepts and which patterns accept none",
      })
      .epilogue(
        "Severities: error = Elasticsearch refuses the file (or trusts no peer at all); warning = it loads but probably does not mean what was meant; " +
          "info = facts for review. --fix removes a copied callout such as ' <1>' (Elasticsearch would make it part of the pattern) but leaves " +
          "placeholders such as <CLUSTER_FQDN> for you to replace, and never changes what a pattern matches beyond the finding it fixes; comments and " +
          "formatting are kept. Exit 0 when no error (and, with --strict, no warning) remains, 1 otherwise, 3 when a file cannot be read.",
      )
      .example("$0 lint trust_restrictions.yml", "FILE:LINE:COL: severity rule: message, nothing when clean")
      .example("$0 lint --fix trust_restrictions.yml", "Quote '*' items, drop callouts and duplicates, then show what is left")
      .example("$0 lint --format sarif config/*.yml > lint.sarif", "SARIF 2.1.0 for code-scanning CI")
      .example("$0 lint trust.yml --certs ./certs", "Which node certificates would this file accept?"),
  run: async (args, ctx) => {
    if ((args["pass-file"] !== undefined || args["pass-env"] !== undefined || args.pass !== undefined) && args.certs === undefined) {
      throw new OthernameError("USAGE", "--pass-file, --pass-env and --pass are for the PKCS#12 files of --certs", { kind: "usage", hint: "Give --certs DIR|bundle.zip|file.p12 too, or drop the password option." });
    }
    const format = args.json ? "json" : args.format;
    const certificates = args.certs !== undefined ? await readCertificates(args.certs, args, ctx) : undefined;
    const options = certificates ? { certificates } : {};
    const linted: LintedFile[] = [];
    let unreadable = false;
    for (const path of args.files.map(String)) {
      let text: string;
      try {
        // Elasticsearch reads settings files as UTF-8.
        text = new TextDecoder("utf-8").decode(await readInputFile(path, ctx.io.cwd, "file"));
      } catch (error) {
        if (!(error instanceof OthernameError)) throw error;
        unreadable = true;
        ctx.note(`othername: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ""}`);
        continue;
      }
      if (isFleetFile(text)) {
        // A fleet file (othername mesh): its diagnostics and missing files; nothing to fix.
        // Loaded on use: the fleet and certificate readers cost more start-up than lint itself.
        const { lintFleetFile } = await import("../../io/fleet.js");
        const diagnostics = await lintFleetFile(text, dirname(resolve(ctx.io.cwd, path)));
        linted.push({ path, findings: diagnostics.map((d) => ({ rule: d.rule, severity: d.severity, line: d.line, column: d.column, message: d.path ? `${d.message} (at ${d.path})` : d.message })) });
        continue;
      }
      if (!args.fix) {
        linted.push({ path, findings: lintFile({ fileName: path, text }, options).findings });
        continue;
      }
      const fixed = fixFile({ fileName: path, text }, options);
      if (fixed.text !== text) {
        await writeFixedFile(path, ctx.io.cwd, fixed.text);
        ctx.note(`${path}: applied ${fixed.applied.length} fix(es): ${[...new Set(fixed.applied.map((f) => f.rule))].join(", ")}`);
      }
      linted.push({ path, findings: fixed.result.findings });
    }

    if (format === "json") {
      ctx.json({
        files: linted.map((f) => ({
          path: f.path,
          findings: f.findings.map((x) => ({
            rule: x.rule,
            severity: x.severity,
            line: x.line,
            column: x.column,
            ...(x.endLine !== undefined ? { endLine: x.endLine, endColumn: x.endColumn } : {}),
            message: x.message,
            fix: x.fix ?? null,
          })),
        })),
      });
    } else if (format === "sarif") {
      ctx.json(renderSarif(linted, { toolVersion: packageVersion(), rules: LINT_RULES }));
    } else {
      for (const f of linted) for (const x of f.findings) ctx.out(`${escapeField(f.path)}:${x.line}:${x.column}: ${x.severity} ${x.rule}: ${escapeField(x.message)}`);
    }

    if (unreadable) return ExitCode.input;
    const all = linted.flatMap((f) => f.findings);
    const failing = all.some((x) => x.severity === "error" || (args.strict && x.severity === "warning"));
    return failing ? ExitCode.no : ExitCode.ok;
  },
});

/**
 * The end-entity certificates in a --certs directory with the names Elasticsearch reads
 * (subjectAltName.otherName.commonName). Files that need a password, or hold no certificate,
 * are skipped with a warning; CA certificates are never peers and are left out.
 */
async function readCertificates(dir: string, args: PasswordArgs, ctx: CommandContext): Promise<CertificateNames[]> {
  warnPassOnCommandLine(ctx, args.pass, "--pass");
  const password = await resolvePassword({ file: args["pass-file"], env: args["pass-env"], value: args.pass }, ctx.io);
  const files = await readCertificateFiles(dir, ctx.io.cwd, "--certs");
  const { readCryptoFile } = await import("../../pki/read.js"); // loaded on use (start-up time)
  const out: CertificateNames[] = [];
  for (const file of files) {
    try {
      const read = await readCryptoFile(file.bytes, { source: file.path, password });
      for (const entry of read.certificates) {
        if (entry.certificate.isCa) continue;
        out.push({ source: file.path, subject: entry.certificate.subject, names: entry.certificate.san.otherNameCommonName });
      }
    } catch (error) {
      if (!(error instanceof OthernameError)) throw error;
      ctx.warn(
        error.code === "PASSWORD_REQUIRED" ? `skipping ${file.path} (--certs): it needs a password (give --pass-file or --pass-env)` : `skipping ${file.path} (--certs): ${error.message}`,
      );
    }
  }
  if (out.length === 0) ctx.warn(`no end-entity certificate found in ${dir} (--certs)`);
  return out;
}
