import { beforeAll, describe, expect, it } from "vitest";
import { checkRotation, parseRotationPlan, planRotation, replayRotation, type RotationPlan } from "../../src/index.js";
import { PROBE_TIME, makeTestCa } from "../helpers/test-pki.js";

/**
 * The library: planRotation → checkRotation over values only (no files), a plan.json round trip,
 * and the mixed states of a rolling restart, node by node, in both directions.
 */
const at = new Date(PROBE_TIME);
let plan: RotationPlan;

beforeAll(async () => {
  const ca1 = await makeTestCa("CA1");
  const ca2 = await makeTestCa("CA2");
  const nodes = [];
  for (const name of ["a", "b"]) {
    const names = [`${name}.node.c1.cluster.s1.account`];
    nodes.push({ name, source: `${name}.crt`, certificate: (await ca1.issue({ cn: name, otherNames: names })).certPem, renewed: (await ca2.issue({ cn: name, otherNames: names })).certPem });
  }
  plan = planRotation({ oldCa: ca1.pem, newCa: ca2.pem, nodes, restrictions: { fileName: "t.yml", text: 'trust.subject_name: ["*.node.c1.cluster.s1.account"]\n' }, createdAt: at });
});

describe("planRotation and checkRotation", () => {
  it("plan three phases of rolling restarts that keep every pair connected", () => {
    expect(plan.phases.map((p) => [p.name, p.steps.length])).toEqual([["trust both CAs", 2], ["new node certificates", 2], ["drop the old CA", 2]]);
    const result = checkRotation(plan, { at });
    expect(result.ok).toBe(true);
    expect(result.required).toEqual([["a", "a"], ["a", "b"], ["b", "b"]]);
    expect(result.steps).toHaveLength(7);
  });

  it("replay a rolling restart: after phase 1 step 1, a trusts both CAs and b only the old one", () => {
    const step = replayRotation(plan)[1]!;
    expect(step.state.nodes).toEqual([{ node: "a", trusts: ["old", "new"], presents: "current" }, { node: "b", trusts: ["old"], presents: "current" }]);
  });

  it("find the cut when the phases run in the wrong order (new certificates before trust both)", () => {
    const wrong = { ...plan, phases: [plan.phases[1]!, plan.phases[0]!, plan.phases[2]!] };
    const result = checkRotation(wrong, { at });
    expect(result.ok).toBe(false);
    expect(result.breaks[0]).toMatchObject({ phase: 2, step: 1, pair: ["a", "a"], from: "a", to: "a" });
    expect(result.breaks[0]!.reason).toMatch(/^Certificate chain for CN=a is not trusted/);
    expect(result.breaks).toContainEqual(expect.objectContaining({ phase: 2, step: 1, pair: ["a", "b"], from: "b", to: "a" }));
  });

  it("find the cut when the old CA is dropped while a node still presents an old-CA certificate", () => {
    const early = { ...plan, phases: [plan.phases[0]!, { ...plan.phases[2]!, number: 2 }, { ...plan.phases[1]!, number: 3 }] };
    const result = checkRotation(early, { at });
    expect(result.breaks[0]).toMatchObject({ phase: 2, step: 1, pair: ["a", "a"], from: "a", to: "a" });
    expect(result.breaks).toContainEqual(expect.objectContaining({ phase: 2, step: 1, pair: ["a", "b"], from: "a", to: "b" }));
  });

  it("read plan.json back to the same plan, and refuse a damaged one naming the field", () => {
    expect(parseRotationPlan(JSON.parse(JSON.stringify(plan)), "plan.json")).toEqual(plan);
    const broken = JSON.parse(JSON.stringify(plan));
    broken.phases[0].steps[0].action.trusts = ["older"];
    expect(() => parseRotationPlan(broken, "plan.json")).toThrow(/phases\[0\]\.steps\[0\]\.action\.trusts\[0\] is "older"/);
  });
});
