import { ExitCode, OthernameError } from "../../errors.js";
import { DEFAULT_WARN_DAYS, scanTargets, type FoundCertificate } from "../../fleet/scan.js";
import { readCertificateSources } from "../../io/certificate-sources.js";
import { resolvePassword } from "../../io/password.js";
import { writeReportFile } from "../../io/write-report.js";
import { renderScanHtml } from "../../report/scan-html.js";
import { defineCommand } from "../command.js";
import { parseAt } from "../parse-at.js";
import { parseDurationOption } from "../duration-option.js";
import { passwordOptions, type PasswordArgs } from "../password-options.js";
import { scanLines, terminalSafe } from "../render/fleet-text.js";

interface ScanArgs extends PasswordArgs {
  readonly targets: readonly string[];
  readonly "warn-days": number;
  readonly at?: string;
  readonly concurrency: number;
  readonly timeout: string;
  readonly json: boolean;
  readonly html?: string;
  readonly force: boolean;
}

/** Probing is bounded: at most this many connections at once, whatever is asked. */
const MAX_CONCURRENCY = 256;
const MAX_TIMEOUT_MS = 120_000;

export default defineCommand<ScanArgs>({
  command: "scan <targets..>",
  describe: "Every certificate in bundles, keystores, files and live nodes: what expires first, and what is weak or missing",
  builder: (yargs) =>
    passwordOptions(yargs, { purpose: "Password of the PKCS#12 files (the empty password is tried without one)" })
      .positional("targets", { type: "string", array: true, describe: "Directories and .zip bundles (walked), PEM/DER/PKCS#12 files, or HOST:PORT of live nodes" })
      .option("warn-days", { type: "number", default: DEFAULT_WARN_DAYS, requiresArg: true, describe: "Report certificates that expire within this many days (and exit 1)" })
      .option("at", { type: "string", requiresArg: true, describe: "Scan as of this ISO-8601 time instead of now" })
      .option("concurrency", { type: "number", default: 16, requiresArg: true, describe: "Live nodes probed at once" })
      .option("timeout", { type: "string", default: "10s", requiresArg: true, describe: "Time allowed per live node: seconds (10, 10s) or milliseconds (500ms)" })
      .option("json", { type: "boolean", default: false, describe: "Print one JSON document" })
      .option("html", { type: "string", requiresArg: true, describe: "Also write a self-contained HTML report (sortable table, expiry timeline) to FILE" })
      .option("force", { type: "boolean", default: false, describe: "Replace an existing --html file" })
      .epilogue(
        [
          "Findings: EXPIRED, EXPIRES_SOON (within --warn-days), CA_EXPIRES_BEFORE_LEAF, ISSUER_NOT_IN_SCAN, WEAK_RSA_KEY (< 2048 bits), SHA1_SIGNATURE, NO_OTHER_NAME (a node certificate Elasticsearch trust restrictions would reject).",
          "",
          "Exit 0 nothing expires within the window, 1 something does (for cron and monitoring), 3 a file could not be read, 4 a node could not be reached.",
        ].join("\n"),
      )
      .example("$0 scan certs/ elastic-stack-ca.p12 --warn-days 60", "Everything under certs/ and the CA, soonest expiry first")
      .example("$0 scan es1.example:9300 es2.example:9300 --json", "What live nodes present, as JSON")
      .example("$0 scan certificate-bundle.zip --pass-env P12_PASS --html scan.html", "A bundle of PKCS#12 files, with an HTML report"),
  run: async (args, ctx) => {
    const warnDays = args["warn-days"];
    if (!Number.isInteger(warnDays) || warnDays < 0 || warnDays > 36_500) {
      throw new OthernameError("USAGE", `invalid --warn-days ${String(warnDays)}: give whole days from 0 to 36500`, { kind: "usage" });
    }
    if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > MAX_CONCURRENCY) {
      throw new OthernameError("USAGE", `invalid --concurrency ${String(args.concurrency)}: give 1 to ${MAX_CONCURRENCY}`, { kind: "usage" });
    }
    const timeoutMs = parseDurationOption("--timeout", args.timeout, { maxMs: MAX_TIMEOUT_MS, command: "scan" });
    const at = args.at === undefined ? ctx.io.now() : parseAt(args.at);
    if (args.pass !== undefined) ctx.warn("--pass puts the password in the process list; prefer --pass-file or --pass-env");
    const password = await resolvePassword({ file: args["pass-file"], env: args["pass-env"], value: args.pass }, { ...ctx.io, stdinIsTTY: false });
    const { sources, problems } = await readCertificateSources(args.targets.map(String), { cwd: ctx.io.cwd, password, concurrency: args.concurrency, timeoutMs });
    const found: FoundCertificate[] = sources.flatMap((s) => s.certificates.map((certificate) => ({ source: s.source, certificate })));
    const report = scanTargets(found, { at, warnDays });
    for (const p of problems) ctx.warn(`${terminalSafe(p.source)}: ${terminalSafe(p.message)}`);
    if (args.html !== undefined) {
      await writeReportFile(args.html, renderScanHtml(report), { cwd: ctx.io.cwd, force: args.force, flag: "--html" });
      if (!args.json) ctx.note(`HTML report written to ${args.html}`);
    }
    if (args.json) {
      ctx.json({ ...report, problems });
    } else {
      for (const line of scanLines(report)) ctx.out(line);
    }
    if (report.expiring > 0) return ExitCode.no;
    if (problems.some((p) => p.kind === "input")) return ExitCode.input;
    if (problems.length > 0) return ExitCode.remote;
    return ExitCode.ok;
  },
});
