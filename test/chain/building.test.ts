import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { validateChain } from "../../src/pki/chain.js";
import { dnsWithin, nameConstraintViolations, parseNameConstraints } from "../../src/pki/chain/name-constraints.js";
import { parseIp } from "../../src/pki/names.js";
import { normalizedNameKey } from "../../src/pki/chain/name-match.js";
import { concatBytes, encodeOid, encodeTlv, Tag } from "../../src/pki/der.js";
import { AT, encodeNameConstraints, makeCa, makeLeaf, newKeys, type MiniCert } from "./mini-ca.js";

describe("path building limits", () => {
  it("terminates on CAs that certify each other, reporting NO_PATH", async () => {
    const keysA = await newKeys();
    const keysB = await newKeys();
    const selfA = await makeCa("CN=A", undefined, { keys: keysA });
    const selfB = await makeCa("CN=B", undefined, { keys: keysB });
    const aByB = await makeCa("CN=A", selfB, { keys: keysA });
    const bByA = await makeCa("CN=B", selfA, { keys: keysB });
    const leaf = await makeLeaf("CN=leaf", aByB);
    const unrelated = await makeCa("CN=Anchor");
    const result = validateChain({
      leaf: leaf.certificate,
      intermediates: [aByB, bByA, selfA, selfB].map((c) => c.certificate),
      anchors: [unrelated.certificate],
      at: AT,
    });
    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => f.code)).toContain("NO_PATH");
    const ids = result.path.map((c) => c.sha256);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("stops paths at 10 certificates", async () => {
    const root = await makeCa("CN=Deep Root");
    const chain: MiniCert[] = [];
    let issuer = root;
    for (let i = 0; i < 10; i++) {
      issuer = await makeCa(`CN=Level ${i}`, issuer);
      chain.push(issuer);
    }
    const leaf = await makeLeaf("CN=deep leaf", issuer);
    const tooDeep = validateChain({ leaf: leaf.certificate, intermediates: chain.map((c) => c.certificate), anchors: [root.certificate], at: AT });
    expect(tooDeep.ok).toBe(false);
    const noPath = tooDeep.failures.find((f) => f.code === "NO_PATH");
    expect(noPath?.message).toContain("longer than 10");

    const shallowLeaf = await makeLeaf("CN=shallow leaf", chain[7] as MiniCert);
    const fits = validateChain({ leaf: shallowLeaf.certificate, intermediates: chain.map((c) => c.certificate), anchors: [root.certificate], at: AT });
    expect(fits.failures).toEqual([]);
    expect(fits.path).toHaveLength(10);
  });

  it("reports every failure of the best path, leaf first", async () => {
    const root = await makeCa("CN=Root");
    const int = await makeCa("CN=Int", root, { notAfter: new Date("2029-01-01T00:00:00Z") });
    const leaf = await makeLeaf("CN=leaf", int, { notBefore: new Date("2031-01-01T00:00:00Z") });
    const result = validateChain({ leaf: leaf.certificate, intermediates: [int.certificate], anchors: [root.certificate], at: AT });
    expect(result.failures.map((f) => [f.index, f.code])).toEqual([
      [0, "NOT_YET_VALID"],
      [1, "EXPIRED"],
    ]);
    expect(result.path.map((c) => c.subject)).toEqual(["CN=leaf", "CN=Int", "CN=Root"]);
  });
});

describe("name comparison fallback (RFC 5280 §7.1)", () => {
  const name = (tag: number, text: string) =>
    encodeTlv(Tag.sequence, encodeTlv(Tag.set, encodeTlv(Tag.sequence, concatBytes([encodeOid("2.5.4.3"), encodeTlv(tag, Buffer.from(text, "latin1"))]))));

  it("equates case, spacing and string type", () => {
    expect(normalizedNameKey(name(Tag.printableString, "Example  Root"))).toBe(normalizedNameKey(name(Tag.utf8String, " example root")));
    expect(normalizedNameKey(name(Tag.utf8String, "Example Root"))).not.toBe(normalizedNameKey(name(Tag.utf8String, "Example Roots")));
  });

  it("returns undefined for a malformed Name", () => {
    expect(normalizedNameKey(new Uint8Array([0x30, 0x05, 0x31]))).toBeUndefined();
  });
});

