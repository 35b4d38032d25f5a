import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

let dir: string;
const at = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "othername-inspect-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", at("rsa.key"), "-out", at("rsa.crt"), "-days", "30", "-subj", "/O=Example/CN=node1",
    "-addext", "subjectAltName=otherName:2.5.4.3;UTF8:node1.node.abc.cluster.s1.account,DNS:node1.local,IP:10.0.0.1"], { stdio: "pipe" });
  execFileSync("openssl", ["x509", "-in", at("rsa.crt"), "-outform", "DER", "-out", at("rsa.der")]);
  writeFileSync(at("bundle.pem"), `Some leading text\r\n${readFileSync(at("rsa.crt"), "utf8").replace(/\n/g, "\r\n")}${readFileSync(at("rsa.key"), "utf8")}`);
  execFileSync("openssl", ["pkey", "-in", at("rsa.key"), "-aes-256-cbc", "-passout", "pass:secret", "-out", at("enc.key")]);
  writeFileSync(at("pass.txt"), "secret\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(...args: string[]): string {
  return execFileSync("openssl", args, { encoding: "utf8" }).trim();
}

describe("othername inspect", () => {
  it("reports what openssl reports, in CLI.md's JSON shape", async () => {
    const run = await runCli(["inspect", at("rsa.crt"), "--json"]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    const [file] = json.files;
    expect(file).toMatchObject({ path: at("rsa.crt"), format: "pem", keys: [] });
    const [cert] = file.certificates;
    expect(cert).toMatchObject({
      subject: "CN=node1, O=Example",
      issuer: "CN=node1, O=Example",
      ca: true,
      keyAlgorithm: "rsa",
      keyBits: 2048,
      san: { otherNameCommonName: ["node1.node.abc.cluster.s1.account"], dns: ["node1.local"], ip: ["10.0.0.1"] },
    });
    expect(`serial=${cert.serial.toUpperCase()}`).toBe(openssl("x509", "-in", at("rsa.crt"), "-noout", "-serial"));
    expect(`sha256 Fingerprint=${cert.sha256}`).toBe(openssl("x509", "-in", at("rsa.crt"), "-noout", "-fingerprint", "-sha256"));
    const endDate = new Date(openssl("x509", "-in", at("rsa.crt"), "-noout", "-enddate").replace("notAfter=", ""));
    expect(cert.notAfter).toBe(endDate.toISOString().replace(".000Z", "Z"));
  });

  it("reads DER, and PEM bundles with CRLF and leading text, pairing the key", async () => {
    const der = JSON.parse((await runCli(["inspect", at("rsa.der"), "--json"])).stdout).files[0];
    expect(der.format).toBe("der");
    expect(der.certificates[0].subject).toBe("CN=node1, O=Example");
    const bundle = JSON.parse((await runCli(["inspect", at("bundle.pem"), "--json"])).stdout).files[0];
    expect(bundle.certificates).toHaveLength(1);
    expect(bundle.keys).toEqual([{ algorithm: "rsa", bits: 2048, certificateIndex: 0 }]);
  });

  it("prints a readable summary naming the otherName values", async () => {
    const run = await runCli(["inspect", at("rsa.crt")], { now: new Date() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("otherName commonName: node1.node.abc.cluster.s1.account");
    expect(run.stdout).toMatch(/expires in (29|30) days/);
  });

  it("decrypts an encrypted key with --pass-file, and says so when the password is wrong", async () => {
    const ok = await runCli(["inspect", at("enc.key"), "--pass-file", at("pass.txt"), "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).files[0].keys[0]).toMatchObject({ algorithm: "rsa", bits: 2048 });
    const wrong = await runCli(["inspect", at("enc.key"), "--pass-env", "P"], { env: { P: "nope" } });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain("enc.key");
    expect(wrong.stderr).toMatch(/password/i);
    expect(wrong.stdout).toBe("");
  });

  it.each([
    ["truncated PEM", (pem: string) => pem.slice(0, pem.length - 40), /END|truncated/i],
    ["bad base64", (pem: string) => pem.replace(/\n[A-Za-z0-9+/]{10}/, "\n!!!!!!!!!!"), /base64/],
    ["random bytes", () => "\u0001\u0002garbage\u00ff", /not PEM, DER or PKCS#12/],
    ["DER lengths past the end", () => "\u0030\u0082\u0010\u0000\u0030\u0003", /not PEM, DER or PKCS#12|past the end|remain/],
  ])("%s: exit 3 with one line naming the file", async (_name, mutate, reason) => {
    const path = at("bad.pem");
    writeFileSync(path, mutate(readFileSync(at("rsa.crt"), "latin1")), "latin1");
    const run = await runCli(["inspect", path]);
    expect(run.code).toBe(3);
    const [first] = run.stderr.split("\n");
    expect(first).toContain("bad.pem");
    expect(first).toMatch(reason);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("a missing file is exit 3 naming it; an unknown flag is exit 2", async () => {
    const missing = await runCli(["inspect", at("nope.pem")]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("nope.pem: no such file");
    const usage = await runCli(["inspect", at("rsa.crt"), "--bogus"]);
    expect(usage.code).toBe(2);
  });
});
