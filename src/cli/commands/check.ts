import { ExitCode } from "../../errors.js";
import type { Certificate } from "../../pki/certificate.js";
import type { TlsRole } from "../../pki/chain.js";
import { certificateCheckReport, checkCertificate, directionVerdicts, type CertificateCheck } from "../../trust/check-certificate.js";
import { OTHER_NAME_FIELD, parseTrustFields, type TrustDecision } from "../../trust/decide.js";
import { readChainInputs, type ChainArgs } from "../chain-inputs.js";
import { defineCommand } from "../command.js";
import { parseAt } from "../parse-at.js";
import { trustRestrictionOptions } from "../trust-options.js";
import { passwordOptions } from "../password-options.js";
import { loadRestrictionsFile } from "./match.js";
import { chainDiagnoses, diagnosisLines, jdkDiagnoses, nameDiagnoses } from "../trust-diagnosis.js";

interface CheckArgs extends ChainArgs {
  readonly restrictions: string;
  readonly fields?: string;
  readonly as?: TlsRole;
  readonly at?: string;
  readonly json: boolean;
}

export default defineCommand<CheckArgs>({
  command: "check <cert>",
  describe: "Would an Elasticsearch node with this CA and trust_restrictions file accept this peer certificate?",
  builder: (yargs) =>
    trustRestrictionOptions(passwordOptions(passwordOptions(yargs, { purpose: "Password of the certificate file (PKCS#12)" }), { prefix: "ca-", purpose: "Password of PKCS#12 --ca files" }))
      .positional("cert", { type: "string", describe: "The peer's certificate: PEM, DER or PKCS#12 (extra certificates in it are untrusted intermediates)" })
      .option("ca", { type: "string", array: true, demandOption: true, requiresArg: true, describe: "The node's trust anchors: PEM bundle, DER, PKCS#12 truststore or directory (repeatable)" })
      .option("untrusted", { type: "string", array: true, requiresArg: true, describe: "PEM files of intermediate certificates (repeatable)" })
      .option("at", { type: "string", requiresArg: true, describe: "Decide at this ISO-8601 time instead of now" })
      .option("json", { type: "boolean", default: false, describe: "Print one JSON document" })
      .epilogue("Exit 0 trusted, 1 not trusted (chain or names), 3 unreadable input or a trust_restrictions file Elasticsearch would refuse.")
      .example("$0 check node9.crt --ca ca.crt --restrictions trust_restrictions.yml", "Trusted or not, with Elasticsearch's message and the nearest miss")
      .example("$0 check node9.crt --ca ca.crt --restrictions trust.yml --as server", "Only as a TLS server (checkServerTrusted: the node that accepts the connection)")
      .example("$0 check node9.p12 --pass-env P12_PASS --ca ca.crt --restrictions trust.yml --fields subjectAltName.dnsName --json", "Compare DNS names instead of otherNames, JSON out"),
  run: async (args, ctx) => {
    const fields = parseTrustFields(args.fields ?? OTHER_NAME_FIELD);
    const at = args.at === undefined ? ctx.io.now() : parseAt(args.at);
    const restrictions = await loadRestrictionsFile(args.restrictions, ctx);
    const { leaf, intermediates, anchors } = await readChainInputs(args, ctx, "check");
    const result = checkCertificate({ leaf, intermediates, anchors, at, fields, matcher: restrictions.matcher, as: args.as ?? "both" });
    const decision = result.decision;
    const diagnoses = [...chainDiagnoses(result.chain, { anchors, intermediates }), ...jdkDiagnoses(result), ...nameDiagnoses(decision, leaf)];
    if (args.json) {
      ctx.json({ ...certificateCheckReport(result), ...(diagnoses.length > 0 ? { diagnoses } : {}) });
    } else {
      for (const line of [...describe(args.cert, decision, leaf, result), ...diagnosisLines(diagnoses)]) ctx.out(line);
    }
    return decision.trusted ? ExitCode.ok : ExitCode.no;
  },
});

export function describe(source: string, d: TrustDecision, leaf: Certificate, check?: CertificateCheck): string[] {
  const lines: string[] = [];
  lines.push(`${d.trusted ? "TRUSTED" : "REJECTED"}: ${source} (${leaf.subject})`);
  const directions = check?.as === undefined ? [] : directionVerdicts(check.chain, check.as);
  if (d.decidedBy === "chain") {
    lines.push(`  chain: ✗ ${d.message ?? ""}`);
    // The JDK trust manager's verdict in each TLS direction, with the first rule that fails.
    for (const v of directions) {
      const first = v.failures[0];
      lines.push(`  as TLS ${v.direction} (${v.method}): ${first ? `✗ ${first.code}: ${first.message}` : "✓"}`);
    }
  } else {
    const as = directions.length === 0 ? "" : ` as TLS ${directions.map((v) => v.direction).join(" and ")} (${directions.map((v) => v.method).join(", ")})`;
    lines.push(`  chain: ✓ valid${as}`);
    lines.push(`  fields: ${d.fields.join(", ")}`);
    lines.push(`  values: ${d.values.length === 0 ? "(none)" : d.values.join(", ")}`);
    for (const v of d.explanation.verdicts) {
      lines.push(`  ${v.matchedValue !== null ? "✓" : "✗"} ${v.pattern}${v.matchedValue !== null ? `  matches ${v.matchedValue}` : ""}`);
    }
    if (d.match) lines.push(`  trusted by ${d.match.pattern} (value ${d.match.value})`);
    if (d.message) lines.push(`  Elasticsearch: ${d.message}`);
    if (d.explanation.nearestMiss) lines.push(`  nearest miss: ${d.explanation.nearestMiss.reason}`);
  }
  for (const note of d.explanation.notes) lines.push(`  note: ${note}`);
  return lines;
}
