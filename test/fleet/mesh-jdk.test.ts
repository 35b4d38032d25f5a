import { describe, expect, it } from "vitest";
import { compileMatcher, evaluateMesh, OTHER_NAME_FIELD, type MeshCluster } from "../../src/index.js";
import { createPeerCheck } from "../../src/trust/check-peer.js";
import { AT, makeCa, makeLeaf, CLIENT_AUTH, extendedKeyUsage, SERVER_AUTH } from "../chain/mini-ca.js";

/**
 * The mesh and the TLS peer check decide as Elasticsearch's JDK trust manager does, in both TLS
 * directions (as `check --as both`): a node certificate whose extendedKeyUsage lists serverAuth
 * only passes RFC 5280, and a transport node still refuses it as a client
 * ("Extended key usage does not permit use for TLS client authentication").
 */
const san = { otherNameCommonName: ["n1.node.c1.cluster.s1.account"] };
const CLIENT_REFUSAL = /Extended key usage does not permit use for TLS client authentication/;

describe("the JDK's TLS checks in the mesh and the peer check", () => {
  it("a serverAuth-only node is refused by its peers, with or without trust restrictions; serverAuth+clientAuth is accepted", async () => {
    const root = await makeCa("CN=Mesh JDK CA");
    const serverOnly = await makeLeaf("CN=n1", root, { san, extra: [extendedKeyUsage(SERVER_AUTH)] });
    const both = await makeLeaf("CN=n2", root, { san, extra: [extendedKeyUsage(SERVER_AUTH, CLIENT_AUTH)] });
    const cluster = (name: string, leaf: typeof both, patterns: readonly string[] | null): MeshCluster => ({
      name,
      anchors: [root.certificate],
      matcher: patterns === null ? null : compileMatcher(patterns),
      fields: [OTHER_NAME_FIELD],
      nodes: [{ kind: "certificate", label: `${name}.crt`, leaf: leaf.certificate, intermediates: [] }],
    });
    const report = evaluateMesh({
      at: AT,
      clusters: [cluster("server-only", serverOnly, ["*.node.c1.cluster.s1.account"]), cluster("restricted", both, ["*.node.c1.cluster.s1.account"]), cluster("open", both, null)],
    });
    const verdict = (from: string, to: string) => report.pairs.find((p) => p.from === from && p.to === to);
    expect(verdict("restricted", "server-only")?.accepted).toBe(false);
    expect(verdict("restricted", "server-only")?.reason).toMatch(CLIENT_REFUSAL);
    expect(verdict("open", "server-only")?.accepted).toBe(false);
    expect(verdict("open", "server-only")?.reason).toMatch(CLIENT_REFUSAL);
    expect(verdict("server-only", "restricted")?.accepted).toBe(true);
    expect(verdict("open", "restricted")?.accepted).toBe(true);
  });

  it("createPeerCheck refuses it by default and as a client, and accepts it as a server", async () => {
    const root = await makeCa("CN=Peer JDK CA");
    const serverOnly = await makeLeaf("CN=n1", root, { san, extra: [extendedKeyUsage(SERVER_AUTH)] });
    const der = new Uint8Array(serverOnly.x509.rawData);
    const options = { caCertificates: root.pem, patterns: ["*.node.c1.cluster.s1.account"], now: AT };
    const byDefault = createPeerCheck(options).check([der]);
    expect(byDefault.trusted).toBe(false);
    expect(byDefault.message).toMatch(CLIENT_REFUSAL);
    expect(createPeerCheck({ ...options, as: "client" }).check([der]).trusted).toBe(false);
    expect(createPeerCheck({ ...options, as: "server" }).check([der]).trusted).toBe(true);
  });
});
