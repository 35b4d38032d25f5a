import { describe, expect, it } from "vitest";
import { DNS_NAME_FIELD, OTHER_NAME_FIELD, decideTrust, javaHashSetOrder, parseTrustFields, valuesForFields } from "../../src/trust/decide.js";
import { compileMatcher } from "../../src/trust/pattern.js";

const ok = { ok: true, failures: [] };

describe("decideTrust", () => {
  it("trusts when any pattern matches any value, naming the first pattern in file order", () => {
    const d = decideTrust({
      subject: "CN=n1",
      chain: ok,
      fields: [OTHER_NAME_FIELD],
      values: ["x.other", "n1.node.c1.cluster.s1"],
      matcher: compileMatcher(["nope", "*.c1.cluster.s1", "n1.*"]),
    });
    expect(d).toMatchObject({ trusted: true, decidedBy: "names", message: null, match: { pattern: "*.c1.cluster.s1", index: 1, value: "n1.node.c1.cluster.s1" } });
    expect(d.explanation.verdicts.map((v) => v.matchedValue)).toEqual([null, "n1.node.c1.cluster.s1", "n1.node.c1.cluster.s1"]);
  });

  it("rejects with Elasticsearch's message and the nearest miss", () => {
    const d = decideTrust({ subject: "CN=n9, O=Example", chain: ok, fields: [OTHER_NAME_FIELD], values: ["n9.node.x.cluster.s1"], matcher: compileMatcher(["*.node.abc.cluster.s1", "n1.node.x.cluster.s1"]) });
    expect(d.message).toBe(
      "Certificate for CN=n9, O=Example with fields [subjectAltName.otherName.commonName] with values [n9.node.x.cluster.s1] does not match the trusted names [*.node.abc.cluster.s1, n1.node.x.cluster.s1]",
    );
    // The literal pattern differs only at character 2; the wildcard's tail differs earlier from the end.
    expect(d.explanation.nearestMiss).toMatchObject({ pattern: "n1.node.x.cluster.s1", matchedLength: 18 });
    expect(d.explanation.nearestMiss?.reason).toContain("at character 2: found '9', expected '1'");
  });

  it("rejects a certificate without values even with *", () => {
    const d = decideTrust({ subject: "CN=x", chain: ok, fields: [OTHER_NAME_FIELD], values: [], matcher: compileMatcher(["*"]) });
    expect(d.trusted).toBe(false);
    expect(d.message).toBe("Certificate for CN=x with fields [subjectAltName.otherName.commonName] with values [] does not match the trusted names [*]");
    expect(d.explanation.notes.join(" ")).toMatch(/even "\*"/);
  });

  it("lets the chain decide first", () => {
    const d = decideTrust({
      subject: "CN=x",
      chain: { ok: false, failures: [{ index: 0, code: "NO_PATH", message: "no issuer found" }] },
      fields: [OTHER_NAME_FIELD],
      values: ["x"],
      matcher: compileMatcher(["*"]),
    });
    expect(d).toMatchObject({ trusted: false, decidedBy: "chain", match: null, message: "Certificate chain for CN=x is not trusted: NO_PATH: no issuer found" });
  });
});

describe("fields and values", () => {
  it("reads only otherName CNs and/or DNS names, never IPs", () => {
    const san = { otherNameCommonName: ["o1"], dns: ["d1"], ip: ["10.0.0.1"] };
    expect(valuesForFields(san, [OTHER_NAME_FIELD])).toEqual(["o1"]);
    expect(valuesForFields(san, [DNS_NAME_FIELD])).toEqual(["d1"]);
    expect(valuesForFields(san, [OTHER_NAME_FIELD, DNS_NAME_FIELD]).sort()).toEqual(["d1", "o1"]);
    expect(() => parseTrustFields("subjectAltName.ipAddress")).toThrowError(expect.objectContaining({ kind: "usage" }));
    expect(parseTrustFields(` ${DNS_NAME_FIELD} ,${OTHER_NAME_FIELD}`)).toEqual([DNS_NAME_FIELD, OTHER_NAME_FIELD]);
  });

  it("orders values as a java.util.HashSet iterates them", () => {
    expect(javaHashSetOrder(["b", "a", "b"])).toEqual(["a", "b"]);
    // String.hashCode spread to 16 buckets: banana → 0, apple → 1, cherry → 4.
    expect(javaHashSetOrder(["apple", "banana", "cherry"])).toEqual(["banana", "apple", "cherry"]);
  });
});
