import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EceClient } from "../../src/ece/client.js";
import { canonicalJson, removeDirectTrust, upsertDirectTrust } from "../../src/ece/trust.js";
import { updateDeploymentTrust } from "../../src/ece/update-trust.js";
import { startEceFixture, type EceFixture } from "./fixture.js";
import type { StoredDeployment } from "./server.js";

/**
 * Against the HTTPS test server (which replaces trust wholesale): for random existing trust
 * settings and a random add or remove, the stored entries afterwards are exactly the entries
 * before, plus or minus the one named.
 */
let fx: EceFixture;
let client: EceClient;

beforeAll(async () => {
  fx = await startEceFixture();
  client = new EceClient({ url: fx.server.url, auth: { kind: "apiKey", apiKey: fx.apiKey }, ca: fx.apiCa.pem, sleep: async () => {} });
});
afterAll(async () => {
  await client.close();
  await fx.server.close();
});

const id = fc.stringMatching(/^[a-z0-9-]{1,10}$/);
const text = fc.string({ maxLength: 10 });
const account = fc.record({ account_id: id, trust_all: fc.boolean(), name: text, trust_allowlist: fc.array(id, { maxLength: 3 }) }, { requiredKeys: ["account_id", "trust_all"] });
const external = fc.record({ trust_relationship_id: id, trust_all: fc.boolean(), name: text, trust_allowlist: fc.array(id, { maxLength: 3 }) }, { requiredKeys: ["trust_relationship_id", "trust_all"] });
// Direct entries the server accepts: node names without a scope, or a scope with trust_all/allowlist.
const direct = fc.oneof(
  fc.record({ name: text, trust_all: fc.constant(false), additional_node_names: fc.array(id, { minLength: 1, maxLength: 3 }), extra: fc.option(text, { nil: undefined }) }, { requiredKeys: ["name", "trust_all", "additional_node_names"] }),
  fc.record({ name: text, trust_all: fc.boolean(), scope_id: fc.stringMatching(/^[a-z0-9]{1,8}$/), trust_allowlist: fc.array(id, { maxLength: 2 }) }, { requiredKeys: ["name", "trust_all", "scope_id"] }),
);
const trust = fc.record({
  accounts: fc.oneof(fc.constant(null), fc.array(account, { maxLength: 3 })),
  external: fc.oneof(fc.constant(null), fc.array(external, { maxLength: 3 })),
  direct: fc.oneof(fc.constant(null), fc.uniqueArray(direct, { maxLength: 4, selector: (d) => d.name })),
});
const operation = fc.oneof(
  fc.record({ op: fc.constant("add" as const), name: text, nodes: fc.array(id, { minLength: 1, maxLength: 3 }) }),
  fc.record({ op: fc.constant("remove" as const), name: text }),
);

type Stored = { accounts?: unknown[] | null; external?: unknown[] | null; direct?: { name: string }[] | null };

/** Entries as a sorted multiset of canonical JSON, ignoring what the server computes (uid, metadata). */
function entries(stored: Stored, without?: string): string[] {
  const strip = (e: Record<string, unknown>): unknown => {
    const { uid: _uid, certificates, ...rest } = e;
    return { ...rest, certificates: (certificates as { pem: string }[] | undefined)?.map((c) => c.pem.replace(/\s+/g, "")) };
  };
  return [
    ...(stored.accounts ?? []).map((e) => `a:${canonicalJson(e)}`),
    ...(stored.external ?? []).map((e) => `e:${canonicalJson(e)}`),
    ...(stored.direct ?? []).filter((e) => e.name !== without).map((e) => `d:${canonicalJson(strip(e as Record<string, unknown>))}`),
  ].sort();
}

describe("property against the server: exactly the named entry changes", () => {
  it("holds for random trust settings and operations", async () => {
    await fc.assert(
      fc.asyncProperty(trust, operation, async (initial, step) => {
        fx.reset();
        const deployment = fx.server.deployments.get("d1") as StoredDeployment;
        const existingPem = fx.clusterCa.pem;
        const withCerts = {
          ...initial,
          direct: initial.direct === null ? null : initial.direct.map((d, i) => ({ uid: `uid-${i}`, ...d, certificates: [{ pem: existingPem }] })),
        };
        (deployment.elasticsearch[0] as StoredDeployment["elasticsearch"][number]).info.settings = { trust: structuredClone(withCerts) };
        const before = structuredClone(fx.server.trustOf("d1")) as Stored;
        const hadNamed = (before.direct ?? []).some((d) => d.name === step.name);

        const result = await updateDeploymentTrust(
          client,
          { deploymentId: "d1" },
          (current) =>
            step.op === "add"
              ? upsertDirectTrust(current, { name: step.name, trust_all: false, additional_node_names: step.nodes, certificates: [{ pem: fx.clusterCa.pem }] })
              : removeDirectTrust(current, step.name),
          { validateOnly: false },
        );
        const after = fx.server.trustOf("d1") as Stored;
        const afterSource = result.outcome === "unchanged" ? before : after;
        // Every entry not named is still there, unchanged.
        expect(entries(afterSource, step.name)).toEqual(entries(before, step.name));
        const named = (afterSource.direct ?? []).filter((d) => d.name === step.name);
        expect(named).toHaveLength(step.op === "add" ? 1 : 0);
        expect(entries(afterSource).length).toBe(entries(before).length + (step.op === "add" ? (hadNamed ? 0 : 1) : hadNamed ? -1 : 0));
        // An updated entry keeps the uid the server gave it.
        if (step.op === "add" && hadNamed) {
          const old = (before.direct ?? []).find((d) => d.name === step.name) as { uid?: string };
          expect((named[0] as { uid?: string }).uid).toBe(old.uid);
        }
      }),
      { numRuns: 40 },
    );
  });
});
