import { describe, expect, it } from "vitest";
import { namesAfterJdkValidation } from "../../src/pki/names-after-validation.js";
import { makeCa, makeLeaf } from "../chain/mini-ca.js";

// The JDK 17 name-constraints check adds the leaf's CN to its SAN object, which Elasticsearch then
// reads (checked against the JDK in test/jdk/differential.test.ts, cases nc/* and random/*).
describe("names Elasticsearch reads after the JDK validated the chain", () => {
  it("adds a host-name CN as a DNS name when an intermediate has name constraints and the SAN has no DNS name", async () => {
    const root = await makeCa("CN=Root");
    const constrained = await makeCa("CN=Constrained", root, { nameConstraints: { permittedDns: ["example.com"] } });
    const plain = await makeCa("CN=Plain", root);
    const leaf = await makeLeaf("CN=node1.example.com", constrained, { san: { otherNameCommonName: ["n1"] } });
    expect(namesAfterJdkValidation([leaf.certificate, constrained.certificate, root.certificate]).dns).toEqual(["node1.example.com"]);

    const unconstrainedLeaf = await makeLeaf("CN=node1.example.com", plain, { san: { otherNameCommonName: ["n1"] } });
    expect(namesAfterJdkValidation([unconstrainedLeaf.certificate, plain.certificate, root.certificate]).dns).toEqual([]);
    // The anchor's own constraints are not used by the JDK's TrustAnchor.
    expect(namesAfterJdkValidation([leaf.certificate, constrained.certificate]).dns).toEqual([]);
  });

  it("leaves the names alone when the SAN has a DNS name, there is no SAN, or the CN is no host name", async () => {
    const root = await makeCa("CN=Root");
    const ca = await makeCa("CN=Constrained", root, { nameConstraints: { permittedDns: ["example.com"] } });
    const cases: [string, Parameters<typeof makeLeaf>[2]][] = [
      ["CN=node1.example.com", { san: { dns: ["other.example.com"] } }],
      ["CN=node1.example.com", {}],
      ["CN=10.1.2.3", { san: { otherNameCommonName: ["n1"] } }],
      ["CN=two words", { san: { otherNameCommonName: ["n1"] } }],
      ["CN=under_score", { san: { otherNameCommonName: ["n1"] } }],
    ];
    for (const [subject, spec] of cases) {
      const leaf = await makeLeaf(subject, ca, spec);
      const before = leaf.certificate.san.dns;
      expect(namesAfterJdkValidation([leaf.certificate, ca.certificate, root.certificate]).dns, subject).toEqual(before);
    }
  });
});
