import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { DirectTrustRelationship, ElasticsearchClusterTrustSettings } from "../../src/ece/model.js";
import {
  canonicalJson,
  diffTrust,
  formatTrustDiff,
  normalizeTrust,
  removeDirectTrust,
  trustForWrite,
  upsertDirectTrust,
  validateDirectTrust,
  type DirectTrustRequest,
  type TrustSettings,
} from "../../src/ece/trust.js";
import { makeCa, makeLeaf, type TestCa } from "./certs.js";

let ca: TestCa;
let otherCa: TestCa;
let leafPem: string;
let leafKeyPem: string;

beforeAll(async () => {
  ca = await makeCa("CN=Self-managed CA");
  otherCa = await makeCa("CN=Other CA");
  const leaf = await makeLeaf(ca, { subject: "CN=node1", otherNameCommonName: ["node1.node.abc.cluster.s1.account"] });
  leafPem = leaf.pem;
  leafKeyPem = leaf.keyPem;
});

function existingTrust(): ElasticsearchClusterTrustSettings {
  return {
    accounts: [{ account_id: "acc-1", trust_all: true, name: "home", future_field: { a: 1 } } as never],
    external: [{ trust_relationship_id: "env-2", trust_all: false, trust_allowlist: ["c1", "c2"], name: "Remote ECE" }],
    direct: [
      {
        uid: "uid-existing",
        name: "legacy",
        type: "generic",
        trust_all: false,
        additional_node_names: ["n1.node.x.cluster.s.account"],
        certificates: [{ pem: otherCa.pem, metadata: { fingerprint: "ab", valid_from: "2024-01-01T00:00:00Z", valid_to: "2030-01-01T00:00:00Z" } }],
        unknown_future_field: true,
      } as DirectTrustRelationship,
    ],
  };
}

function request(overrides: Partial<DirectTrustRequest> = {}): DirectTrustRequest {
  return { name: "self-managed", trust_all: false, certificates: [{ pem: ca.pem }], additional_node_names: ["node1.node.abc.cluster.s1.account"], ...overrides };
}

describe("normalizeTrust / trustForWrite", () => {
  it("turns null and absent lists into empty lists", () => {
    expect(normalizeTrust(null)).toEqual({ accounts: [], external: [], direct: [] });
    expect(normalizeTrust({ accounts: null, direct: [] })).toEqual({ accounts: [], external: [], direct: [] });
  });

  it("drops read-only certificate metadata on write and nothing else", () => {
    const before = normalizeTrust(existingTrust());
    const written = trustForWrite(before);
    const entry = written.direct[0] as unknown as Record<string, unknown>;
    expect((entry["certificates"] as Record<string, unknown>[])[0]).toEqual({ pem: otherCa.pem });
    expect(entry["uid"]).toBe("uid-existing");
    expect(entry["unknown_future_field"]).toBe(true);
    expect(written.accounts).toBe(before.accounts);
    expect(written.external).toBe(before.external);
    // The input is not mutated.
    expect(before.direct[0]?.certificates[0]?.metadata).toBeDefined();
  });
});

