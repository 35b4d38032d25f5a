import { splitCaBundle } from "../../../ece/ca-pem.js";
import { nodeNamesFromBundle } from "../../../ece/bundle-names.js";
import {
  formatTrustDiff,
  removeDirectTrust,
  trustForWrite,
  upsertDirectTrust,
  validateDirectTrust,
  type DirectTrustRequest,
} from "../../../ece/trust.js";
import { updateDeploymentTrust, type PlannedTrustChange, type TrustOperation } from "../../../ece/update-trust.js";
import { ExitCode, OthernameError } from "../../../errors.js";
import { askYesNo } from "../../../io/confirm.js";
import { readFlagFile } from "../../../io/ece-files.js";
import { resolvePassword } from "../../../io/password.js";
import { readCertificateBundle } from "../../../io/read-bundle.js";
import type { CommandContext } from "../../context.js";
import type { EceArgs } from "./args.js";
import { connect } from "./connection.js";

function usage(message: string, hint: string): OthernameError {
  return new OthernameError("USAGE", message, { kind: "usage", hint });
}

/** `othername ece trust add`: add or update (same name) one direct trust entry. */
export async function trustAdd(args: EceArgs, ctx: CommandContext): Promise<ExitCode> {
  const request = await directTrustRequest(args, ctx);
  const check = validateDirectTrust(request);
  if (!check.ok) {
    throw new OthernameError(
      "ECE_TRUST_INVALID",
      `invalid direct trust "${request.name}": ${check.failures.map((f) => `${f.field}: ${f.message}`).join("; ")}`,
      { hint: "Fix the flags named above; see othername ece --help." },
    );
  }
  return change(args, ctx, (current) => upsertDirectTrust(current, request), `direct trust "${request.name}"`);
}

/** `othername ece trust remove`: remove one direct trust entry by name. */
export async function trustRemove(args: EceArgs, ctx: CommandContext): Promise<ExitCode> {
  const name = args.name;
  if (name === undefined || name === "") throw usage("othername ece trust remove needs --name NAME", "Name the direct trust to remove; `othername ece trust show` lists them.");
  return change(args, ctx, (current) => removeDirectTrust(current, name), `direct trust "${name}"`);
}

async function directTrustRequest(args: EceArgs, ctx: CommandContext): Promise<DirectTrustRequest> {
  const hint = "See othername ece --help for the forms of trust add.";
  if (args.name === undefined || args.name === "") throw usage("othername ece trust add needs --name NAME", hint);
  if (args.ca === undefined) throw usage("othername ece trust add needs --ca CA.pem (the self-managed cluster's CA certificate)", hint);
  const nodeFlags = args["node-name"] ?? [];
  const clusters = args.cluster ?? [];
  const trustAll = args["trust-all"] === true;
  const hasNames = nodeFlags.length > 0 || args["from-bundle"] !== undefined;
  if (!hasNames && args.scope === undefined) throw usage("othername ece trust add needs --node-name N..., --from-bundle PATH or --scope S", hint);
  if (args.scope === undefined && (clusters.length > 0 || trustAll)) throw usage("--cluster and --trust-all need --scope S", hint);
  if (clusters.length > 0 && trustAll) throw usage("--cluster and --trust-all exclude each other: --trust-all already trusts every cluster of the scope", hint);
  if (args.scope !== undefined && !hasNames && clusters.length === 0 && !trustAll) {
    throw usage("--scope alone trusts no cluster: add --cluster C... or --trust-all", hint);
  }
  if ((args["pass-file"] !== undefined || args["pass-env"] !== undefined) && args["from-bundle"] === undefined) {
    throw usage("--pass-file and --pass-env are for a PKCS#12 --from-bundle", hint);
  }

  const caText = Buffer.from(await readFlagFile(args.ca, "--ca", ctx.io.cwd)).toString("latin1");
  const certificates = splitCaBundle(caText, `${args.ca} (--ca)`).map((pem) => ({ pem }));

  const names: string[] = [...nodeFlags];
  if (args["from-bundle"] !== undefined) {
    const files = await readCertificateBundle(args["from-bundle"], ctx.io.cwd);
    const password = await resolvePassword({ file: args["pass-file"], env: args["pass-env"] }, ctx.io);
    const bundle = await nodeNamesFromBundle(files, { source: args["from-bundle"], password });
    ctx.note(`${args["from-bundle"]}: ${bundle.names.length} node name(s) from ${bundle.certificates.length} certificate(s)`);
    names.push(...bundle.names);
  }
  const uniqueNames = [...new Set(names)];
  return {
    name: args.name,
    trust_all: trustAll,
    certificates,
    ...(args.scope === undefined ? {} : { scope_id: args.scope }),
    ...(clusters.length > 0 ? { trust_allowlist: [...new Set(clusters)] } : {}),
    ...(uniqueNames.length > 0 ? { additional_node_names: uniqueNames } : {}),
  };
}

