import { dirname, resolve } from "node:path";
import { ExitCode, OthernameError } from "../../errors.js";
import { parseFleetFile } from "../../fleet/fleet-file.js";
import { evaluateMesh } from "../../fleet/mesh.js";
import { formatDiagnostic, type Diagnostic } from "../../instances/diagnostic.js";
import { missingFleetFiles, readFleet } from "../../io/fleet.js";
import { resolvePassword } from "../../io/password.js";
import { readInputFile } from "../../io/read-input.js";
import { writeReportFile } from "../../io/write-report.js";
import { renderMeshHtml } from "../../report/mesh-html.js";
import { defineCommand } from "../command.js";
import type { CommandContext } from "../context.js";
import { parseAt } from "../parse-at.js";
import { parseDurationOption } from "../duration-option.js";
import { passwordOptions, type PasswordArgs } from "../password-options.js";
import { meshLines, terminalSafe } from "../render/fleet-text.js";
import { connect } from "./ece/connection.js";

interface MeshArgs extends PasswordArgs {
  readonly fleet: string;
  readonly at?: string;
  readonly json: boolean;
  readonly html?: string;
  readonly force: boolean;
  readonly concurrency: number;
  readonly timeout: string;
  readonly "ca-pass-file"?: string;
  readonly "ca-pass-env"?: string;
  readonly url?: string;
  readonly user?: string;
  readonly "api-ca"?: string;
  readonly insecure?: boolean;
}

const MAX_CONCURRENCY = 256;
const MAX_TIMEOUT_MS = 120_000;

export default defineCommand<MeshArgs>({
  command: "mesh <fleet>",
  describe: "Which cluster accepts which: the trust matrix of a fleet file, both directions, with Elasticsearch's reasons",
  builder: (yargs) =>
    passwordOptions(passwordOptions(yargs, { purpose: "Password of PKCS#12 node files" }), { prefix: "ca-", purpose: "Password of PKCS#12 ca: truststores" })
      .positional("fleet", { type: "string", describe: "The fleet file (YAML): clusters with ca, restrictions, fields, nodes or ece; optional expect" })
      .option("at", { type: "string", requiresArg: true, describe: "Decide at this ISO-8601 time instead of now" })
      .option("json", { type: "boolean", default: false, describe: "Print one JSON document" })
      .option("html", { type: "string", requiresArg: true, describe: "Also write a self-contained HTML report (the coloured matrix, every reason) to FILE" })
      .option("force", { type: "boolean", default: false, describe: "Replace an existing --html file" })
      .option("concurrency", { type: "number", default: 16, requiresArg: true, describe: "Live nodes probed at once" })
      .option("timeout", { type: "string", default: "10s", requiresArg: true, describe: "Time allowed per live node: seconds (10, 10s) or milliseconds (500ms)" })
      .option("url", { type: "string", requiresArg: true, describe: "ECE API URL for clusters with ece: (or env ECE_URL); auth from ECE_API_KEY, or --user with ECE_PASSWORD", group: "ECE:" })
      .option("user", { type: "string", requiresArg: true, describe: "ECE user (password from ECE_PASSWORD)", group: "ECE:" })
      .option("api-ca", { type: "string", requiresArg: true, describe: "CA of the ECE API's own TLS certificate", group: "ECE:" })
      .option("insecure", { type: "boolean", describe: "Do not verify the ECE API's certificate (warns)", group: "ECE:" })
      .epilogue(
        [
          "A pair (A, B) holds when every node of A accepts every node of B: B's chain against A's ca at --at, then A's trust restrictions on B's names. Two clusters are connectable when both directions hold.",
          "",
          "Exit 0 every expectation holds, 1 one does not, 3 an invalid fleet file or unreadable input, 4 ECE or a node could not be reached.",
        ].join("\n"),
      )
      .example("$0 mesh fleet.yml", "The matrix, and every refusal with Elasticsearch's message")
      .example("$0 mesh fleet.yml --json --html mesh.html", "JSON for scripts, and an HTML report to look at")
      .example("$0 mesh fleet.yml --at 2027-06-01", "Will the fleet still connect on that day?"),
  run: async (args, ctx) => {
    if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > MAX_CONCURRENCY) {
      throw new OthernameError("USAGE", `invalid --concurrency ${String(args.concurrency)}: give 1 to ${MAX_CONCURRENCY}`, { kind: "usage" });
    }
    const timeoutMs = parseDurationOption("--timeout", args.timeout, { maxMs: MAX_TIMEOUT_MS, command: "mesh" });
    const at = args.at === undefined ? ctx.io.now() : parseAt(args.at);
    const text = Buffer.from(await readInputFile(args.fleet, ctx.io.cwd, "fleet file")).toString("utf8");
    const parsed = parseFleetFile(text);
    if (!parsed.ok) fleetInvalid(args.fleet, parsed.diagnostics, ctx);
    const spec = parsed.spec;
    const base = dirname(resolve(ctx.io.cwd, args.fleet));
    const missing = await missingFleetFiles(spec, base);
    if (missing.length > 0) fleetInvalid(args.fleet, missing, ctx);

    if (args.pass !== undefined) ctx.warn("--pass puts the password in the process list; prefer --pass-file or --pass-env");
    const password = await resolvePassword({ file: args["pass-file"], env: args["pass-env"], value: args.pass }, { ...ctx.io, stdinIsTTY: false });
    const fleet = await readFleet(spec, {
      base,
      io: ctx.io,
      passFile: args["ca-pass-file"],
      passEnv: args["ca-pass-env"],
      password,
      concurrency: args.concurrency,
      timeoutMs,
      ece: () => connect({ topic: "mesh", url: args.url, user: args.user, "api-ca": args["api-ca"], insecure: args.insecure }, ctx),
    });
    for (const p of fleet.problems) ctx.warn(`${terminalSafe(p.source)}: ${terminalSafe(p.message)}`);
    for (const n of fleet.notes) ctx.note(`note: ${terminalSafe(n)}`);
    const report = evaluateMesh({ clusters: fleet.clusters, expect: spec.expect, at });
    if (args.html !== undefined) {
      await writeReportFile(args.html, renderMeshHtml(report), { cwd: ctx.io.cwd, force: args.force, flag: "--html" });
      if (!args.json) ctx.note(`HTML report written to ${args.html}`);
    }
    if (args.json) ctx.json({ ...report, problems: fleet.problems, notes: fleet.notes });
    else for (const line of meshLines(report)) ctx.out(line);
    if (report.expectations.some((x) => !x.holds)) return ExitCode.no;
    if (fleet.problems.some((p) => p.kind === "input")) return ExitCode.input;
    if (fleet.problems.length > 0) return ExitCode.remote;
    return ExitCode.ok;
  },
});

function fleetInvalid(path: string, diagnostics: readonly Diagnostic[], ctx: CommandContext): never {
  for (const d of diagnostics) ctx.note(terminalSafe(formatDiagnostic(path, d)));
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  throw new OthernameError("FLEET_INVALID", `invalid fleet file ${path}: ${errors} problem${errors === 1 ? "" : "s"} (listed above)`, {
    hint: "Fix the lines named above; paths in a fleet file are relative to the fleet file.",
  });
}