describe("upsertDirectTrust", () => {
  it("appends a new entry and keeps every other entry as the same object", () => {
    const before = normalizeTrust(existingTrust());
    const result = upsertDirectTrust(before, request());
    expect(result.change).toBe("added");
    expect(result.trust.direct).toHaveLength(2);
    expect(result.trust.accounts).toBe(before.accounts);
    expect(result.trust.external).toBe(before.external);
    expect(result.trust.direct[0]).toBe(before.direct[0]);
    expect(result.trust.direct[1]).toEqual({
      name: "self-managed",
      trust_all: false,
      additional_node_names: ["node1.node.abc.cluster.s1.account"],
      certificates: [{ pem: ca.pem }],
    });
  });

  it("updates in place by name, keeping uid, type and unknown fields, replacing what the request defines", () => {
    const before = normalizeTrust(existingTrust());
    const result = upsertDirectTrust(before, { name: "legacy", trust_all: true, scope_id: "s1", certificates: [{ pem: ca.pem }] });
    expect(result.change).toBe("updated");
    const updated = result.trust.direct[0] as unknown as Record<string, unknown>;
    expect(updated["uid"]).toBe("uid-existing");
    expect(updated["type"]).toBe("generic");
    expect(updated["unknown_future_field"]).toBe(true);
    expect(updated["scope_id"]).toBe("s1");
    expect(updated["trust_all"]).toBe(true);
    expect(updated["additional_node_names"]).toBeUndefined();
    expect(updated["certificates"]).toEqual([{ pem: ca.pem }]);
  });

  it("is idempotent: the same request on the result changes nothing", () => {
    const once = upsertDirectTrust(normalizeTrust(existingTrust()), request());
    const twice = upsertDirectTrust(once.trust, request());
    expect(twice.change).toBe("unchanged");
    expect(twice.trust).toBe(once.trust);
    // Also when the server has added a uid and certificate metadata meanwhile.
    const served = {
      ...once.trust,
      direct: once.trust.direct.map((e) =>
        e.name === "self-managed" ? { ...e, uid: "new-uid", certificates: e.certificates.map((c) => ({ ...c, metadata: { fingerprint: "x", valid_from: "a", valid_to: "b" } })) } : e,
      ),
    };
    expect(upsertDirectTrust(served, request()).change).toBe("unchanged");
    // PEM whitespace differences do not count as a change.
    expect(upsertDirectTrust(once.trust, request({ certificates: [{ pem: ca.pem.replace(/\n/g, "\r\n") }] })).change).toBe("unchanged");
  });

  it("refuses to guess between two entries with the same name", () => {
    const doubled = normalizeTrust({ direct: [request() as DirectTrustRelationship, request() as DirectTrustRelationship] });
    expect(() => upsertDirectTrust(doubled, request())).toThrow(/2 direct trusts with that name/);
  });
});

describe("removeDirectTrust", () => {
  it("removes only the named entry", () => {
    const added = upsertDirectTrust(normalizeTrust(existingTrust()), request()).trust;
    const result = removeDirectTrust(added, "legacy");
    expect(result.change).toBe("removed");
    expect(result.trust.direct.map((e) => e.name)).toEqual(["self-managed"]);
    expect(result.trust.direct[0]).toBe(added.direct[1]);
    expect(result.trust.accounts).toBe(added.accounts);
  });

  it("reports an absent name without changing anything", () => {
    const before = normalizeTrust(existingTrust());
    const result = removeDirectTrust(before, "nope");
    expect(result.change).toBe("absent");
    expect(result.trust).toBe(before);
  });
});