async function change(args: EceArgs, ctx: CommandContext, operation: TrustOperation, what: string): Promise<ExitCode> {
  const deploymentId = args.deployment as string;
  const dryRun = args["dry-run"] === true;
  const json = args.json === true;
  // With --json, stdout holds only the JSON document: the diff goes to stderr.
  const show = (line: string): void => (json ? ctx.note(line) : ctx.out(line));
  const client = await connect(args, ctx);
  try {
    const onPlan = async (plan: PlannedTrustChange): Promise<boolean> => {
      if (plan.attempt === 1) {
        show(`deployment ${deploymentId} (Elasticsearch ${plan.state.resource.ref_id}), version ${plan.state.version}:`);
      } else {
        ctx.note(`deployment ${deploymentId} changed meanwhile (now version ${plan.state.version}); merged again with its latest trust settings:`);
      }
      for (const line of formatTrustDiff(plan.diff)) show(`  ${line}`);
      const changes = plan.result.change !== "unchanged" && plan.result.change !== "absent";
      // After a version conflict the change was merged again with someone else's: it is shown
      // again above and asked again (unless --yes), since it may differ from what was approved.
      if (!changes || dryRun || args.yes === true) return true;
      if (!ctx.io.stdinIsTTY) {
        throw new OthernameError("ECE_CONFIRMATION_REQUIRED", `refusing to change deployment ${deploymentId} without confirmation: stdin is not a terminal`, {
          kind: "usage",
          hint: "Review the change above, then run again with --yes (or --dry-run to only validate).",
        });
      }
      return askYesNo(`Apply this change to deployment ${deploymentId}?`, ctx.io);
    };
    const result = await updateDeploymentTrust(client, { deploymentId, refId: args["ref-id"] }, operation, {
      validateOnly: dryRun,
      onPlan,
      log: (line) => ctx.note(line),
    });
    const { change: kind } = result.plan.result;
    if (kind === "absent") ctx.warn(`deployment ${deploymentId} has no ${what}; nothing to remove`);
    if (result.confirmedByReread) ctx.warn(`the ECE API did not confirm the update, but re-reading deployment ${deploymentId} shows it applied`);
    if (json) {
      ctx.json({
        deployment: deploymentId,
        refId: result.plan.state.resource.ref_id,
        name: args.name,
        change: kind,
        outcome: result.outcome,
        dryRun,
        conflicts: result.conflicts,
        diff: result.plan.diff,
        ...(result.plan.result.after ? { entry: trustForWrite({ accounts: [], external: [], direct: [result.plan.result.after] }).direct[0] } : {}),
      });
    } else {
      const messages: Record<typeof result.outcome, string> = {
        applied: `${kind} ${what} in deployment ${deploymentId}`,
        validated: `dry run: ECE validated the change to ${what}; nothing was changed`,
        unchanged: kind === "absent" ? `nothing to do for deployment ${deploymentId}` : `no change: deployment ${deploymentId} already has this ${what}`,
        declined: `not applied: nothing was changed in deployment ${deploymentId}`,
      };
      ctx.out(messages[result.outcome]);
    }
    return result.outcome === "declined" ? ExitCode.no : ExitCode.ok;
  } finally {
    await client.close();
  }
}
