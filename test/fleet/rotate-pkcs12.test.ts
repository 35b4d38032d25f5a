import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

/**
 * A cluster made the certutil way (a PKCS#12 keystore per node, the same .p12 often used as
 * keystore.path and truststore.path) rotated to a new CA, with ECE's CA trusted throughout
 * (--extra-ca). Phase 2 must give each node a keystore it can drop in place of its own, still
 * trusting the old CA (nodes not restarted yet present it) and ECE's; phase 3 one that trusts
 * the new CA and ECE's only. Read back with keytool (the JDK Elasticsearch runs on) and openssl.
 */
const PASSWORD = "rotate-p12-pass";
let dir: string;
const env = { P12_PASS: PASSWORD };
const cli = (argv: readonly string[]) => runCli(argv, { cwd: dir, env });

/** keytool's entries: alias → entry type. */
function keytoolEntries(path: string): Record<string, string> {
  const list = execFileSync("keytool", ["-list", "-keystore", join(dir, path), "-storetype", "PKCS12", "-storepass", PASSWORD], { encoding: "utf8" });
  return Object.fromEntries([...list.matchAll(/^([^,\n]+), .*?, (PrivateKeyEntry|trustedCertEntry),/gm)].map((m) => [m[1], m[2]]));
}

/** openssl's subject of every certificate in the .p12, in order. */
function opensslSubjects(path: string): string[] {
  const pem = execFileSync("openssl", ["pkcs12", "-in", join(dir, path), "-passin", `pass:${PASSWORD}`, "-nokeys"], { encoding: "utf8" });
  return [...pem.matchAll(/^subject=\s*(.*)$/gm)].map((m) => m[1]!.replace(/\s/g, ""));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "othername-rotate-p12-"));
  for (const [out, dn] of [["ca1", "CN=CA1"], ["ece", "CN=ECE CA"]] as const) {
    expect((await cli(["ca", "--out", out, "--pem", "--key", "ec:p256", "--dn", dn, "--no-password"])).code).toBe(0);
  }
  writeFileSync(join(dir, "instances.yml"), "cluster: prod\nscope: s1.account\ninstances:\n  - name: node-1\n  - name: node-2\n");
  const cert = await cli(["cert", "--in", "instances.yml", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--key", "ec:p256", "--pass-env", "P12_PASS", "--out", "certs", "--quiet"]);
  expect(cert.code, cert.stderr).toBe(0);
  expect(existsSync(join(dir, "certs/node-1/node-1.p12"))).toBe(true);
  const plan = await cli([
    "rotate", "plan", "--old-ca", "ca1/ca/ca.crt", "--bundle", "certs", "--extra-ca", "ece/ca/ca.crt",
    "--ca-dn", "CN=CA2", "--key", "ec:p256", "--pass-env", "P12_PASS", "--out", "plan",
  ]);
  expect(plan.code, plan.stderr).toBe(0);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rotate plan for nodes with PKCS#12 keystores", () => {
  it("writes each node a phase 2 keystore (new key and certificate, trusting old, new and ECE's CA) and a phase 3 one (new and ECE's), 0600", () => {
    for (const node of ["node-1", "node-2"]) {
      const phase2 = `plan/phase-2-new-certificates/${node}/${node}.p12`;
      const phase3 = `plan/phase-3-drop-old-ca/${node}/${node}.p12`;
      expect(statSync(join(dir, phase2)).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, phase3)).mode & 0o777).toBe(0o600);
      // The node came as a .p12: no PEM pair is written for it.
      expect(existsSync(join(dir, `plan/phase-2-new-certificates/${node}/${node}.key`))).toBe(false);
      expect(keytoolEntries(phase2)).toEqual({ [node]: "PrivateKeyEntry", "old-ca": "trustedCertEntry", "new-ca": "trustedCertEntry", "extra-ca-1": "trustedCertEntry" });
      expect(keytoolEntries(phase3)).toEqual({ [node]: "PrivateKeyEntry", "new-ca": "trustedCertEntry", "extra-ca-1": "trustedCertEntry" });
      expect(opensslSubjects(phase3)).toContain("CN=CA2");
      expect(opensslSubjects(phase3)).not.toContain("CN=CA1");
    }
  });

  it("the keystore's certificate is the node's new one from CA2, with its key", async () => {
    const inspect = JSON.parse((await cli(["inspect", "plan/phase-2-new-certificates/node-1/node-1.p12", "--pass-env", "P12_PASS", "--json"])).stdout);
    const file = inspect.files[0];
    const leaf = file.certificates.find((c: { isCa: boolean }) => !c.isCa);
    expect(leaf.issuer).toBe("CN=CA2");
    expect(leaf.san.otherNameCommonName).toEqual(["node-1.node.prod.cluster.s1.account"]);
    // The private key belongs to that certificate (openssl compares the public keys).
    const p12 = ["pkcs12", "-in", join(dir, "plan/phase-2-new-certificates/node-1/node-1.p12"), "-passin", `pass:${PASSWORD}`];
    const keyPem = execFileSync("openssl", [...p12, "-nocerts", "-nodes"], { encoding: "utf8" });
    const certificatePem = execFileSync("openssl", [...p12, "-clcerts", "-nokeys"], { encoding: "utf8" });
    expect(certificatePem).toMatch(/subject=\s*CN\s*=\s*node-1/);
    const fromKey = execFileSync("openssl", ["pkey", "-pubout"], { input: keyPem, encoding: "utf8" });
    const fromCertificate = execFileSync("openssl", ["x509", "-noout", "-pubkey"], { input: certificatePem, encoding: "utf8" });
    expect(fromKey).toBe(fromCertificate);
  });

  it("puts ECE's CA (--extra-ca) in every phase's CA bundle and truststore, as the check assumes", () => {
    const bundle = (phase: string) => readFileSync(join(dir, "plan", phase, "ca-bundle.crt"), "utf8").match(/BEGIN CERTIFICATE/g)?.length;
    expect([bundle("phase-1-trust-both"), bundle("phase-2-new-certificates"), bundle("phase-3-drop-old-ca")]).toEqual([3, 3, 2]);
    expect(keytoolEntries("plan/phase-3-drop-old-ca/truststore.p12")).toEqual({ "new-ca": "trustedCertEntry", "extra-ca-1": "trustedCertEntry" });
  });

  it("tells each node what to copy, and the plan passes its check", async () => {
    const phase2 = readFileSync(join(dir, "plan/phase-2-new-certificates/README.md"), "utf8");
    expect(phase2).toContain("first copy `node-1/node-1.p12` over the node's transport keystore");
    const phase3 = readFileSync(join(dir, "plan/phase-3-drop-old-ca/README.md"), "utf8");
    expect(phase3).toContain("first copy `ca-bundle.crt` over the node's CA bundle (or `truststore.p12` over its truststore), or `node-1/node-1.p12` over its keystore when that is also its truststore");
    // Phase 1 has no keystore to give (the node keeps its key): a truststore copied over a .p12
    // that is also the keystore would lose the key, so the README says what to do instead.
    const phase1 = readFileSync(join(dir, "plan/phase-1-trust-both/README.md"), "utf8");
    expect(phase1).toContain("if its truststore is its keystore `.p12`, do not copy anything over that file: set `truststore.path` to `truststore.p12`");
    expect((await cli(["rotate", "check", "plan"])).code).toBe(0);
  });
});