describe("validateDirectTrust", () => {
  function codes(entry: unknown): string[] {
    const result = validateDirectTrust(entry as DirectTrustRequest);
    return result.ok ? [] : result.failures.map((f) => f.code);
  }

  it("accepts node names with a CA, and scope with trust_all or an allowlist", () => {
    expect(codes(request())).toEqual([]);
    expect(codes({ name: "a", trust_all: true, scope_id: "s1", certificates: [{ pem: ca.pem }] })).toEqual([]);
    expect(codes({ name: "a", trust_all: false, scope_id: "abc123", trust_allowlist: ["c1"], certificates: [{ pem: ca.pem }] })).toEqual([]);
  });

  it("applies the spec's required-field and scope rules", () => {
    expect(codes({ trust_all: false, additional_node_names: ["n"], certificates: [{ pem: ca.pem }] })).toContain("NAME_REQUIRED");
    expect(codes({ name: "a", additional_node_names: ["n"], certificates: [{ pem: ca.pem }] })).toContain("TRUST_ALL_REQUIRED");
    expect(codes({ name: "a", trust_all: false, additional_node_names: ["n"] })).toContain("CERTIFICATES_REQUIRED");
    expect(codes({ name: "a", trust_all: true, certificates: [{ pem: ca.pem }] })).toContain("SCOPE_REQUIRED");
    expect(codes({ name: "a", trust_all: false, trust_allowlist: ["c1"], additional_node_names: ["n"], certificates: [{ pem: ca.pem }] })).toContain("SCOPE_REQUIRED");
    expect(codes({ name: "a", trust_all: false, certificates: [{ pem: ca.pem }] })).toContain("NODE_NAMES_REQUIRED");
    expect(codes({ name: "a", trust_all: true, scope_id: "Has-Caps", certificates: [{ pem: ca.pem }] })).toContain("SCOPE_ID_INVALID");
    expect(codes({ name: "a", trust_all: true, scope_id: "a".repeat(33), certificates: [{ pem: ca.pem }] })).toContain("SCOPE_ID_INVALID");
    expect(codes({ ...request(), type: "proxy" })).toContain("PROXY_FIELDS");
    expect(codes({ ...request(), type: "weird" })).toContain("TYPE_INVALID");
  });

  it("rejects wildcards and regexes in node names", () => {
    expect(codes(request({ additional_node_names: ["*.node.abc.cluster.s1.account"] }))).toEqual(["NODE_NAME_WILDCARD"]);
    expect(codes(request({ additional_node_names: ["node?.x"] }))).toEqual(["NODE_NAME_WILDCARD"]);
    expect(codes(request({ additional_node_names: ["/node.*/"] }))).toEqual(["NODE_NAME_WILDCARD"]);
  });

  it("accepts only CA certificates in PEM without a private key", () => {
    expect(codes(request({ certificates: [{ pem: leafPem }] }))).toEqual(["NOT_A_CA_PEM"]);
    expect(codes(request({ certificates: [{ pem: `${ca.pem}\n${leafKeyPem}` }] }))).toEqual(["NOT_A_CA_PEM"]);
    expect(codes(request({ certificates: [{ pem: "not pem at all" }] }))).toEqual(["NOT_A_CA_PEM"]);
    const result = validateDirectTrust(request({ certificates: [{ pem: leafPem }] }));
    expect(result.ok ? "" : result.failures[0]?.message).toMatch(/CN=node1 is not a CA certificate/);
  });
});

describe("diffTrust", () => {
  it("shows exactly the added entry and counts the rest as kept", () => {
    const before = normalizeTrust(existingTrust());
    const after = upsertDirectTrust(before, request()).trust;
    const diff = diffTrust(trustForWrite(before), trustForWrite(after));
    expect(diff.changes.map((c) => [c.list, c.key, c.kind])).toEqual([["direct", "self-managed", "added"]]);
    expect(diff.unchanged).toEqual({ accounts: 1, external: 1, direct: 1 });
    const text = formatTrustDiff(diff).join("\n");
    expect(text).toContain('+ direct trust "self-managed" (added)');
    expect(text).toContain("CN=Self-managed CA (SHA-256 ");
    expect(text).toContain("node1.node.abc.cluster.s1.account");
    expect(text).toContain("entries kept unchanged: 1 account, 1 external, 1 direct");
  });

  it("shows changed fields with before and after", () => {
    const before = normalizeTrust(existingTrust());
    const after = upsertDirectTrust(before, { name: "legacy", trust_all: true, scope_id: "s1", certificates: [{ pem: otherCa.pem }] }).trust;
    const diff = diffTrust(trustForWrite(before), trustForWrite(after));
    expect(diff.changes).toHaveLength(1);
    expect(diff.changes[0]?.fields.map((f) => f.field).sort()).toEqual(["additional_node_names", "scope_id", "trust_all"]);
    expect(formatTrustDiff(diff).join("\n")).toMatch(/~ direct trust "legacy" \(changed\)/);
  });

  it("says so when nothing changes", () => {
    const before = normalizeTrust(existingTrust());
    expect(formatTrustDiff(diffTrust(before, before))[0]).toMatch(/no change/);
  });
});

