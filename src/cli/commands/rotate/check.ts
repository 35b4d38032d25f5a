import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { canonicalJson, formatTrustDiff, trustForWrite, type TrustSettings } from "../../../ece/trust.js";
import { updateDeploymentTrust, type PlannedTrustChange } from "../../../ece/update-trust.js";
import { ExitCode, OthernameError } from "../../../errors.js";
import { checkRotation, rotatedTrust } from "../../../fleet/rotation/check.js";
import type { CaRole, RotationEce, RotationPlan } from "../../../fleet/rotation/model.js";
import { parseRotationPlan } from "../../../fleet/rotation/plan-file.js";
import { askYesNo } from "../../../io/confirm.js";
import { readInputFile } from "../../../io/read-input.js";
import type { CommandContext } from "../../context.js";
import { parseAt } from "../../parse-at.js";
import { rotationTable, verdictLines } from "../../render/rotation-text.js";
import { terminalSafe } from "../../render/fleet-text.js";
import { connect } from "../ece/connection.js";
import type { RotateArgs } from "./args.js";
import { checkJson, eceArgs } from "./plan.js";

/** `othername rotate check PLAN [--apply-ece PHASE]`. */
export async function rotateCheck(args: RotateArgs, ctx: CommandContext): Promise<ExitCode> {
  if (args.plan === undefined) throw new OthernameError("USAGE", "rotate check needs PLAN: the plan directory (or its plan.json)", { kind: "usage", hint: "e.g. othername rotate check rotation" });
  if ((args["dry-run"] !== undefined || args.yes !== undefined) && args["apply-ece"] === undefined) {
    throw new OthernameError("USAGE", "--dry-run and --yes go with --apply-ece PHASE", { kind: "usage", hint: "See othername rotate --help." });
  }
  const plan = await readPlan(args.plan, ctx.io.cwd);
  const at = args.at === undefined ? ctx.io.now() : parseAt(args.at);
  const check = checkRotation(plan, { at });
  const applying = args["apply-ece"] !== undefined;
  if (args.json && !applying) ctx.json(checkJson(check));
  else for (const line of [...rotationTable(check), "", ...verdictLines(check)]) (args.json ? ctx.note(line) : ctx.out(line));
  if (!applying) return check.ok ? ExitCode.ok : ExitCode.no;
  if (check.breaks.length > 0) {
    ctx.warn(`not applying phase ${args["apply-ece"]}'s ECE change: the plan cuts connections (above)`);
    if (args.json) ctx.json({ ...checkJson(check), applied: [] });
    return ExitCode.no;
  }
  return applyEce(plan, args, ctx, check);
}

async function readPlan(path: string, cwd: string): Promise<RotationPlan> {
  const full = resolve(cwd, path);
  const isDirectory = (await stat(full).catch(() => undefined))?.isDirectory() === true;
  const file = isDirectory ? join(path, "plan.json") : path;
  const bytes = await readInputFile(file, cwd, "rotation plan");
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error) {
    throw new OthernameError("ROTATION_PLAN_INVALID", `invalid rotation plan ${file}: not JSON (${error instanceof Error ? error.message : String(error)})`, { hint: "Give the plan directory written by othername rotate plan." });
  }
  return parseRotationPlan(value, file);
}

interface Applied {
  readonly deployment: string;
  readonly outcome: string;
  readonly change: string;
  readonly conflicts: number;
}

