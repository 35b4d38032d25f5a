import { describeCaPem } from "../../../ece/ca-pem.js";
import { readTrustState } from "../../../ece/update-trust.js";
import { ExitCode } from "../../../errors.js";
import type { CommandContext } from "../../context.js";
import type { EceArgs } from "./args.js";
import { connect } from "./connection.js";

/** `othername ece trust show`: the deployment's account, external and direct trusts. */
export async function trustShow(args: EceArgs, ctx: CommandContext): Promise<ExitCode> {
  const deploymentId = args.deployment as string;
  const client = await connect(args, ctx);
  try {
    const state = await readTrustState(client, { deploymentId, refId: args["ref-id"] });
    if (args.json) {
      ctx.json({ deployment: deploymentId, refId: state.resource.ref_id, version: state.version, trust: state.trust });
      return ExitCode.ok;
    }
    const { accounts, external, direct } = state.trust;
    ctx.out(`deployment ${deploymentId} (Elasticsearch ${state.resource.ref_id}), version ${state.version}`);
    ctx.out(`accounts (${accounts.length}):`);
    for (const a of accounts) ctx.out(`  ${a.account_id}${a.name ? ` "${a.name}"` : ""}: ${scopeText(a.trust_all, a.trust_allowlist)}`);
    ctx.out(`external (${external.length}):`);
    for (const e of external) ctx.out(`  ${e.trust_relationship_id}${e.name ? ` "${e.name}"` : ""}: ${scopeText(e.trust_all, e.trust_allowlist)}`);
    ctx.out(`direct (${direct.length}):`);
    for (const d of direct) {
      ctx.out(`  "${d.name}"${d.uid ? ` [uid ${d.uid}]` : ""}${d.type ? ` type ${d.type}` : ""}`);
      if (d.scope_id !== undefined) ctx.out(`    scope ${d.scope_id}: ${scopeText(d.trust_all, d.trust_allowlist)}`);
      if (d.additional_node_names?.length) ctx.out(`    node names: ${d.additional_node_names.join(", ")}`);
      for (const c of d.certificates ?? []) ctx.out(`    CA: ${describeCaPem(c.pem)}${c.metadata?.valid_to ? `, valid to ${c.metadata.valid_to}` : ""}`);
    }
    return ExitCode.ok;
  } finally {
    await client.close();
  }
}

function scopeText(trustAll: boolean, allowlist: readonly string[] | undefined): string {
  if (trustAll) return "all clusters";
  return allowlist?.length ? `clusters ${allowlist.join(", ")}` : "no cluster by scope";
}
