import { OthernameError } from "../errors.js";
import type { EceClient } from "./client.js";
import { EceHttpError } from "./http-errors.js";
import type {
  DeploymentGetResponse,
  DeploymentUpdateRequest,
  ElasticsearchClusterPlan,
  ElasticsearchResourceInfo,
} from "./model.js";
import { TransportError } from "./transport.js";
import { diffTrust, normalizeTrust, trustForWrite, type TrustDiff, type TrustMergeResult, type TrustSettings } from "./trust.js";

/**
 * The read → merge → write cycle for a deployment's trust settings.
 *
 * 1. GET the deployment (`show_settings=true`), keep `x-cloud-resource-version`.
 * 2. Apply the operation to the *whole* current trust (trust.ts) — ECE replaces it wholesale.
 * 3. PUT `?version=<that version>` with `prune_orphans: false` and the Elasticsearch resource's
 *    `ref_id`, `region`, current plan unchanged and `settings.trust`.
 * 4. On 409 (the deployment changed since step 1) go back to 1 — never overwrite blindly.
 */

/** Which Elasticsearch resource of which deployment. */
export interface TrustTarget {
  readonly deploymentId: string;
  /** Needed only when the deployment has more than one Elasticsearch resource. */
  readonly refId?: string | undefined;
}

export interface TrustState {
  readonly version: string;
  readonly deployment: DeploymentGetResponse;
  readonly resource: ElasticsearchResourceInfo;
  readonly plan: ElasticsearchClusterPlan | undefined;
  readonly trust: TrustSettings;
}

/** Reads the deployment and picks its Elasticsearch resource's trust and current plan. */
export async function readTrustState(client: EceClient, target: TrustTarget): Promise<TrustState> {
  const { deployment, version } = await client.getDeployment(target.deploymentId);
  const resource = pickResource(deployment, target);
  return {
    version,
    deployment,
    resource,
    plan: resource.info?.plan_info?.current?.plan,
    trust: normalizeTrust(resource.info?.settings?.trust),
  };
}

function pickResource(deployment: DeploymentGetResponse, target: TrustTarget): ElasticsearchResourceInfo {
  const resources = deployment.resources?.elasticsearch ?? [];
  if (target.refId !== undefined) {
    const match = resources.find((r) => r.ref_id === target.refId);
    if (!match) {
      throw new OthernameError("ECE_RESOURCE_NOT_FOUND", `cannot find Elasticsearch resource ${target.refId} (--ref-id) in deployment ${target.deploymentId}`, {
        kind: "remote",
        hint: `The deployment has: ${resources.map((r) => r.ref_id).join(", ") || "no Elasticsearch resource"}.`,
      });
    }
    return match;
  }
  const [first, ...rest] = resources;
  if (!first) {
    throw new OthernameError("ECE_RESOURCE_NOT_FOUND", `cannot change trust of deployment ${target.deploymentId}: it has no Elasticsearch resource`, {
      kind: "remote",
      hint: "Trust settings belong to a deployment's Elasticsearch cluster; check --deployment.",
    });
  }
  if (rest.length > 0) {
    throw new OthernameError("ECE_RESOURCE_AMBIGUOUS", `cannot choose an Elasticsearch resource of deployment ${target.deploymentId}: it has ${resources.length}`, {
      kind: "usage",
      hint: `Name one with --ref-id: ${resources.map((r) => r.ref_id).join(", ")}.`,
    });
  }
  return first;
}

/** The PUT body: only this Elasticsearch resource, its plan as read, and the whole trust object. */
export function buildTrustUpdate(state: TrustState, trust: TrustSettings): DeploymentUpdateRequest {
  if (state.plan === undefined) {
    throw new OthernameError("ECE_NO_PLAN", `cannot update deployment ${state.deployment.id}: its Elasticsearch resource ${state.resource.ref_id} has no current plan`, {
      kind: "remote",
      hint: "The deployment may still be being created; wait until its first plan has finished and try again.",
    });
  }
  return {
    // false: true would shut down every resource this request does not mention (Kibana, APM…).
    prune_orphans: false,
    resources: {
      elasticsearch: [
        {
          ref_id: state.resource.ref_id,
          region: state.resource.region,
          plan: state.plan,
          settings: { trust: trustForWrite(trust) },
        },
      ],
    },
  };
}

export type TrustOperation = (current: TrustSettings) => TrustMergeResult;

export interface PlannedTrustChange {
  readonly state: TrustState;
  readonly result: TrustMergeResult;
  readonly diff: TrustDiff;
  /** 1 for the first plan; higher after a concurrent change forced a re-read. */
  readonly attempt: number;
}

