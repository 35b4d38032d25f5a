import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../generate/helpers.js";

/** Issue 14, item 1: what an operator with elasticsearch-certutil habits types. */
describe("certutil muscle memory", () => {
  const { dir, cleanup } = tempDir("habits");
  afterAll(cleanup);

  it("-v prints the version and `help cert` is `cert --help`", async () => {
    const version = await runCli(["-v"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const help = await runCli(["help", "cert"]);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain("othername cert");
    expect(help.stdout).toContain("--keep-ca-key");
  });

  it("names the flag to use instead of an unknown one, in kebab-case, in one line plus a hint", async () => {
    const keysize = await runCli(["inspect", "x.pem", "--keysize", "4096"]);
    expect(keysize.code).toBe(2);
    expect(keysize.stderr).toContain("unknown option for othername inspect: --keysize");
    expect(keysize.stderr).toContain("use --key rsa:4096");
    const multiple = await runCli(["cert", "--multiple", "--out", "x"], { cwd: dir });
    expect(multiple.code).toBe(2);
    expect(multiple.stderr).toContain("--multiple");
    expect(multiple.stderr).toContain("--in instances.yml");
    const camel = await runCli(["inspect", "x.pem", "--keepCaKey"]);
    expect(camel.code).toBe(2);
    expect(camel.stderr).toContain("--keep-ca-key");
    expect(camel.stderr).not.toContain("keepCaKey");
    expect(camel.stderr).toContain("othername cert");
    expect(camel.stderr.trimEnd().split("\n")).toHaveLength(2);
  });

  it("without --out, says that certutil would pick a name and gives certutil's name to copy", async () => {
    const ca = await runCli(["ca", "--no-password"], { cwd: dir });
    expect(ca.code).toBe(2);
    expect(ca.stderr).toContain("Missing required argument: out");
    expect(ca.stderr).toContain("add --out elastic-stack-ca.p12 (certutil's default name), or --pem --out DIR");
    const cert = await runCli(["cert", "--name", "n1", "--self-signed"], { cwd: dir });
    expect(cert.code).toBe(2);
    expect(cert.stderr).toContain("add --out elastic-certificates.p12");
    expect(existsSync(join(dir, "elastic-stack-ca.p12"))).toBe(false);
  });

  it('says "not a number" for --days abc and --jobs abc, never NaN', async () => {
    for (const argv of [
      ["ca", "--out", "x.p12", "--days", "abc"],
      ["cert", "--name", "n1", "--self-signed", "--out", "x", "--days", "abc"],
      ["cert", "--name", "n1", "--self-signed", "--out", "x", "--jobs", "abc"],
    ]) {
      const r = await runCli(argv, { cwd: dir });
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toContain("not a number");
      expect(r.stderr).not.toContain("NaN");
    }
  });

  it("reads -days 10 -out x -pem as certutil's long options (not -d -a -y -s)", async () => {
    const r = await runCli(["cert", "--name", "node1", "--self-signed", "--key", "ec:p256", "-days", "10", "-out", "single-dash", "-pem", "--json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { notBefore: string; notAfter: string; instances: { files: string[] }[] };
    expect(Date.parse(report.notAfter) - Date.parse(report.notBefore)).toBe(10 * 86_400_000);
    expect(report.instances[0]?.files).toEqual(["node1/node1.crt", "node1/node1.key"]);
    expect(existsSync(join(dir, "single-dash", "node1", "node1.key"))).toBe(true);
  });

  it("cert --name … --dns … --ip … --cluster --scope makes one instance without a file", async () => {
    const r = await runCli(
      ["cert", "--name", "node1", "--dns", "node1.example.com,localhost", "--ip", "10.0.0.1", "--cluster", "abc", "--scope", "s1.account", "--self-signed", "--key", "ec:p256", "--out", "one.zip", "--json", "--pass", ""],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    // --pass "" reveals nothing: no process-list warning.
    expect(r.stderr).not.toContain("command line");
    const report = JSON.parse(r.stdout) as { instances: { name: string; otherNameCommonName: string[]; dns: string[]; ip: string[] }[] };
    expect(report.instances).toEqual([
      expect.objectContaining({ name: "node1", otherNameCommonName: ["node1.node.abc.cluster.s1.account"], dns: ["node1.example.com", "localhost"], ip: ["10.0.0.1"] }),
    ]);
    const bad = await runCli(["cert", "--name", "node1", "--ip", "10.0.0.x", "--self-signed", "--out", "bad"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--ip: "10.0.0.x" is not an IPv4 or IPv6 address');
    const both = await runCli(["cert", "--in", "instances.yml", "--name", "node1", "--self-signed", "--out", "bad"], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--in");
  });

  it("cert without a CA option generates one: ca/ca.crt in the bundle, its key only with --keep-ca-key", async () => {
    const r = await runCli(["cert", "--name", "node1", "--key", "ec:p256", "--pem", "--out", "auto", "--ca-dn", "CN=Auto CA"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("generated CA CN=Auto CA");
    expect(existsSync(join(dir, "auto", "ca", "ca.crt"))).toBe(true);
    expect(existsSync(join(dir, "auto", "ca", "ca.key"))).toBe(false);
    const chain = await runCli(["verify", "auto/node1/node1.crt", "--ca", "auto/ca/ca.crt"], { cwd: dir });
    expect(chain.code, chain.stdout + chain.stderr).toBe(0);

    const kept = await runCli(["cert", "--name", "node1", "--key", "ec:p256", "--out", "auto-p12", "--keep-ca-key", "--pass", "", "-s"], { cwd: dir });
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toBe("");
    expect(existsSync(join(dir, "auto-p12", "ca", "ca.crt"))).toBe(true);
    // The kept CA keystore signs a later run, as a CA from `othername ca` does.
    const again = await runCli(["cert", "--name", "node2", "--key", "ec:p256", "--ca", "auto-p12/ca/ca.p12", "--ca-pass", "", "--out", "node2", "--pass", ""], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("signed by CN=Elastic Certificate Tool Autogenerated CA");
  });

  it("--ca-pass, --keysize, --ca-dn and -s/--silent work as in certutil", async () => {
    const ca = await runCli(["ca", "--out", "rsa-ca.p12", "--keysize", "2048", "--ca-dn", "CN=Habits CA", "--pass", "secret", "--silent"], { cwd: dir });
    expect(ca.code, ca.stderr).toBe(0);
    expect(ca.stdout).toBe("");
    expect(ca.stderr).toContain("--pass puts the password on the command line");
    const shown = await runCli(["inspect", "rsa-ca.p12", "--pass", "secret", "--json"], { cwd: dir });
    const inspected = JSON.parse(shown.stdout) as { files: { certificates: { subject: string; keyBits: number }[] }[] };
    expect(inspected.files[0]?.certificates[0]).toEqual(expect.objectContaining({ subject: "CN=Habits CA", keyBits: 2048 }));
    const cert = await runCli(["cert", "--name", "node1", "--key", "ec:p256", "--ca", "rsa-ca.p12", "--ca-pass", "secret", "--out", "habits.zip", "--pass", ""], { cwd: dir });
    expect(cert.code, cert.stderr).toBe(0);
    expect(cert.stderr).toContain("--ca-pass puts the password on the command line");
    expect(cert.stdout).toContain("signed by CN=Habits CA");
  });

  it("says errno codes in words", async () => {
    writeFileSync(join(dir, "a-file"), "x");
    const r = await runCli(["ca", "--out", "a-file/ca.p12", "--key", "ec:p256", "--pass", ""], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toMatch(/\bE[A-Z]{3,}\b/);
    expect(r.stderr).toContain("not a directory");
  });
});

describe("help and units", () => {
  it("ece trust add --help shows that subcommand's own usage, options and examples", async () => {
    const add = await runCli(["ece", "trust", "add", "--help"]);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain("othername ece trust add --deployment ID --name NAME --ca CA.pem");
    expect(add.stdout).toContain("--from-bundle");
    expect(add.stdout).toContain("--trust-all");
    expect(add.stdout).not.toContain("--also-trust");
    const remove = await runCli(["help", "ece", "trust", "remove"]);
    expect(remove.stdout).toContain("othername ece trust remove --deployment ID --name NAME");
    expect(remove.stdout).not.toContain("--from-bundle");
    const ca = await runCli(["ece", "ca", "--help"]);
    expect(ca.stdout).toContain("--also-trust");
    expect(ca.stdout).not.toContain("--node-name");
    const misplaced = await runCli(["ece", "trust", "show", "--deployment", "d", "--name", "x"]);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain("unknown option for othername ece trust show: --name");
    expect(misplaced.stderr).toContain("othername ece trust add");
  });

  it("--timeout takes one unit on probe and ece: a bare number is seconds, 500ms and 10s are accepted", async () => {
    const probe = await runCli(["probe", "127.0.0.1:9", "--ca", "ca.crt", "--restrictions", "r.yml", "--timeout", "10x"]);
    expect(probe.code).toBe(2);
    expect(probe.stderr).toContain('invalid value for --timeout: "10x" is not a duration');
    const tooLong = await runCli(["probe", "127.0.0.1:9", "--ca", "ca.crt", "--restrictions", "r.yml", "--timeout", "5000"]);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain("5000 is outside");
    const ece = await runCli(["ece", "trust", "show", "--deployment", "d", "--url", "https://127.0.0.1:9", "--timeout", "soon"], { env: { ECE_API_KEY: "k" } });
    expect(ece.code).toBe(2);
    expect(ece.stderr).toContain('invalid value for --timeout: "soon" is not a duration');
  });
});
