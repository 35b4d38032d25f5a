import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { CHECK_TIME, makeCa, type TestCa } from "./make-certificates.js";

const dir = mkdtempSync(join(tmpdir(), "othername-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};

const OTHER = "subjectAltName.otherName.commonName";
const DNS = "subjectAltName.dnsName";

let ca: TestCa;
let otherCa: TestCa;
beforeAll(async () => {
  ca = await makeCa("Test CA");
  otherCa = await makeCa("Other CA");
  write("ca.crt", ca.pem);
  // Nodes of three clusters, each with otherName {node}.node.{cluster}.cluster.s1.account.
  for (const cluster of ["c1", "c2", "cluster3"]) {
    for (const node of ["n1", "n2"]) {
      write(`${node}.${cluster}.crt`, await ca.issue({ cn: node, otherNames: [`${node}.node.${cluster}.cluster.s1.account`] }));
    }
  }
  write("foreign.crt", await otherCa.issue({ cn: "n1", otherNames: ["n1.node.c1.cluster.s1.account"] }));
  write("other-only.crt", await ca.issue({ cn: "o", otherNames: ["o.node.c1.cluster.s1.account"] }));
  write("dns-only.crt", await ca.issue({ cn: "d", dns: ["d.node.c1.cluster.s1.account"] }));
  write("ip-only.crt", await ca.issue({ cn: "10.0.0.1", ip: ["10.0.0.1"] }));
  write("cn-only.crt", await ca.issue({ cn: "n1.node.c1.cluster.s1.account" }));
});

const check = async (cert: string, restrictions: string, extra: string[] = []) => {
  const r = await runCli(["check", cert, "--ca", "ca.crt", "--restrictions", restrictions, "--at", CHECK_TIME, "--json", ...extra], { cwd: dir });
  return { code: r.code, stderr: r.stderr, json: r.stdout ? (JSON.parse(r.stdout) as Record<string, unknown>) : undefined };
};

describe("othername check", () => {
  it("trusts names in an explicit list, and only those", async () => {
    const file = write("list.yml", "trust.subject_name:\n  - n1.node.c1.cluster.s1.account\n  - n2.node.c2.cluster.s1.account\n");
    expect((await check("n1.c1.crt", file)).code).toBe(0);
    expect((await check("n2.c2.crt", file)).code).toBe(0);
    const r = await check("n2.c1.crt", file);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({
      trusted: false,
      chain: { ok: true, failures: [] },
      fields: [OTHER],
      values: ["n2.node.c1.cluster.s1.account"],
      match: null,
      message:
        "Certificate for CN=n2 with fields [subjectAltName.otherName.commonName] with values [n2.node.c1.cluster.s1.account] does not match the trusted names [n1.node.c1.cluster.s1.account, n2.node.c2.cluster.s1.account]",
    });
  });

  it("a per-cluster wildcard trusts only that cluster", async () => {
    const file = write("cluster3.yml", 'trust.subject_name: ["*.node.cluster3.cluster.s1.account"]\n');
    for (const node of ["n1", "n2"]) {
      const r = await check(`${node}.cluster3.crt`, file);
      expect(r.code).toBe(0);
      expect(r.json).toMatchObject({ trusted: true, match: "*.node.cluster3.cluster.s1.account", message: null });
    }
    for (const cluster of ["c1", "c2"]) expect((await check(`n1.${cluster}.crt`, file)).code).toBe(1);
  });

  it("a regex trusts only the intended node", async () => {
    const file = write("regex.yml", 'trust.subject_name: ["/n2\\\\.node\\\\.c[12]\\\\.cluster\\\\.s1\\\\.account/"]\n');
    expect((await check("n2.c1.crt", file)).code).toBe(0);
    expect((await check("n2.c2.crt", file)).code).toBe(0);
    const miss = await check("n1.c1.crt", file);
    expect(miss.code).toBe(1);
    expect(miss.json).toMatchObject({ explanation: { nearestMiss: { matchedLength: 27, value: "n1.node.c1.cluster.s1.account" } } });
    const reason = (miss.json?.explanation as { nearestMiss: { reason: string } }).nearestMiss.reason;
    expect(reason).toContain("at character 2: found '1', expected '2'");
    expect((await check("n2.cluster3.crt", file)).code).toBe(1);
  });

  it("rejects another CA's certificate by the chain, before names are looked at", async () => {
    const file = write("all.yml", 'trust.subject_name: ["*"]\n');
    const r = await check("foreign.crt", file);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ trusted: false, chain: { ok: false }, match: null });
    expect((r.json?.chain as { failures: { code: string }[] }).failures[0]?.code).toBe("NO_PATH");
    expect(r.json?.explanation).toMatchObject({ verdicts: [] });
    expect(String(r.json?.message)).not.toContain("does not match the trusted names");
  });

  it("otherName-only and DNS-only certificates: each trusted only with its own field", async () => {
    const file = write("c1.yml", 'trust.subject_name: ["*.node.c1.cluster.s1.account"]\n');
    expect((await check("other-only.crt", file)).code).toBe(0);
    const otherWithDns = await check("other-only.crt", file, ["--fields", DNS]);
    expect(otherWithDns.code).toBe(1);
    expect(otherWithDns.json).toMatchObject({ fields: [DNS], values: [] });
    const dnsDefault = await check("dns-only.crt", file);
    expect(dnsDefault.code).toBe(1);
    expect(dnsDefault.json).toMatchObject({ values: [] });
    const dnsWithDns = await check("dns-only.crt", file, ["--fields", DNS]);
    expect(dnsWithDns.code).toBe(0);
    expect(dnsWithDns.json).toMatchObject({ fields: [DNS], values: ["d.node.c1.cluster.s1.account"] });
    expect((await check("dns-only.crt", file, ["--fields", `${OTHER},${DNS}`])).code).toBe(0);
  });

  it("never matches IP SANs or the subject CN, and * does not trust a certificate without values", async () => {
    const file = write("star.yml", 'trust.subject_name: ["*"]\n');
    const ip = await check("ip-only.crt", file, ["--fields", `${OTHER},${DNS}`]);
    expect(ip.code).toBe(1);
    expect(ip.json).toMatchObject({ values: [] });
    const cn = await check("cn-only.crt", file);
    expect(cn.code).toBe(1);
    expect(cn.json).toMatchObject({
      values: [],
      message: "Certificate for CN=n1.node.c1.cluster.s1.account with fields [subjectAltName.otherName.commonName] with values [] does not match the trusted names [*]",
    });
    expect((await check("n1.c1.crt", file)).code).toBe(0);
    const usage = await runCli(["check", "n1.c1.crt", "--ca", "ca.crt", "--restrictions", file, "--fields", "subjectAltName.ipAddress"], { cwd: dir });
    expect(usage.code).toBe(2);
  });

  it("explains in text and exits 3 for a file Elasticsearch would refuse", async () => {
    const file = write("c2.yml", 'trust.subject_name: ["*.node.c2.cluster.s1.account"]\n');
    const r = await runCli(["check", "n1.c1.crt", "--ca", "ca.crt", "--restrictions", file, "--at", CHECK_TIME], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("REJECTED");
    expect(r.stdout).toContain("Elasticsearch: Certificate for CN=n1 with fields");
    expect(r.stdout).toMatch(/nearest miss: "n1\.node\.c1\.cluster\.s1\.account" leaves \*\.node\.c2\.cluster\.s1\.account at character 10: found '1', expected '2'/);
    const bad = write("bad.yaml", "trust.subject_name: ~\n");
    expect((await runCli(["check", "n1.c1.crt", "--ca", "ca.crt", "--restrictions", bad], { cwd: dir })).code).toBe(3);
  });
});