export interface UpdateTrustOptions {
  /** `validate_only=true`: ECE checks the update and changes nothing (`--dry-run`). */
  readonly validateOnly: boolean;
  /**
   * Called with each plan before it is sent: the first time to show the change and ask for
   * confirmation (false stops with outcome "declined"), again after a concurrent change.
   */
  readonly onPlan?: (plan: PlannedTrustChange) => Promise<boolean> | boolean;
  /** Bounded re-read-and-merge rounds on version conflicts. */
  readonly maxConflictRetries?: number;
  readonly log?: (line: string) => void;
}

export type UpdateOutcome = "applied" | "validated" | "unchanged" | "declined";

export interface UpdateTrustResult {
  readonly outcome: UpdateOutcome;
  readonly plan: PlannedTrustChange;
  /** Version conflicts met (each followed by a re-read and re-merge). */
  readonly conflicts: number;
  /** True when a PUT failed ambiguously but a re-read showed the change in place. */
  readonly confirmedByReread: boolean;
}

/** Five rounds: each needs someone else to write between our read and write. */
export const DEFAULT_CONFLICT_RETRIES = 5;

/**
 * The read → merge → PUT cycle that never loses an existing trust entry: reads the deployment's
 * trust and version, applies `operation` to it, and writes every entry back (ECE replaces the trust
 * object wholesale). On a version conflict (409) it reads and merges again, up to five rounds.
 *
 * @param client - The ECE client.
 * @param target - The deployment (and, when it has several, the Elasticsearch resource `ref_id`).
 * @param operation - The pure change to apply, e.g. `upsertDirectTrust` or `removeDirectTrust`.
 * @param options - `validateOnly` (ECE's server-side dry run), `onPlan` (show the change, confirm it) and the conflict rounds.
 * @returns What happened: applied, validated, unchanged or declined, with the planned change.
 * @throws OthernameError ECE_* (remote errors: ECE_VERSION_CONFLICT after the last round, ECE_RESOURCE_NOT_FOUND, …).
 * @example
 * ```ts
 * await updateDeploymentTrust(client, { deploymentId }, (trust) => upsertDirectTrust(trust, entry), { validateOnly: false });
 * ```
 */
export async function updateDeploymentTrust(
  client: EceClient,
  target: TrustTarget,
  operation: TrustOperation,
  options: UpdateTrustOptions,
): Promise<UpdateTrustResult> {
  const maxConflicts = options.maxConflictRetries ?? DEFAULT_CONFLICT_RETRIES;
  const log = options.log ?? (() => {});
  let conflicts = 0;
  for (let attempt = 1; ; attempt++) {
    const state = await readTrustState(client, target);
    const result = operation(state.trust);
    const diff = diffTrust(trustForWrite(state.trust), trustForWrite(result.trust));
    const plan: PlannedTrustChange = { state, result, diff, attempt };
    if (result.change === "unchanged" || result.change === "absent") {
      if (options.onPlan) await options.onPlan(plan);
      return { outcome: "unchanged", plan, conflicts, confirmedByReread: false };
    }
    const body = buildTrustUpdate(state, result.trust);
    if (options.onPlan && !(await options.onPlan(plan))) return { outcome: "declined", plan, conflicts, confirmedByReread: false };
    try {
      await client.updateDeployment(target.deploymentId, body, { version: state.version, validateOnly: options.validateOnly });
      return { outcome: options.validateOnly ? "validated" : "applied", plan, conflicts, confirmedByReread: false };
    } catch (error) {
      if (error instanceof EceHttpError && error.status === 409) {
        conflicts++;
        log(`deployment ${target.deploymentId} changed after version ${state.version} was read; re-reading and merging again (${conflicts} of ${maxConflicts})`);
        if (conflicts > maxConflicts) {
          throw new OthernameError(
            "ECE_VERSION_CONFLICT",
            `cannot update deployment ${target.deploymentId}: it kept changing while othername tried to write (${conflicts} version conflicts)`,
            { kind: "remote", hint: "Someone else is changing this deployment right now; try again when they are done.", cause: error },
          );
        }
        continue;
      }
      if (!options.validateOnly && isAmbiguousWriteFailure(error)) {
        // The PUT may or may not have been applied. Find out instead of repeating it blindly.
        log(`update of deployment ${target.deploymentId} failed without a clear answer (${(error as Error).message}); re-reading to check`);
        const after = await readTrustState(client, target);
        const check = operation(after.trust);
        if (check.change === "unchanged" || check.change === "absent") {
          return { outcome: "applied", plan, conflicts, confirmedByReread: true };
        }
      }
      throw error;
    }
  }
}

function isAmbiguousWriteFailure(error: unknown): boolean {
  if (error instanceof TransportError) return error.failure !== "tls";
  return error instanceof EceHttpError && error.status >= 500;
}
