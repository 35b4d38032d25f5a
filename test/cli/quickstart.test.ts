import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "othername-quickstart-test-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("othername quickstart", () => {
  it("generates, lints and checks the bundled example: trusted and rejected nodes in one table", async () => {
    const out = join(root, "text");
    const run = await runCli(["quickstart", "--out", out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/es-eu-1\s+es-eu-1\.node\.prod-eu\.cluster\.s1\.account\s+yes\s+\*\.node\.prod-eu\.cluster\.s1\.account/);
    expect(run.stdout).toMatch(/es-us-1\s+es-us-1\.node\.prod-us\.cluster\.s1\.account\s+no\s+no pattern matches/);
    expect(run.stdout).toContain("lint            no findings");
    // Real files, checked with the real tool; the CA key is private.
    const verified = execFileSync("openssl", ["verify", "-CAfile", join(out, "ca/ca.crt"), join(out, "certs/es-us-2/es-us-2.crt")], { encoding: "utf8" });
    expect(verified).toContain(": OK");
    expect(statSync(join(out, "ca/ca.key")).mode & 0o777).toBe(0o600);
    expect(statSync(join(out, "certs/es-eu-1/es-eu-1.key")).mode & 0o777).toBe(0o600);
    // The suggested command gives the same verdict as the table.
    const check = await runCli(["check", join(out, "certs/es-us-1/es-us-1.crt"), "--ca", join(out, "ca/ca.crt"), "--restrictions", join(out, "trust_restrictions.yml")]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("does not match the trusted names [*.node.prod-eu.cluster.s1.account]");
  });

  it("--json reports every node with its verdict and deciding pattern", async () => {
    const run = await runCli(["quickstart", "--out", join(root, "json"), "--json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.results.map((r: { name: string; trusted: boolean }) => [r.name, r.trusted])).toEqual([
      ["es-eu-1", true],
      ["es-eu-2", true],
      ["es-eu-3", true],
      ["es-us-1", false],
      ["es-us-2", false],
    ]);
    expect(report.results[3].message).toMatch(/^Certificate for CN=es-us-1 with fields \[subjectAltName\.otherName\.commonName\]/);
    expect(report.lint).toEqual([]);
  });

  it("never writes into a directory that holds files", async () => {
    const busy = join(root, "busy");
    execFileSync("mkdir", ["-p", busy]);
    writeFileSync(join(busy, "keep.txt"), "mine");
    const run = await runCli(["quickstart", "--out", busy]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("not empty");
  });
});