describe("property: add/remove change exactly the one named entry", () => {
  const name = fc.string({ minLength: 1, maxLength: 12 });
  const strings = fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 });
  const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => !["name", "trust_all", "certificates", "scope_id", "trust_allowlist", "additional_node_names", "uid", "type", "account_id", "trust_relationship_id", "__proto__"].includes(k)), fc.jsonValue(), { maxKeys: 2 });
  const account = fc.record({ account_id: fc.string({ maxLength: 8 }), trust_all: fc.boolean(), trust_allowlist: strings, extra }).map(({ extra: e, ...a }) => ({ ...e, ...a }));
  const external = fc.record({ trust_relationship_id: fc.string({ maxLength: 8 }), trust_all: fc.boolean(), name: fc.string({ maxLength: 8 }), extra }).map(({ extra: e, ...a }) => ({ ...e, ...a }));
  const certificate = fc.record({ pem: fc.string({ maxLength: 20 }), metadata: fc.option(fc.record({ fingerprint: fc.string(), valid_from: fc.string(), valid_to: fc.string() }), { nil: undefined }) }, { requiredKeys: ["pem"] });
  const direct = fc.record(
    { uid: fc.uuid(), name, trust_all: fc.boolean(), scope_id: fc.string({ maxLength: 6 }), additional_node_names: strings, certificates: fc.array(certificate, { maxLength: 2 }), extra },
    { requiredKeys: ["name", "trust_all", "certificates", "extra"] },
  ).map(({ extra: e, ...d }) => ({ ...e, ...d }) as unknown as DirectTrustRelationship);
  const trust = fc.record({
    accounts: fc.oneof(fc.constant(null), fc.array(account, { maxLength: 4 })),
    external: fc.oneof(fc.constant(null), fc.array(external, { maxLength: 4 })),
    direct: fc.oneof(fc.constant(null), fc.uniqueArray(direct, { maxLength: 5, selector: (d) => d.name })),
  });
  const operation = fc.oneof(
    fc.record({ op: fc.constant("add" as const), name, nodes: fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }) }),
    fc.record({ op: fc.constant("remove" as const), name }),
  );

  function asSet(t: TrustSettings): string[] {
    const written = trustForWrite(t);
    return [
      ...written.accounts.map((e) => `a:${canonicalJson(e)}`),
      ...written.external.map((e) => `e:${canonicalJson(e)}`),
      ...written.direct.map((e) => `d:${canonicalJson(e)}`),
    ].sort();
  }

  it("holds for random trust settings and operations", () => {
    fc.assert(
      fc.property(trust, fc.array(operation, { minLength: 1, maxLength: 4 }), (raw, operations) => {
        let current = normalizeTrust(raw as ElasticsearchClusterTrustSettings);
        for (const step of operations) {
          const before = asSet(current);
          const named = current.direct.find((e) => e.name === step.name);
          const others = (t: TrustSettings): string[] =>
            asSet({ ...t, direct: t.direct.filter((e) => e.name !== step.name) });
          const result =
            step.op === "add"
              ? upsertDirectTrust(current, { name: step.name, trust_all: false, additional_node_names: step.nodes, certificates: [{ pem: ca.pem }] })
              : removeDirectTrust(current, step.name);
          const after = asSet(result.trust);
          // Every entry not named is carried over exactly.
          expect(others(result.trust)).toEqual(others(current));
          const namedAfter = result.trust.direct.filter((e) => e.name === step.name);
          if (step.op === "add") {
            expect(namedAfter).toHaveLength(1);
            expect(namedAfter[0]?.additional_node_names).toEqual(step.nodes);
            if (named?.uid !== undefined) expect(namedAfter[0]?.uid).toBe(named.uid);
            expect(after.length).toBe(before.length + (named ? 0 : 1));
          } else {
            expect(namedAfter).toHaveLength(0);
            expect(after.length).toBe(before.length - (named ? 1 : 0));
          }
          current = result.trust;
        }
      }),
      { numRuns: 300 },
    );
  });
});
