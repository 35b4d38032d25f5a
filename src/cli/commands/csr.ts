import { defineCommand } from "../command.js";
import { passwordOptions, warnPassOnCommandLine } from "../password-options.js";
import { keyOptions, keyText } from "../key-options.js";
import { ExitCode } from "../../errors.js";
import { coreCount } from "../../io/thread-pool.js";
import { noteThreadPool } from "../generation-output.js";
import type { CsrWriter } from "../../instances/generate.js";

/** `othername csr`: one key and PKCS#10 request per instance (CLI.md), like certutil's csr mode. */
interface CsrArgs {
  readonly in: string;
  readonly out: string;
  readonly key?: string;
  readonly keysize?: number;
  readonly passFile?: string;
  readonly passEnv?: string;
  readonly pass?: string;
  readonly force?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

export default defineCommand<CsrArgs>({
  command: "csr",
  describe: "Generate keys and certificate signing requests from an instances.yaml",
  builder: (y) =>
    keyOptions(passwordOptions(y, { purpose: "Password to encrypt the keys" }))
      .option("in", { type: "string", demandOption: true, describe: "instances.yaml (certutil format, plus cluster:/scope:)", requiresArg: true })
      .option("out", { type: "string", demandOption: true, describe: "Output: a directory, or a file ending in .zip", requiresArg: true })
      .option("force", { type: "boolean", describe: "Replace existing output files" })
      .option("json", { type: "boolean", describe: "Print one JSON document on stdout" })
      .option("quiet", { type: "boolean", alias: ["q", "s", "silent"], describe: "No summary (certutil: -s, --silent)" })
      .example("$0 csr --in instances.yml --out csr-bundle.zip", "<name>/<name>.csr and <name>/<name>.key per instance")
      .example("$0 csr --in instances.yml --out requests/ --key ec:p256", "EC keys, written to a directory"),
  run: async (args, ctx) => {
    const jobs = coreCount();
    noteThreadPool(ctx, jobs);
    const { parseInstances, planGeneration } = await import("../../instances/index.js");
    const { generateBundle } = await import("../../instances/generate.js");
    const { parseKeySpec } = await import("../../pki/keys.js");
    const { readInputFile } = await import("../../io/read-input.js");
    const { resolvePassword } = await import("../../io/password.js");
    const { openBundleStage, writeBundle } = await import("../../io/bundle.js");
    const { reportDiagnostics, toBundleFiles } = await import("../generation-output.js");

    const keySpec = parseKeySpec(keyText(args));
    const text = new TextDecoder().decode(await readInputFile(args.in, ctx.io.cwd, "instances file"));
    const parsed = parseInstances(text);
    reportDiagnostics(args.in, parsed.diagnostics, ctx, { json: Boolean(args.json) });
    if (!parsed.ok) return ExitCode.input;
    const at = ctx.io.now();
    const plan = planGeneration(parsed.spec, { kind: "csr", at, days: 1 });
    // Checked and staged before any key is generated (src/io/output-stage.ts).
    const stage = await openBundleStage(plan.files, { out: args.out, cwd: ctx.io.cwd, force: Boolean(args.force) });
    for (const note of stage.notes) ctx.note(`othername: ${note}`);
    let written;
    try {
      const csr = await loadCsrWriter();
      warnPassOnCommandLine(ctx, args.pass, "--pass");
      const password = await resolvePassword({ file: args.passFile, env: args.passEnv, value: args.pass }, { ...ctx.io });
      const result = await generateBundle({ plan, keySpec, signing: { kind: "none" }, jobs, keyFormat: "pkcs8", password, csr });
      written = await writeBundle(toBundleFiles(result.files), { out: args.out, cwd: ctx.io.cwd, force: Boolean(args.force), at }, stage);
    } finally {
      await stage.discard();
    }
    if (args.json) {
      ctx.json({
        out: written.location,
        instances: plan.instances.map((i) => ({ name: i.name, filename: i.filename, subject: i.subjectText, files: i.files, otherNameCommonName: i.san.otherNameCommonName, dns: i.san.dns, ip: i.san.ip })),
      });
      return ExitCode.ok;
    }
    ctx.out(`Created ${plan.instances.length} key${plan.instances.length === 1 ? "" : "s"} and certificate signing request${plan.instances.length === 1 ? "" : "s"} in ${written.location}:`);
    if (args.quiet) return ExitCode.ok;
    const { sanList } = await import("../render/san-list.js");
    for (const i of plan.instances.slice(0, 20)) ctx.out(`  ${i.files.join(", ")}  ${i.subjectText}  [${sanList(i.san)}]`);
    if (plan.instances.length > 20) ctx.out(`  … and ${plan.instances.length - 20} more`);
    ctx.out("Send the .csr files to your CA; keep the .key files (mode 0600) with the nodes.");
    if (plan.instances.some((i) => i.san.otherNameCommonName.length + i.san.dns.length + i.san.ip.length > 0)) {
      // openssl x509 -req drops a request's extensions unless told to keep them (OpenSSL 3: -copy_extensions copy).
      ctx.out("The signer must copy the requested subjectAltName (otherName, DNS, IP) into each certificate: with openssl, `openssl x509 -req -copy_extensions copy …`; without it Elasticsearch sees no otherName and trusts no node.");
    }
    return ExitCode.ok;
  },
});

/** createCsr of src/pki/csr, given the parsed subject so it is encoded as certificates are. */
async function loadCsrWriter(): Promise<CsrWriter> {
  const { createCsr } = await import("../../pki/csr.js");
  return (request) => createCsr({ key: request.key, subject: request.subject, san: request.san });
}
