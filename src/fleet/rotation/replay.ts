import { OthernameError } from "../../errors.js";
import type { EceState, NodeState, RotationPlan, RotationState } from "./model.js";

/**
 * The state of every node and ECE deployment at every step of a plan, replayed from its actions:
 * before the rotation every node trusts the old CA and presents its current certificate, and the
 * rotated ECE entries hold the old CA; each step then changes one node (a rolling restart: the
 * others keep their files) or one deployment. Pure.
 */
export interface ReplayedStep {
  /** 0 for the state before the rotation, else the phase's number. */
  readonly phase: number;
  /** 0 for the state before the rotation, else 1-based within the phase. */
  readonly step: number;
  readonly label: string;
  readonly state: RotationState;
}

/**
 * Every step of `plan` with the state it leaves the cluster in, the state before the rotation first.
 *
 * @param plan - A rotation plan (from `planRotation` or a read plan.json).
 * @returns The steps in order, each with every node's and deployment's state after it.
 * @throws OthernameError ROTATION_PLAN_INVALID when an action names a node or deployment the plan does not have.
 * @example
 * ```ts
 * const steps = replayRotation(plan);
 * steps[1]?.state.nodes.find((n) => n.node === "node-1")?.trusts; // ["old", "new"]
 * ```
 */
export function replayRotation(plan: RotationPlan): ReplayedStep[] {
  let nodes: NodeState[] = plan.nodes.map((n) => ({ node: n.name, trusts: ["old"], presents: "current" }));
  let ece: EceState[] = plan.ece.map((e) => ({ deployment: e.deploymentId, trusts: ["old"] }));
  const out: ReplayedStep[] = [{ phase: 0, step: 0, label: "before the rotation (today's files)", state: { nodes, ece } }];
  for (const phase of plan.phases) {
    phase.steps.forEach((step, i) => {
      const action = step.action;
      if (action.kind === "node") {
        if (!nodes.some((n) => n.node === action.node)) throw unknown(`node "${action.node}"`, phase.number, i + 1);
        nodes = nodes.map((n) =>
          n.node === action.node ? { node: n.node, trusts: action.trusts ?? n.trusts, presents: action.presents ?? n.presents } : n,
        );
      } else {
        if (!ece.some((e) => e.deployment === action.deployment)) throw unknown(`ECE deployment "${action.deployment}"`, phase.number, i + 1);
        ece = ece.map((e) => (e.deployment === action.deployment ? { deployment: e.deployment, trusts: action.trusts } : e));
      }
      out.push({ phase: phase.number, step: i + 1, label: step.label, state: { nodes, ece } });
    });
  }
  return out;
}

function unknown(what: string, phase: number, step: number): OthernameError {
  return new OthernameError("ROTATION_PLAN_INVALID", `invalid rotation plan: phase ${phase} step ${step} names ${what}, which the plan does not have`, {
    hint: "Regenerate the plan with othername rotate plan, or fix the step in plan.json.",
  });
}
