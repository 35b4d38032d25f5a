import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const fixture = (name: string) => resolve("fixtures/pkcs12", name);
const dir = mkdtempSync(join(tmpdir(), "othername-inspect-p12-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function inspectJson(args: string[], options: Parameters<typeof runCli>[1] = {}) {
  const run = await runCli(["inspect", ...args, "--json"], options);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout).files[0];
}

describe("othername inspect on PKCS#12", () => {
  it("reads an OpenSSL 3 keystore with --pass-file: key paired with its certificate, aliases shown", async () => {
    writeFileSync(join(dir, "pass.txt"), "changeit\n");
    const file = await inspectJson([fixture("openssl-default.p12"), "--pass-file", join(dir, "pass.txt")]);
    expect(file.format).toBe("pkcs12");
    const leaf = file.certificates.findIndex((c: { subject: string }) => c.subject === "CN=node1");
    expect(leaf).toBeGreaterThanOrEqual(0);
    expect(file.certificates[leaf]).toMatchObject({ friendlyName: "node1", ca: false });
    expect(file.keys).toEqual([expect.objectContaining({ algorithm: "rsa", certificateIndex: leaf, friendlyName: "node1" })]);
  });

  it("reads legacy RC2/3DES files and Java trusted-certificate entries", async () => {
    const legacy = await inspectJson([fixture("openssl-legacy.p12"), "--pass-env", "P"], { env: { P: "changeit" } });
    expect(legacy.keys).toHaveLength(1);
    const trusted = await inspectJson([fixture("keytool-trusted.p12"), "--pass-env", "P"], { env: { P: "changeit" } });
    expect(trusted.certificates).toEqual([expect.objectContaining({ subject: "CN=Fixture CA", trusted: true, friendlyName: "ca" })]);
  });

  it("tries the empty password by itself, as OpenSSL does", async () => {
    const file = await inspectJson([fixture("openssl-empty-password.p12")]);
    expect(file.keys).toHaveLength(1);
  });

  it("asks on a terminal when the file needs a password, and says which flags give one otherwise", async () => {
    const prompted = await runCli(["inspect", fixture("openssl-default.p12"), "--json"], { stdinIsTTY: true, stdin: "changeit\n" });
    expect(prompted.code, prompted.stderr).toBe(0);
    expect(prompted.stderr).toContain("Password for");
    expect(prompted.stderr).not.toContain("changeit");
    const refused = await runCli(["inspect", fixture("openssl-default.p12")]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("openssl-default.p12");
    expect(refused.stderr).toMatch(/--pass-file/);
    const wrong = await runCli(["inspect", fixture("openssl-default.p12"), "--pass-env", "P"], { env: { P: "nope" } });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/password/i);
  });
});