async function applyEce(plan: RotationPlan, args: RotateArgs, ctx: CommandContext, check: ReturnType<typeof checkRotation>): Promise<ExitCode> {
  const number = args["apply-ece"] as number;
  const phase = plan.phases.find((p) => p.number === number);
  if (phase === undefined) {
    throw new OthernameError("USAGE", `invalid --apply-ece ${number}: the plan has phases ${plan.phases.map((p) => p.number).join(", ")}`, { kind: "usage", hint: "Name the phase whose ECE change to apply." });
  }
  const changes = phase.steps.flatMap((s) => (s.action.kind === "ece" ? [{ deployment: s.action.deployment, trusts: s.action.trusts }] : []));
  if (changes.length === 0) {
    ctx.out(`phase ${number} (${phase.name}) changes no ECE trust: nothing to apply`);
    if (args.json) ctx.json({ ...checkJson(check), applied: [] });
    return ExitCode.ok;
  }
  const dryRun = args["dry-run"] === true;
  const show = (line: string): void => (args.json ? ctx.note(line) : ctx.out(line));
  const client = await connect(eceArgs(args), ctx);
  const applied: Applied[] = [];
  let declined = false;
  try {
    for (const change of changes) {
      const ece = plan.ece.find((e) => e.deploymentId === change.deployment) as RotationEce;
      const onPlan = async (planned: PlannedTrustChange): Promise<boolean> => {
        if (planned.attempt === 1) show(`deployment ${terminalSafe(ece.deploymentId)} (Elasticsearch ${terminalSafe(planned.state.resource.ref_id)}), version ${terminalSafe(planned.state.version)}: phase ${number}, trust ${change.trusts.join(" + ")} CA`);
        else ctx.note(`deployment ${ece.deploymentId} changed meanwhile (now version ${planned.state.version}); merged again with its latest trust settings:`);
        for (const line of formatTrustDiff(planned.diff)) show(`  ${line}`);
        if (planned.result.change === "unchanged" || dryRun || args.yes === true) return true;
        if (!ctx.io.stdinIsTTY) {
          throw new OthernameError("ECE_CONFIRMATION_REQUIRED", `refusing to change deployment ${ece.deploymentId} without confirmation: stdin is not a terminal`, {
            kind: "usage",
            hint: "Review the change above, then run again with --yes (or --dry-run to only validate).",
          });
        }
        return askYesNo(`Apply phase ${number}'s trust change to deployment ${ece.deploymentId}?`, ctx.io);
      };
      const result = await updateDeploymentTrust(client, { deploymentId: ece.deploymentId, refId: ece.refId }, (current) => rotationOperation(current, ece, change.trusts, plan), {
        validateOnly: dryRun,
        onPlan,
        log: (line) => ctx.note(line),
      });
      if (result.confirmedByReread) ctx.warn(`the ECE API did not confirm the update, but re-reading deployment ${ece.deploymentId} shows it applied`);
      applied.push({ deployment: ece.deploymentId, outcome: result.outcome, change: result.plan.result.change, conflicts: result.conflicts });
      const messages: Record<typeof result.outcome, string> = {
        applied: `applied phase ${number}'s trust change to deployment ${ece.deploymentId}`,
        validated: `dry run: ECE validated phase ${number}'s trust change to deployment ${ece.deploymentId}; nothing was changed`,
        unchanged: `no change: deployment ${ece.deploymentId} already has phase ${number}'s trust`,
        declined: `not applied: nothing was changed in deployment ${ece.deploymentId}`,
      };
      show(messages[result.outcome]);
      if (result.outcome === "declined") {
        declined = true;
        break;
      }
    }
  } finally {
    await client.close();
  }
  if (args.json) ctx.json({ ...checkJson(check), applied });
  return declined ? ExitCode.no : ExitCode.ok;
}

/**
 * The read-merge-write operation of one phase: in the trust as read now, the rotated direct
 * entries hold the phase's CAs; every other field and entry is sent back as read.
 */
function rotationOperation(current: TrustSettings, ece: RotationEce, trusts: readonly CaRole[], plan: RotationPlan) {
  const missing = ece.entries.filter((name) => !current.direct.some((d) => d.name === name));
  if (missing.length > 0) {
    throw new OthernameError("ECE_TRUST_CHANGED", `cannot apply the rotation to deployment ${ece.deploymentId}: its direct trust ${missing.map((m) => `"${m}"`).join(", ")} no longer exists`, {
      kind: "remote",
      hint: "Someone changed the deployment's trust since the plan was made: make the plan again (othername rotate plan).",
    });
  }
  const trust = rotatedTrust({ ...ece, trust: current }, trusts, plan);
  const same = canonicalJson(trustForWrite(current)) === canonicalJson(trustForWrite(trust));
  return { trust: same ? current : trust, change: same ? ("unchanged" as const) : ("updated" as const) };
}
