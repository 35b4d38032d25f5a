import "reflect-metadata";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import * as x509 from "@peculiar/x509";
import { makeCa, makeLeaf, type MiniCert } from "./mini-ca.js";

const exec = promisify(execFile);
const AT = "2030-01-01T00:00:00Z";
let dir: string;
let root: MiniCert;
let int: MiniCert;
let leaf: MiniCert;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "othername-verify-"));
  root = await makeCa("CN=Root CA, O=Example");
  int = await makeCa("CN=Intermediate CA, O=Example", root);
  leaf = await makeLeaf("CN=node1, O=Example", int, { notAfter: new Date("2031-01-01T00:00:00Z") });
  await writeFile(join(dir, "root.pem"), root.pem);
  await writeFile(join(dir, "int.pem"), int.pem);
  await writeFile(join(dir, "leaf.pem"), leaf.pem);
  const serverOnly = await makeLeaf("CN=server-only", int, {
    extra: [{ oid: "2.5.29.37", critical: false, value: new Uint8Array(new x509.ExtendedKeyUsageExtension(["1.3.6.1.5.5.7.3.1"]).value) }],
  });
  await writeFile(join(dir, "server-only.pem"), serverOnly.pem + int.pem);
  await writeFile(join(dir, "leaf-chain.pem"), leaf.pem + int.pem);
  await writeFile(join(dir, "root.der"), root.certificate.der);
  await mkdir(join(dir, "cadir"));
  await writeFile(join(dir, "cadir", "root.crt"), root.pem);
  await writeFile(join(dir, "cadir", "README"), "not a certificate\n");
  await writeFile(join(dir, "pass.txt"), "secret\n");
  // A PKCS#12 truststore made by openssl: the root as a certificate-only store.
  await exec("openssl", ["pkcs12", "-export", "-nokeys", "-in", join(dir, "root.pem"), "-out", join(dir, "trust.p12"), "-passout", "pass:secret"]);
  await exec("openssl", ["pkcs12", "-export", "-nokeys", "-in", join(dir, "root.pem"), "-out", join(dir, "trust-empty.p12"), "-passout", "pass:"]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const verify = (...argv: string[]) => runCli(["verify", ...argv], { cwd: dir });

describe("othername verify", () => {
  it("validates a chain completed by --untrusted, exit 0, JSON per CLI.md", async () => {
    const run = await verify("leaf.pem", "--ca", "root.pem", "--untrusted", "int.pem", "--at", AT, "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: true,
      path: [leaf, int, root].map((c) => ({ subject: c.certificate.subject, issuer: c.certificate.issuer })),
      failures: [],
    });
  });

  it("--as both refuses a serverAuth-only leaf as TLS client, naming the direction; without --as it is valid", async () => {
    expect((await verify("server-only.pem", "--ca", "root.pem", "--at", AT)).code).toBe(0);
    expect((await verify("server-only.pem", "--ca", "root.pem", "--at", AT, "--as", "server")).code).toBe(0);
    const run = await verify("server-only.pem", "--ca", "root.pem", "--at", AT, "--as", "both");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("TLS_EXTENDED_KEY_USAGE (as TLS client): Extended key usage does not permit use for TLS client authentication");
    const json = JSON.parse((await verify("server-only.pem", "--ca", "root.pem", "--at", AT, "--as", "both", "--json")).stdout);
    expect(json.failures).toEqual([
      { index: 0, code: "TLS_EXTENDED_KEY_USAGE", direction: "client", message: "Extended key usage does not permit use for TLS client authentication" },
    ]);
  });

  it("counts extra certificates in CERT's file as intermediates", async () => {
    const run = await verify("leaf-chain.pem", "--ca", "root.pem", "--at", AT);
    expect(run.code).toBe(0);
    expect(leaf.certificate.issuer).toBe(int.certificate.subject);
    expect(run.stdout).toContain(`[0] ${leaf.certificate.subject} ← ${int.certificate.subject}\n`);
    expect(run.stdout).toContain(`[1] ${int.certificate.subject} ← ${root.certificate.subject}\n`);
    expect(run.stdout).toContain(`[2] ${root.certificate.subject} (trust anchor)\n`);
  });

  it("exit 1 without the intermediate: NO_PATH on the leaf, marked in the drawing", async () => {
    const run = await verify("leaf.pem", "--ca", "root.pem", "--at", AT);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`✗ [0] ${leaf.certificate.subject} ← ${int.certificate.subject} (not found)\n      NO_PATH: `);
    const json = JSON.parse((await verify("leaf.pem", "--ca", "root.pem", "--at", AT, "--json")).stdout);
    expect(json.failures.map((f: { code: string; index: number }) => [f.index, f.code])).toEqual([[0, "NO_PATH"]]);
  });

  it("marks the failing link with its reason (expired leaf)", async () => {
    const run = await verify("leaf-chain.pem", "--ca", "root.pem", "--at", "2032-01-01T00:00:00Z");
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe(`✗ [0] ${leaf.certificate.subject} ← ${int.certificate.subject}`);
    expect(lines[1]).toContain(`EXPIRED: ${leaf.certificate.subject} expired at 2031-01-01T00:00:00Z`);
    expect(lines[2]).toBe(`✓ [1] ${int.certificate.subject} ← ${root.certificate.subject}`);
    expect(lines.at(-2)).toMatch(/^INVALID: leaf-chain\.pem: 1 problem at 2032-01-01T00:00:00Z$/);
  });

  it("reads anchors from DER, a directory and PKCS#12 (password file, empty password)", async () => {
    for (const ca of [["root.der"], ["cadir"], ["trust.p12", "--ca-pass-file", "pass.txt"], ["trust-empty.p12"]]) {
      const run = await verify("leaf-chain.pem", "--ca", ...ca, "--at", AT, "--json");
      expect(run.stderr, ca.join(" ")).toBe("");
      expect(JSON.parse(run.stdout).ok, ca.join(" ")).toBe(true);
    }
  });

  it("a PKCS#12 truststore without its password is bad input naming the flag", async () => {
    const run = await verify("leaf-chain.pem", "--ca", "trust.p12", "--at", AT);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("trust.p12");
    expect(run.stderr).toContain("--ca-pass-file");
  });

  it("accepts a leaf that is itself a trust anchor", async () => {
    const run = await verify("leaf.pem", "--ca", "leaf.pem", "--at", AT, "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).path).toHaveLength(1);
  });

  it("invalid --at is a usage error (exit 2); a missing file is bad input (exit 3)", async () => {
    const badAt = await verify("leaf.pem", "--ca", "root.pem", "--at", "next tuesday");
    expect(badAt.code).toBe(2);
    expect(badAt.stderr).toContain("--at");
    expect((await verify("leaf.pem", "--ca", "root.pem", "--at", "2030-02-31")).code).toBe(2);
    expect((await verify("leaf.pem", "--ca", "root.pem", "--at", "2030-02-28", "--json")).code).toBe(1);
    const missing = await verify("nope.pem", "--ca", "root.pem", "--at", AT);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("nope.pem");
    const notCert = await verify("pass.txt", "--ca", "root.pem", "--at", AT);
    expect(notCert.code).toBe(3);
  });

  it("has help with examples", async () => {
    const run = await verify("--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--untrusted");
    expect(run.stdout).toContain("Examples");
  });
});
