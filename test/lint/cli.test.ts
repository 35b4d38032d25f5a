import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, chmodSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { loadTrustRestrictions } from "../../src/trust/restrictions.js";
import { runCli } from "../helpers/cli.js";

const fixtures = join(import.meta.dirname, "../../fixtures/lint");
const dir = mkdtempSync(join(tmpdir(), "othername-lint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
/** A fresh copy of a fixture in the temp dir (so --fix never touches fixtures/). */
const copy = (fixture: string): string => {
  const name = `${++counter}-${fixture}`;
  copyFileSync(join(fixtures, fixture), join(dir, name));
  return name;
};
const read = (name: string) => readFileSync(join(dir, name), "utf8");
const lint = (...argv: string[]) => runCli(["lint", ...argv], { cwd: dir });

describe("othername lint, the Elastic documentation example", () => {
  it("gives the alias error on the first such line", async () => {
    const file = copy("elastic-docs-example.yml");
    const r = await lint(file);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^${file}:2:3: error unquoted-alias: `));
    expect(lines.filter((l) => l.includes("error unquoted-alias"))).toHaveLength(2);
  });

  it("--fix quotes the aliases and removes the callout; the file loads and the placeholder warning remains", async () => {
    const file = copy("elastic-docs-example.yml");
    const r = await lint(file, "--fix", "--format", "json");
    const after = read(file);
    expect(after).toBe(
      'trust.subject_name:\n- "*.node.aaaabbbbaaaabbbb.cluster.1053523734.account"\n- "*.node.ccccddddccccdddd.cluster.1053523734.account"\n- <CLUSTER_FQDN>\n',
    );
    const loaded = loadTrustRestrictions({ fileName: file, text: after });
    expect(loaded.ok && loaded.patterns.map((p) => p.text)).toEqual([
      "*.node.aaaabbbbaaaabbbb.cluster.1053523734.account",
      "*.node.ccccddddccccdddd.cluster.1053523734.account",
      "<CLUSTER_FQDN>",
    ]);
    const findings = JSON.parse(r.stdout).files[0].findings;
    expect(findings).toEqual([expect.objectContaining({ rule: "placeholder", severity: "warning", line: 4, column: 3, fix: null })]);
    expect(r.code).toBe(0);
    // The callout is dropped by the quoting itself: it never sits inside the quotes, even for a moment.
    expect(r.stderr).toMatch(/applied 2 fix\(es\): unquoted-alias\n/);
    // The placeholder is for the user: --strict still fails.
    expect((await lint(file, "--strict")).code).toBe(1);
  });
});

describe("othername lint --fix", () => {
  it("quotes an alias and keeps comments and formatting elsewhere byte for byte", async () => {
    const file = copy("unquoted-alias.yml");
    const before = read(file);
    const mode = 0o640;
    chmodSync(join(dir, file), mode);
    const r = await lint(file, "--fix");
    expect(read(file)).toBe(before.replace("- *.node.abc.cluster.s1.account  # all of abc", '- "*.node.abc.cluster.s1.account"  # all of abc'));
    expect(statSync(join(dir, file)).mode & 0o777).toBe(mode);
    // What remains is reported: node1 is covered by the now-quoted wildcard.
    expect(r.stdout).toBe(`${file}:3:6: warning redundant-pattern: pattern [node1.node.abc.cluster.s1.account] is redundant: every name it matches is also matched by [*.node.abc.cluster.s1.account] on line 4\n`);
    expect(r.code).toBe(0);
  });

  it("drops an exact duplicate and trims spaces inside quotes, leaving the comment", async () => {
    const dup = copy("duplicate-pattern.yml");
    await lint(dup, "--fix");
    expect(read(dup)).toBe('trust.subject_name:\n  - "*.node.abc.cluster.s1.account"\n  - "node1.node.def.cluster.s1.account"\n');
    const ws = copy("quoted-whitespace.yml");
    const r = await lint(ws, "--fix");
    expect(read(ws)).toBe('trust.subject_name:\n  - "*.node.abc.cluster.s1.account"\n  - "node1.node.def.cluster.s1.account"  # note the space\n');
    expect(r).toMatchObject({ code: 0, stdout: "" });
  });

  it("changes nothing when no safe fix exists (errors stay, exit 1)", async () => {
    const file = copy("regex-invalid.yml");
    const before = read(file);
    const r = await lint(file, "--fix");
    expect(read(file)).toBe(before);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
  });
});

describe("othername lint output and exit codes", () => {
  it("a clean file prints nothing and exits 0", async () => {
    expect(await lint(copy("clean.yml"))).toMatchObject({ code: 0, stdout: "", stderr: "" });
  });

  it("warnings exit 0, or 1 with --strict; info never fails", async () => {
    const file = copy("duplicate-pattern.yml");
    expect((await lint(file)).code).toBe(0);
    expect((await lint(file, "--strict")).code).toBe(1);
    const dns = copy("no-convention-match-dns.yml");
    const r = await lint(dns, "--strict");
    expect(r.stdout).toMatch(/:4:6: info no-convention-match: /);
    expect(r.code).toBe(0);
  });

  it("an unreadable file exits 3, after linting the others", async () => {
    const ok = copy("doc-callout.yml");
    const r = await lint("missing.yml", ok);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot read file missing\.yml: no such file/);
    expect(r.stdout).toMatch(new RegExp(`^${ok}:2:35: warning doc-callout: `));
  });

  it("JSON has files[].findings[] with rule, severity, line, column, message and fix", async () => {
    const file = copy("doc-callout.yml");
    const r = await lint(file, "--format", "json");
    const json = JSON.parse(r.stdout);
    expect(json.files).toHaveLength(1);
    expect(json.files[0].path).toBe(file);
    expect(json.files[0].findings[0]).toMatchObject({
      rule: "doc-callout",
      severity: "warning",
      line: 2,
      column: 35,
      message: expect.stringContaining("<1>"),
      fix: { description: expect.any(String), edits: [{ line: 2, column: 35, endLine: 2, endColumn: 39, text: "" }] },
    });
    expect((await lint(file, "--json")).stdout).toBe(r.stdout);
  });

  it("lints instances files with the instances diagnostics, in every format", async () => {
    const file = copy("instances.yml");
    const text = await lint(file);
    expect(text.stdout).toMatch(new RegExp(`^${file}:3:9: error invalid-ip: "10\\.0\\.0\\.300" is not an IPv4 or IPv6 address`, "m"));
    expect(text.code).toBe(1);
    const sarif = JSON.parse((await lint(file, "--format", "sarif")).stdout);
    expect(sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "invalid-ip")).toMatchObject({ ruleId: "invalid-ip", level: "error" });
  });
});

// The OASIS SARIF 2.1.0 schema, a published file read in place from ../shared beside the
// repository (never copied into it); without it the schema checks skip and say so.
const SARIF_SCHEMA = join(import.meta.dirname, "../../../shared/sarif-schema-2.1.0.json");
const sarifSchemaAvailable = existsSync(SARIF_SCHEMA);
if (!sarifSchemaAvailable) console.warn("test/lint/cli.test.ts: SARIF schema checks skipped: ../shared/sarif-schema-2.1.0.json is absent (no ../shared beside this checkout)");

describe.skipIf(!sarifSchemaAvailable)("othername lint --format sarif", () => {
  // (The body is still collected when skipped: read nothing then.)
  const schema = sarifSchemaAvailable ? JSON.parse(readFileSync(SARIF_SCHEMA, "utf8")) : {};
  // The OASIS file declares draft-04 (`id`, `$schema`); its keywords are the draft-07 subset Ajv checks.
  delete schema.$schema;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);

  it("validates against the SARIF 2.1.0 schema, with rules, regions, levels and fixes", async () => {
    const files = ["elastic-docs-example.yml", "duplicate-pattern.yml", "no-convention-match-dns.yml", "clean.yml", "instances.yml"].map(copy);
    const r = await lint(...files, "--format", "sarif");
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run = log.runs[0];
    const ruleIds = run.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ruleIds).toContain("unquoted-alias");
    expect(run.tool.driver.rules.find((x: { id: string }) => x.id === "no-convention-match")).toMatchObject({ defaultConfiguration: { level: "warning" }, shortDescription: { text: expect.any(String) } });
    const alias = run.results.find((x: { ruleId: string }) => x.ruleId === "unquoted-alias");
    expect(alias).toMatchObject({
      level: "error",
      locations: [{ physicalLocation: { artifactLocation: { uri: files[0] }, region: { startLine: 2, startColumn: 3 } } }],
      fixes: [{ artifactChanges: [{ replacements: [{ deletedRegion: { startLine: 2, startColumn: 3 }, insertedContent: { text: '"*.node.aaaabbbbaaaabbbb.cluster.1053523734.account"' } }] }] }],
    });
    expect(ruleIds[alias.ruleIndex]).toBe("unquoted-alias");
    expect(run.results.find((x: { ruleId: string }) => x.ruleId === "no-convention-match").level).toBe("note");
  });

  it("the schema check can fail: a log with a bad level is rejected", async () => {
    const r = await lint(copy("doc-callout.yml"), "--format", "sarif");
    const log = JSON.parse(r.stdout);
    log.runs[0].results[0].level = "fatal";
    expect(validate(log)).toBe(false);
  });
});

describe("othername lint --certs", () => {
  it("reports accepted and rejected certificates and dead patterns as info, skipping password-protected files", async () => {
    const certs = join(dir, "certs");
    mkdirSync(certs);
    for (const f of ["utf8.pem", "mixed.pem", "no-san.pem"]) copyFileSync(join(import.meta.dirname, "../../fixtures/names", f), join(certs, f));
    copyFileSync(join(import.meta.dirname, "../../fixtures/pkcs12/openssl-default.p12"), join(certs, "locked.p12"));
    writeFileSync(join(certs, "notes.txt"), "not a certificate\n");
    const file = copy("certs.yml");
    const r = await lint(file, "--certs", "certs", "--format", "json");
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.stdout).files[0].findings as { rule: string; severity: string; line: number; message: string }[];
    expect(findings.every((f) => f.severity === "info")).toBe(true);
    const by = (rule: string) => findings.filter((f) => f.rule === rule);
    expect(by("cert-accepted").map((f) => [f.line, f.message.match(/certificate (\S+)/)?.[1]])).toEqual([
      [2, "certs/utf8.pem"],
      [3, "certs/mixed.pem"],
    ]);
    expect(by("cert-rejected").map((f) => f.message)).toEqual([expect.stringMatching(/certs\/no-san\.pem .*no otherName common name/)]);
    expect(by("dead-pattern")).toEqual([expect.objectContaining({ line: 4, message: expect.stringContaining("*.node.gone.cluster.s1.account") })]);
    expect(r.stderr).toMatch(/skipping certs\/locked\.p12 \(--certs\): it needs a password/);
    expect(r.stderr).toMatch(/skipping certs\/notes\.txt/);
  });
});

describe("othername lint --certs on a bundle written by othername cert", () => {
  it("finds the node certificates in their per-node folders and leaves the CA out", async () => {
    const work = join(dir, "bundle-case");
    mkdirSync(work);
    writeFileSync(join(work, "i.yml"), "cluster: c1\nscope: s1.account\ninstances:\n  - name: n1\n  - name: n2\n    cluster: c2\n");
    const made = await runCli(["cert", "--in", "i.yml", "--self-signed", "--pem", "--key", "ec:p256", "--out", "bundle"], { cwd: work });
    expect(made.code, made.stderr).toBe(0);
    writeFileSync(join(work, "trust.yml"), 'trust.subject_name:\n  - "*.node.c1.cluster.s1.account"\n');
    const r = await runCli(["lint", "trust.yml", "--certs", "bundle", "--format", "json"], { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const findings = JSON.parse(r.stdout).files[0].findings as { rule: string; message: string }[];
    expect(findings.filter((f) => f.rule === "cert-accepted").map((f) => f.message)).toEqual([expect.stringContaining("bundle/n1/n1.crt")]);
    expect(findings.filter((f) => f.rule === "cert-rejected").map((f) => f.message)).toEqual([expect.stringContaining("bundle/n2/n2.crt")]);
  });
});
