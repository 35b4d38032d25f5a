import { describe, expect, it } from "vitest";
import { compileMatcher, eceMember, evaluateMesh, linkOf, OTHER_NAME_FIELD, parseFleetFile, type MeshCluster } from "../../src/index.js";
import { escapeWildcard, sampleName } from "../../src/fleet/ece-cluster.js";
import { makeTestCa, PROBE_TIME } from "../helpers/test-pki.js";
import { parseCertificate } from "../../src/pki/certificate.js";

const at = new Date(PROBE_TIME);

describe("evaluateMesh (pure)", () => {
  it("without trust restrictions the chain alone decides: a node with no otherName is accepted", async () => {
    const ca = await makeTestCa("Mesh CA");
    const other = await makeTestCa("Other CA");
    const plain = parseCertificate((await ca.issue({ cn: "plain" })).der);
    const named = parseCertificate((await ca.issue({ cn: "named", otherNames: ["n1.node.c1.cluster.s1.account"] })).der);
    const stranger = parseCertificate((await other.issue({ cn: "stranger", otherNames: ["x.node.c1.cluster.s1.account"] })).der);
    const cluster = (name: string, nodes: MeshCluster["nodes"], patterns: readonly string[] | null): MeshCluster => ({
      name,
      anchors: [ca.certificate],
      matcher: patterns === null ? null : compileMatcher(patterns),
      fields: [OTHER_NAME_FIELD],
      nodes,
    });
    const report = evaluateMesh({
      at,
      clusters: [
        cluster("open", [{ kind: "certificate", label: "plain.crt", leaf: plain, intermediates: [] }], null),
        cluster("strict", [{ kind: "certificate", label: "named.crt", leaf: named, intermediates: [] }], ["*"]),
        cluster("foreign", [{ kind: "certificate", label: "stranger.crt", leaf: stranger, intermediates: [] }], null),
      ],
      expect: [{ text: "open <- strict", from: "open", to: "strict", both: false }],
    });
    const verdict = (from: string, to: string) => report.pairs.find((p) => p.from === from && p.to === to);
    expect(verdict("open", "strict")?.accepted).toBe(true);
    // `*` still refuses a certificate with no value in the field (Elasticsearch).
    expect(verdict("strict", "open")?.reason).toBe("Certificate for CN=plain with fields [subjectAltName.otherName.commonName] with values [] does not match the trusted names [*]");
    expect(verdict("open", "foreign")?.reason).toMatch(/^Certificate chain for CN=stranger is not trusted: NO_PATH/);
    expect(verdict("open", "foreign")?.node).toBe("stranger.crt");
    expect(report.connectable).toEqual([]);
    expect(linkOf(report, "open", "strict")).toBe("one-way");
    expect(linkOf(report, "strict", "open")).toBe("reverse-only");
    // foreign has no restrictions and trusts the same CA: it accepts open, open refuses it.
    expect(linkOf(report, "open", "foreign")).toBe("reverse-only");
    expect(report.expectations).toEqual([{ expect: "open <- strict", holds: true, reason: null }]);
  });

  it("a cluster with no node is refused with a reason, never accepted vacuously", async () => {
    const ca = await makeTestCa("Empty CA");
    const report = evaluateMesh({ at, clusters: [{ name: "empty", anchors: [ca.certificate], matcher: null, fields: [OTHER_NAME_FIELD], nodes: [] }] });
    expect(report.pairs).toEqual([{ from: "empty", to: "empty", accepted: false, reason: "empty has no node to check", node: null }]);
  });
});

describe("eceMember (pure)", () => {
  it("turns the deployment's CA and trust settings into anchors, patterns and a described node", async () => {
    const ece = await makeTestCa("ECE CA");
    const direct = await makeTestCa("Direct CA");
    const member = eceMember({
      deploymentId: "d1",
      ca: { recommended_trust_restriction: "*.node.d1.cluster.region.account", public_certificates: [{ active: true, pem: ece.pem, metadata: { fingerprint: "", valid_from: "", valid_to: "" } }] },
      trust: {
        accounts: [{ account_id: "acc", trust_all: false, trust_allowlist: ["c9"] }],
        external: [{ trust_relationship_id: "r1", name: "other env", trust_all: true }],
        direct: [
          { name: "self-managed", trust_all: false, additional_node_names: ["n*1.node.c.cluster.s"], certificates: [{ pem: direct.pem }] },
          { name: "scoped", trust_all: true, scope_id: "s2", certificates: [{ pem: direct.pem }] },
        ],
      },
    });
    expect(member.anchors.map((c) => c.subject)).toEqual(["CN=ECE CA", "CN=Direct CA"]);
    expect(member.patterns).toEqual(["*.node.d1.cluster.region.account", "*.node.c9.cluster.region.account", "n\\*1.node.c.cluster.s", "*.node.*.cluster.s2"]);
    expect(member.notes).toEqual(['external trust "other env" is not modelled (the API does not return that environment\'s CA)']);
    expect(member.node).toMatchObject({ kind: "described", otherNames: ["instance-0000000000.node.d1.cluster.region.account"] });
  });

  it("escapes literal names and samples wildcard patterns", () => {
    expect(escapeWildcard("/a?b\\c*")).toBe("\\/a\\?b\\\\c\\*");
    expect(compileMatcher([escapeWildcard("a*b")]).matches("a*b")).toBe(true);
    expect(compileMatcher([escapeWildcard("a*b")]).matches("axb")).toBe(false);
    expect(sampleName("*.node.c?.cluster.\\*s")).toBe("instance-0000000000.node.c0.cluster.*s");
  });
});

describe("parseFleetFile", () => {
  it("reads clusters, fields, node kinds and the three arrow forms", () => {
    const result = parseFleetFile(
      ["clusters:", "  - name: a", "    ca: ca.crt", "    fields: subjectAltName.dnsName, subjectAltName.otherName.commonName", "    nodes: [certs/, 'node1:9300', '[::1]:9300']", "  - name: b", "    ece: { deployment: d1 }", "expect: [a <-> b, a -> b, a <- b]", ""].join("\n"),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [a, b] = result.spec.clusters;
    expect(a?.fields).toEqual(["subjectAltName.dnsName", "subjectAltName.otherName.commonName"]);
    expect(a?.nodes.map((n) => n.kind)).toEqual(["path", "endpoint", "endpoint"]);
    expect(b?.ece).toEqual({ deployment: "d1", refId: undefined });
    expect(result.spec.expect.map((e) => [e.from, e.to, e.both])).toEqual([
      ["a", "b", true],
      ["a", "b", false],
      ["b", "a", false],
    ]);
  });

  it("refuses ca or restrictions beside ece, duplicate names, bad fields, and a YAML bomb", () => {
    const result = parseFleetFile(["clusters:", "  - name: a", "    ece: { deployment: d1 }", "    ca: [x.crt]", "  - name: a", "    ca: y.crt", "    nodes: n/", "    fields: subject.CN", ""].join("\n"));
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.rule}`)).toEqual(["4:10 ece-conflict", "5:11 duplicate-cluster", "8:13 invalid-field"]);
    const bomb = parseFleetFile(`a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`).join("\n")}\nclusters: []\n`);
    expect(bomb.ok).toBe(false);
  });
});
