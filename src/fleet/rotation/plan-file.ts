import { OthernameError } from "../../errors.js";
import { normalizeTrust } from "../../ece/trust.js";
import { TRUST_FIELDS, type TrustField } from "../../trust/decide.js";
import { PLAN_FORMAT, type CaRole, type RotationAction, type RotationEce, type RotationNode, type RotationPhase, type RotationPlan } from "./model.js";

/** Bounds for a plan read from a file: far above any real cluster, low enough to keep a check short. */
const MAX_NODES = 1_000;
const MAX_DEPLOYMENTS = 100;
const MAX_STEPS = 10_000;

/**
 * Reads plan.json (already parsed as JSON) back into a rotation plan, checking its shape so a
 * hand-edited or damaged file is refused with the field that is wrong.
 *
 * @param value - The parsed JSON of plan.json.
 * @param source - The file name, for messages.
 * @returns The plan.
 * @throws OthernameError ROTATION_PLAN_INVALID naming the field.
 * @example
 * ```ts
 * const plan = parseRotationPlan(JSON.parse(text), "plan/plan.json");
 * ```
 */
export function parseRotationPlan(value: unknown, source: string): RotationPlan {
  const fail = (path: string, reason: string): never => {
    throw new OthernameError("ROTATION_PLAN_INVALID", `invalid rotation plan ${source}: ${path} ${reason}`, {
      hint: "Regenerate it with othername rotate plan; when editing plan.json by hand, keep its fields.",
    });
  };
  const object = (v: unknown, path: string): Record<string, unknown> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(path, "is not an object"));
  const string = (v: unknown, path: string): string => (typeof v === "string" ? v : fail(path, "is not a string"));
  const array = (v: unknown, path: string, max: number): unknown[] => {
    if (!Array.isArray(v)) return fail(path, "is not a list");
    if (v.length > max) fail(path, `has ${v.length} entries (at most ${max})`);
    return v;
  };
  const strings = (v: unknown, path: string): string[] => array(v, path, MAX_NODES).map((s, i) => string(s, `${path}[${i}]`));
  const roles = (v: unknown, path: string): CaRole[] =>
    strings(v, path).map((r, i) => (r === "old" || r === "new" ? r : fail(`${path}[${i}]`, `is "${r}", not "old" or "new"`)));

  const root = object(value, "the document");
  if (root["format"] !== PLAN_FORMAT) fail("format", `is not "${PLAN_FORMAT}"`);
  if (root["version"] !== 1) fail("version", "is not 1 (made by another version of othername?)");
  const nodes = array(root["nodes"], "nodes", MAX_NODES).map((n, i): RotationNode => {
    const o = object(n, `nodes[${i}]`);
    return {
      name: string(o["name"], `nodes[${i}].name`),
      source: string(o["source"], `nodes[${i}].source`),
      certificate: string(o["certificate"], `nodes[${i}].certificate`),
      intermediates: strings(o["intermediates"] ?? [], `nodes[${i}].intermediates`),
      renewed: string(o["renewed"], `nodes[${i}].renewed`),
    };
  });
  const ece = array(root["ece"] ?? [], "ece", MAX_DEPLOYMENTS).map((e, i): RotationEce => {
    const o = object(e, `ece[${i}]`);
    const refId = o["refId"] === undefined ? undefined : string(o["refId"], `ece[${i}].refId`);
    return {
      deploymentId: string(o["deploymentId"], `ece[${i}].deploymentId`),
      ...(refId === undefined ? {} : { refId }),
      ca: object(o["ca"], `ece[${i}].ca`) as unknown as RotationEce["ca"],
      trust: normalizeTrust(object(o["trust"], `ece[${i}].trust`)),
      entries: strings(o["entries"], `ece[${i}].entries`),
    };
  });
  let steps = 0;
  const phases = array(root["phases"], "phases", 100).map((p, i): RotationPhase => {
    const o = object(p, `phases[${i}]`);
    const number = typeof o["number"] === "number" && Number.isInteger(o["number"]) ? o["number"] : fail(`phases[${i}].number`, "is not a whole number");
    return {
      number,
      name: string(o["name"], `phases[${i}].name`),
      steps: array(o["steps"], `phases[${i}].steps`, MAX_STEPS).map((s, j) => {
        if (++steps > MAX_STEPS) fail("phases", `have more than ${MAX_STEPS} steps`);
        const path = `phases[${i}].steps[${j}]`;
        const step = object(s, path);
        const a = object(step["action"], `${path}.action`);
        let action: RotationAction;
        if (a["kind"] === "node") {
          const presents = a["presents"];
          if (presents !== undefined && presents !== "current" && presents !== "renewed") fail(`${path}.action.presents`, 'is not "current" or "renewed"');
          action = {
            kind: "node",
            node: string(a["node"], `${path}.action.node`),
            ...(a["trusts"] === undefined ? {} : { trusts: roles(a["trusts"], `${path}.action.trusts`) }),
            ...(presents === undefined ? {} : { presents: presents as "current" | "renewed" }),
          };
        } else if (a["kind"] === "ece") {
          action = { kind: "ece", deployment: string(a["deployment"], `${path}.action.deployment`), trusts: roles(a["trusts"], `${path}.action.trusts`) };
        } else {
          return fail(`${path}.action.kind`, 'is not "node" or "ece"');
        }
        return { label: string(step["label"], `${path}.label`), action };
      }),
    };
  });
  const restrictions = root["restrictions"] === null || root["restrictions"] === undefined ? null : object(root["restrictions"], "restrictions");
  const fields = strings(root["fields"] ?? [], "fields").map((f, i) => ((TRUST_FIELDS as readonly string[]).includes(f) ? (f as TrustField) : fail(`fields[${i}]`, `is not one of ${TRUST_FIELDS.join(", ")}`)));
  return {
    format: PLAN_FORMAT,
    version: 1,
    createdAt: string(root["createdAt"], "createdAt"),
    cluster: string(root["cluster"], "cluster"),
    oldCa: string(root["oldCa"], "oldCa"),
    newCa: string(root["newCa"], "newCa"),
    extraAnchors: strings(root["extraAnchors"] ?? [], "extraAnchors"),
    restrictions: restrictions === null ? null : { fileName: string(restrictions["fileName"], "restrictions.fileName"), text: string(restrictions["text"], "restrictions.text") },
    fields: fields.length === 0 ? ["subjectAltName.otherName.commonName"] : fields,
    nodes,
    ece,
    phases,
  };
}
