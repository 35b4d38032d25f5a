import { ExitCode } from "../../errors.js";
import type { Certificate } from "../../pki/certificate.js";
import { validateChain, type ChainResult, type TlsRole } from "../../pki/chain.js";
import { readChainInputs, type ChainArgs } from "../chain-inputs.js";
import { defineCommand } from "../command.js";
import { parseAt } from "../parse-at.js";
import { passwordOptions } from "../password-options.js";
import { chainDiagnoses, diagnosisLines } from "../trust-diagnosis.js";

interface VerifyArgs extends ChainArgs {
  readonly at?: string;
  readonly as?: TlsRole;
  readonly json: boolean;
}

export default defineCommand<VerifyArgs>({
  command: "verify <cert>",
  describe: "Validate a certificate's chain to trust anchors (RFC 5280, as openssl verify)",
  builder: (yargs) =>
    passwordOptions(passwordOptions(yargs, { purpose: "Password of the certificate file (PKCS#12)" }), { prefix: "ca-", purpose: "Password of PKCS#12 --ca files" })
      .positional("cert", { type: "string", describe: "PEM, DER or PKCS#12 file; extra certificates in it are untrusted intermediates" })
      .option("ca", { type: "string", array: true, demandOption: true, requiresArg: true, describe: "Trust anchors: PEM bundle, DER file, PKCS#12 truststore or directory of PEM files (repeatable)" })
      .option("untrusted", { type: "string", array: true, requiresArg: true, describe: "PEM files of intermediate certificates that may complete the chain (repeatable)" })
      .option("at", { type: "string", requiresArg: true, describe: "Validate at this ISO-8601 time instead of now, e.g. 2030-01-01T00:00:00Z" })
      .option("as", {
        choices: ["client", "server", "both"] as const,
        requiresArg: true,
        describe: "Also apply what the JDK's TLS trust manager (Elasticsearch transport) checks for a peer in this role; without it, a pure RFC 5280 path check",
      })
      .option("json", { type: "boolean", default: false, describe: "Print one JSON document" })
      .example("$0 verify node1.crt --ca ca.crt", "Check node1.crt against the CA; exit 0 valid, 1 invalid")
      .example("$0 verify node1.crt --ca ca.crt --as both", "Would Elasticsearch's JDK accept node1.crt as a transport peer (TLS client and server)?")
      .example("$0 verify node1.crt --ca ca.crt --untrusted intermediate.crt --at 2027-06-01T00:00:00Z", "Complete the chain with an intermediate and validate at a given time")
      .example("$0 verify node1.p12 --pass-env P12_PASS --ca truststore.p12 --ca-pass-env TS_PASS --json", "PKCS#12 in, JSON out"),
  run: async (args, ctx) => {
    const at = args.at === undefined ? ctx.io.now() : parseAt(args.at);
    const { leaf, intermediates, anchors } = await readChainInputs(args, ctx, "verify");
    const result = validateChain({ leaf, intermediates, anchors, at }, args.as === undefined ? {} : { as: args.as });
    const diagnoses = chainDiagnoses(result, { anchors, intermediates });
    if (args.json) ctx.json({ ...toJson(result), ...(diagnoses.length > 0 ? { diagnoses } : {}) });
    else for (const line of [...describe(args.cert, result, at), ...diagnosisLines(diagnoses)]) ctx.out(line);
    return result.ok ? ExitCode.ok : ExitCode.no;
  },
});


function toJson(result: ChainResult) {
  return {
    ok: result.ok,
    path: result.path.map((cert) => ({ subject: cert.subject, issuer: cert.issuer })),
    failures: result.failures.map((failure) => ({
      index: failure.index,
      code: failure.code,
      message: failure.message,
      ...(failure.direction !== undefined ? { direction: failure.direction } : {}),
    })),
  };
}

/** The path as links `subject ← issuer`, leaf first, with each failure under its certificate. */
function describe(source: string, result: ChainResult, at: Date): string[] {
  const lines: string[] = [];
  const top = result.path.length - 1;
  const anchored = !result.failures.some((failure) => failure.code === "NO_PATH");
  result.path.forEach((cert, index) => {
    let link: string;
    if (index < top) link = `${cert.subject} ← ${(result.path[index + 1] as Certificate).subject}`;
    else if (!anchored) link = `${cert.subject} ← ${cert.issuer} (not found)`;
    else if (top === 0) link = `${cert.subject} (itself a trust anchor)`;
    else link = `${cert.subject} (trust anchor)`;
    const failures = result.failures.filter((failure) => failure.index === index);
    lines.push(`${failures.length > 0 ? "✗" : "✓"} [${index}] ${link}`);
    for (const failure of failures) {
      const direction = failure.direction === undefined ? "" : ` (as TLS ${failure.direction})`;
      lines.push(`      ${failure.code}${direction}: ${failure.message}`);
    }
  });
  const when = at.toISOString().replace(".000Z", "Z");
  if (result.ok) lines.push(`OK: ${source} chains to a trust anchor at ${when}`);
  else lines.push(`INVALID: ${source}: ${result.failures.length} problem${result.failures.length === 1 ? "" : "s"} at ${when}`);
  return lines;
}