describe("name constraints", () => {
  it.each([
    ["example.com", "example.com", true],
    ["host.example.com", "example.com", true],
    ["HOST.Example.COM", "example.com", true],
    ["badexample.com", "example.com", false],
    ["example.com", ".example.com", false],
    ["a.example.com", ".example.com", true],
    ["anything.org", "", true],
  ] as const)("%s within %s: %s", (name, base, within) => {
    expect(dnsWithin(name, base)).toBe(within);
  });

  it("applies permitted and excluded DNS and IP subtrees", () => {
    const constraints = parseNameConstraints(
      encodeNameConstraints({ permittedDns: ["example.com"], excludedDns: ["bad.example.com"], permittedIp: ["10.0.0.0/8"], excludedIp: ["10.9.0.0/16"] }),
    );
    const names = [
      ...["a.example.com", "x.bad.example.com", "example.org"].map((value) => ({ kind: "dns" as const, value })),
      ...["10.1.1.1", "10.9.1.1", "192.168.0.1", "fd00::1"].map((ip) => ({ kind: "ip" as const, bytes: parseIp(ip) })),
    ];
    const violations = nameConstraintViolations(constraints, names, "rfc5280");
    expect(violations.map((v) => v.name)).toEqual(["x.bad.example.com", "example.org", "10.9.1.1", "192.168.0.1"]);
    expect(violations.find((v) => v.name === "192.168.0.1")?.reason).toBe("is outside the permitted subtrees 10.0.0.0/8");
    // The JDK compares an IPv6 address with an IPv4 range over its first octets: outside.
    expect(nameConstraintViolations(constraints, names, "jdk").map((v) => v.name)).toEqual(["x.bad.example.com", "example.org", "10.9.1.1", "192.168.0.1", "fd00:0:0:0:0:0:0:1"]);
  });
});

describe("wildcard SANs under excluded dNSName subtrees (x509-limbo, CVE-2025-61727)", () => {
  const constraints = parseNameConstraints(encodeNameConstraints({ permittedDns: ["example.com"], excludedDns: ["bar.example.com", ".deep.example.com"] }));
  const dns = (value: string) => ({ kind: "dns" as const, value });

  it("refuses *.example.com in plain verify: it would match bar.example.com", () => {
    const violations = nameConstraintViolations(constraints, [dns("*.example.com"), dns("*.Example.COM.")], "rfc5280");
    expect(violations.map((v) => v.name)).toEqual(["*.example.com", "*.Example.COM."]);
    expect(violations[0]?.reason).toBe("is a wildcard that matches bar.example.com, an excluded subtree");
  });

  it("keeps wildcards that cannot reach an excluded name", () => {
    // *.other.example.com matches x.other.example.com only; *.deep.example.com is one label below
    // the excluded ".deep.example.com" and is caught literally; foo*.example.com is not a wildcard label.
    const names = ["*.other.example.com", "*.bar.example.com", "*.deep.example.com", "foo.example.com"].map(dns);
    expect(nameConstraintViolations(constraints, names, "rfc5280").map((v) => v.name)).toEqual(["*.bar.example.com", "*.deep.example.com"]);
  });

  it("the JDK dialect compares the literal string and accepts *.example.com", () => {
    expect(nameConstraintViolations(constraints, [dns("*.example.com")], "jdk")).toEqual([]);
  });
});

describe("bounded total work", () => {
  it("gives up after maxSteps candidate links and says so", async () => {
    const root = await makeCa("CN=Bounded Root");
    const keys = await newKeys();
    // Five re-issues of the same intermediate by untrusted roots, then the good one last.
    const decoys: MiniCert[] = [];
    for (let i = 0; i < 5; i++) decoys.push(await makeCa("CN=Busy Int", await makeCa(`CN=Decoy ${i}`), { keys, keyIds: false }));
    const good = await makeCa("CN=Busy Int", root, { keys, keyIds: false });
    const leaf = await makeLeaf("CN=busy leaf", good, { keyIds: false });
    const input = { leaf: leaf.certificate, intermediates: [...decoys, good].map((c) => c.certificate), anchors: [root.certificate], at: AT };
    expect(validateChain(input).ok).toBe(true);
    const limited = validateChain(input, { limits: { maxLength: 10, maxSteps: 3 } });
    expect(limited.ok).toBe(false);
    expect(limited.failures.find((f) => f.code === "NO_PATH")?.message).toContain("gave up after 3");
  });
});
