import type { CertificateAuthority } from "../../ece/model.js";
import type { TrustSettings } from "../../ece/trust.js";
import type { TrustField } from "../../trust/decide.js";

/**
 * The value a CA rotation plan is: what the cluster looks like today, and the ordered actions of
 * the three phases. JSON-serialisable as it is (certificates as PEM text), so `rotate plan`
 * writes it as plan.json and `rotate check` reads it back. The state of every step is never
 * stored: it is replayed from the actions (replay.ts), so a plan whose actions are edited, or a
 * phase left out, is checked as it would really run.
 */

/** Which of the two CAs: the one being replaced, or the one replacing it. */
export type CaRole = "old" | "new";

/** The certificate a node presents: the one it has today, or the one phase 2 gives it. */
export type Presented = "current" | "renewed";

export interface RotationNode {
  /** The node's name in the plan (its bundle file stem), unique. */
  readonly name: string;
  /** Where its current certificate was read from. */
  readonly source: string;
  /** Its certificate today (issued by the old CA), PEM. */
  readonly certificate: string;
  /** Certificates it sends beside its leaf today, PEM. */
  readonly intermediates: readonly string[];
  /** Its certificate from the new CA (same subject and names), PEM. */
  readonly renewed: string;
}

export interface RotationEce {
  readonly deploymentId: string;
  readonly refId?: string | undefined;
  /** The deployment's CA endpoint answer, as read when planning. */
  readonly ca: CertificateAuthority;
  /** Its trust settings as read when planning. */
  readonly trust: TrustSettings;
  /** The direct trust entries (by name) that trust the old CA: the ones the rotation changes. */
  readonly entries: readonly string[];
}

/** The cluster's own trust_restrictions file, loaded as Elasticsearch loads it; null when none is configured. */
export interface RotationRestrictions {
  readonly fileName: string;
  readonly text: string;
}

/** One step: a node restarted with new files, or an ECE trust change. */
export type RotationAction =
  | {
      readonly kind: "node";
      readonly node: string;
      /** The CA bundle / truststore the node restarts with (absent: unchanged). */
      readonly trusts?: readonly CaRole[];
      /** The certificate it restarts with (absent: unchanged). */
      readonly presents?: Presented;
    }
  | {
      readonly kind: "ece";
      readonly deployment: string;
      /** The CAs the deployment's rotated direct trust entries hold after the change. */
      readonly trusts: readonly CaRole[];
    };

export interface RotationStep {
  readonly label: string;
  readonly action: RotationAction;
}

export interface RotationPhase {
  readonly number: number;
  readonly name: string;
  readonly steps: readonly RotationStep[];
}

export interface RotationPlan {
  readonly format: "othername-rotation-plan";
  readonly version: 1;
  readonly createdAt: string;
  readonly cluster: string;
  readonly oldCa: string;
  readonly newCa: string;
  /** Other CA certificates every node trusts throughout (e.g. the ECE deployment's CA), PEM. */
  readonly extraAnchors: readonly string[];
  readonly restrictions: RotationRestrictions | null;
  readonly fields: readonly TrustField[];
  readonly nodes: readonly RotationNode[];
  readonly ece: readonly RotationEce[];
  readonly phases: readonly RotationPhase[];
}

/** What one node runs with at a step. */
export interface NodeState {
  readonly node: string;
  readonly trusts: readonly CaRole[];
  readonly presents: Presented;
}

/** What one ECE deployment's rotated entries trust at a step. */
export interface EceState {
  readonly deployment: string;
  readonly trusts: readonly CaRole[];
}

export interface RotationState {
  readonly nodes: readonly NodeState[];
  readonly ece: readonly EceState[];
}

export const PLAN_FORMAT = "othername-rotation-plan";
