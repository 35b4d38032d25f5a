import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { openssl, tempDir, write } from "../generate/helpers.js";

/** Issue 14, item 3: "why not trusted?" answered for the common mistakes, through the CLI. */
describe("why not trusted", () => {
  const { dir, cleanup } = tempDir("why");
  afterAll(cleanup);

  beforeAll(async () => {
    // Two CAs with certutil's default name and different keys; node1 is signed by the first.
    for (const out of ["ca-a", "ca-b"]) {
      const ca = await runCli(["ca", "--pem", "--no-password", "--key", "ec:p256", "--out", out], { cwd: dir });
      expect(ca.code, ca.stderr).toBe(0);
    }
    const cert = await runCli(["cert", "--name", "node1", "--cluster", "abc", "--scope", "s1.account", "--ca-cert", "ca-a/ca/ca.crt", "--ca-key", "ca-a/ca/ca.key", "--pem", "--key", "ec:p256", "--out", "certs"], { cwd: dir });
    expect(cert.code, cert.stderr).toBe(0);
    write(dir, "trust.yml", 'trust.subject_name: "*.node.abc.cluster.s1.account"\n');
  });

  const keyIds = (text: string) => text.match(/key id ([0-9A-F:]{59})/g) ?? [];

  it("verify and check say 'same name, different key' with both key ids", async () => {
    const verify = await runCli(["verify", "certs/node1/node1.crt", "--ca", "ca-b/ca/ca.crt"], { cwd: dir });
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain("same name, different key");
    const ids = keyIds(verify.stdout);
    expect(ids).toHaveLength(2);
    expect(ids[0]).not.toBe(ids[1]);

    const check = await runCli(["check", "certs/node1/node1.crt", "--ca", "ca-b/ca/ca.crt", "--restrictions", "trust.yml", "--json"], { cwd: dir });
    expect(check.code).toBe(1);
    const report = JSON.parse(check.stdout) as { diagnoses?: { code: string; message: string }[] };
    expect(report.diagnoses?.map((d) => d.code)).toEqual(["SAME_NAME_DIFFERENT_KEY"]);

    // The right CA: no diagnosis.
    const right = await runCli(["verify", "certs/node1/node1.crt", "--ca", "ca-a/ca/ca.crt", "--json"], { cwd: dir });
    expect(right.code).toBe(0);
    expect(JSON.parse(right.stdout)).not.toHaveProperty("diagnoses");
  });

  it("csr prints each request's names and what the signer must keep; inspect shows every requested SAN", async () => {
    write(dir, "instances.yml", "cluster: abc\nscope: s1.account\ninstances:\n  - name: node2\n    dns: node2.example.com\n    ip: 10.0.0.2\n");
    const csr = await runCli(["csr", "--in", "instances.yml", "--out", "requests", "--key", "ec:p256"], { cwd: dir });
    expect(csr.code, csr.stderr).toBe(0);
    expect(csr.stdout).toContain("otherName node2.node.abc.cluster.s1.account, DNS node2.example.com, IP 10.0.0.2");
    expect(csr.stdout).toContain("-copy_extensions copy");
    const inspect = await runCli(["inspect", "requests/node2/node2.csr"], { cwd: dir });
    expect(inspect.stdout).toContain("otherName commonName: node2.node.abc.cluster.s1.account");
    expect(inspect.stdout).toContain("DNS:      node2.example.com");
    expect(inspect.stdout).toContain("IP:       10.0.0.2");
  });

  it("check names the likely cause when a signer dropped the requested otherName (openssl x509 -req)", async () => {
    // The real mistake: sign the request with openssl without -copy_extensions.
    const signed = openssl(["x509", "-req", "-in", "requests/node2/node2.csr", "-CA", "ca-a/ca/ca.crt", "-CAkey", "ca-a/ca/ca.key", "-days", "30", "-out", "node2-dropped.crt"], { cwd: dir });
    expect(signed.code, signed.stderr).toBe(0);
    expect(readFileSync(join(dir, "node2-dropped.crt"), "utf8")).toContain("BEGIN CERTIFICATE");
    const check = await runCli(["check", "node2-dropped.crt", "--ca", "ca-a/ca/ca.crt", "--restrictions", "trust.yml"], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("carries no otherName");
    expect(check.stdout).toContain("-copy_extensions copy");
    // Signed the right way, the same request is trusted.
    const kept = openssl(["x509", "-req", "-in", "requests/node2/node2.csr", "-CA", "ca-a/ca/ca.crt", "-CAkey", "ca-a/ca/ca.key", "-days", "30", "-copy_extensions", "copy", "-out", "node2.crt"], { cwd: dir });
    expect(kept.code, kept.stderr).toBe(0);
    const good = await runCli(["check", "node2.crt", "--ca", "ca-a/ca/ca.crt", "--restrictions", "trust.yml"], { cwd: dir });
    expect(good.code, good.stdout).toBe(0);
    expect(good.stdout).not.toContain("cause:");
  });
});
