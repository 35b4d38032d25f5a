import { ECE_CA_FILE, TRUST_RESTRICTIONS_FILE, deploymentCaFiles, elasticsearchYmlLines } from "../../../ece/deployment-ca.js";
import { ExitCode, OthernameError } from "../../../errors.js";
import { prepareOutputDirectory } from "../../../io/ece-files.js";
import type { CommandContext } from "../../context.js";
import type { EceArgs } from "./args.js";
import { connect } from "./connection.js";

/** `othername ece ca`: the deployment's CA and a trust_restrictions.yml for the self-managed side. */
export async function eceCa(args: EceArgs, ctx: CommandContext): Promise<ExitCode> {
  const deploymentId = args.deployment as string;
  if (args.out === undefined || args.out === "") {
    throw new OthernameError("USAGE", "othername ece ca needs --out DIR", { kind: "usage", hint: "Name the directory to write the CA and trust_restrictions.yml into." });
  }
  const extra = args["also-trust"] ?? [];
  // The output is checked (exists, writable) and staged before the server is asked.
  const output = await prepareOutputDirectory(args.out, [ECE_CA_FILE, TRUST_RESTRICTIONS_FILE], { cwd: ctx.io.cwd, force: args.force === true, flag: "--out" });
  let files;
  try {
    const client = await connect(args, ctx);
    try {
      const ca = await client.getCertificateAuthority(deploymentId);
      files = deploymentCaFiles(ca, { deploymentId, extraPatterns: extra });
    } finally {
      await client.close();
    }
  } catch (error) {
    await output.discard();
    throw error;
  }
  // Certificates and patterns are public: world-readable like any CA certificate.
  const written = await output.write([
    { name: ECE_CA_FILE, bytes: new TextEncoder().encode(files.caPem), mode: 0o644 },
    { name: TRUST_RESTRICTIONS_FILE, bytes: new TextEncoder().encode(files.trustRestrictionsYaml), mode: 0o644 },
  ]);
  const yml = elasticsearchYmlLines();
  if (extra.length === 0) {
    ctx.warn(`${TRUST_RESTRICTIONS_FILE} trusts only deployment ${deploymentId}'s nodes; Elasticsearch applies it to this cluster's own nodes too: add their pattern (ece ca --also-trust PATTERN) before using it`);
  }
  if (args.json) {
    ctx.json({ deployment: deploymentId, files: written, certificates: files.certificates, trustRestrictions: files.patterns, elasticsearchYml: yml });
    return ExitCode.ok;
  }
  for (const path of written) ctx.out(`wrote ${path}`);
  for (const c of files.certificates) ctx.out(`  CA ${c.subject} (SHA-256 ${c.sha256})${c.active ? " active" : ""}, valid to ${c.notAfter}`);
  ctx.out(`  trust patterns: ${files.patterns.join(", ")}`);
  ctx.out("");
  ctx.out("Copy both files into the Elasticsearch config directory of every node and add to elasticsearch.yml:");
  for (const line of yml) ctx.out(`  ${line}`);
  return ExitCode.ok;
}
