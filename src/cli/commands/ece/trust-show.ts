import { describeCaPem } from "../../../ece/ca-pem.js";
import { readTrustState } from "../../../ece/update-trust.js";
import { ExitCode } from "../../../errors.js";
import type { CommandContext } from "../../context.js";
import type { EceArgs } from "./args.js";
import { connect } from "./connection.js";
import { escapeField as f } from "../../terminal-text.js";

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
    // Every value below comes from the server: each is escaped as one field (terminal-text.ts).
    for (const a of accounts) ctx.out(`  ${f(a.account_id)}${a.name ? ` "${f(a.name)}"` : ""}: ${scopeText(a.trust_all, a.trust_allowlist)}`);
    ctx.out(`external (${external.length}):`);
    for (const e of external) ctx.out(`  ${f(e.trust_relationship_id)}${e.name ? ` "${f(e.name)}"` : ""}: ${scopeText(e.trust_all, e.trust_allowlist)}`);
    ctx.out(`direct (${direct.length}):`);
    for (const d of direct) {
      ctx.out(`  "${f(d.name)}"${d.uid ? ` [uid ${f(d.uid)}]` : ""}${d.type ? ` type ${f(d.type)}` : ""}`);
      if (d.scope_id !== undefined) ctx.out(`    scope ${f(d.scope_id)}: ${scopeText(d.trust_all, d.trust_allowlist)}`);
      if (d.additional_node_names?.length) ctx.out(`    node names: ${d.additional_node_names.map(f).join(", ")}`);
      for (const c of d.certificates ?? []) ctx.out(`    CA: ${f(describeCaPem(c.pem))}${c.metadata?.valid_to ? `, valid to ${f(c.metadata.valid_to)}` : ""}`);
    }
    return ExitCode.ok;
  } finally {
    await client.close();
  }
}

function scopeText(trustAll: boolean, allowlist: readonly string[] | undefined): string {
  if (trustAll) return "all clusters";
  return allowlist?.length ? `clusters ${allowlist.map(f).join(", ")}` : "no cluster by scope";
}
