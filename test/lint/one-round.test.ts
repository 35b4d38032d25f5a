import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

// Lint that finishes in one round (issue 14, item 4): a file's problems shown together, each once.
const dir = mkdtempSync(join(tmpdir(), "othername-lint-round-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const file = (text: string, ext = "yml"): string => {
  const name = `${++counter}.${ext}`;
  writeFileSync(join(dir, name), text);
  return name;
};
const lint = (...argv: string[]) => runCli(["lint", ...argv], { cwd: dir });
const lines = (stdout: string) => stdout.trim().split("\n").filter((l) => l !== "");

describe("a tab in a trust file", () => {
  it("is one finding at the tab, and the other rules still run on the rest of the file", async () => {
    const name = file('trust.subject_name:\n  - "*.node.c1.cluster.s1"\n\t- "n2.node.c1.cluster.s1 <1>"\n  - "N3.node.c2.cluster.s1"\n');
    const r = await lint(name);
    expect(r.code).toBe(1);
    const out = lines(r.stdout);
    const syntax = out.filter((l) => l.includes("yaml-syntax"));
    expect(syntax).toHaveLength(1);
    expect(syntax[0]).toMatch(new RegExp(`^${name}:3:1: error yaml-syntax: a tab in the indentation: `));
    // No cascade (nulls, nested lists, "sequence items must start at the same column").
    expect(out.filter((l) => / error /.test(l))).toHaveLength(1);
    // The patterns' own problems, at their place in the original text (the tab counts as one column).
    expect(out).toContain(`${name}:3:26: warning doc-callout: pattern [n2.node.c1.cluster.s1 <1>] ends with the documentation callout "<1>": Elasticsearch makes it part of the pattern, so no name matches; remove it`);
    expect(out.some((l) => l.startsWith(`${name}:4:6: warning uppercase:`))).toBe(true);
  });

  it("on several lines is still one finding, naming the other lines", async () => {
    const name = file('trust:\n\tsubject_name:\n\t\t- "*.node.c1.cluster.s1"\n');
    const r = await lint(name, "--format", "json");
    const findings = JSON.parse(r.stdout).files[0].findings;
    expect(findings).toEqual([expect.objectContaining({ rule: "yaml-syntax", line: 2, column: 1, message: expect.stringContaining("also on line 3") })]);
  });

  it("after another YAML error, the patterns before it are still linted", async () => {
    const name = file('trust.subject_name:\n  - "A.node.c1.cluster.s1"\n  - "unclosed\n');
    const out = lines((await lint(name)).stdout);
    expect(out.some((l) => l.startsWith(`${name}:2:6: warning uppercase:`))).toBe(true);
    expect(out.some((l) => l.includes("error yaml-syntax"))).toBe(true);
  });
});

describe("a misspelled trust.subject_name", () => {
  it.each([
    ["trust.subject_names:\n  - \"*.node.c1.cluster.s1\"\n", "trust.subject_names", 1, 1],
    ["trust.subjectname:\n  - \"*.node.c1.cluster.s1\"\n", "trust.subjectname", 1, 1],
    ["trust:\n  subject_names:\n    - \"*.node.c1.cluster.s1\"\n", "trust.subject_names", 2, 3],
    ["trust:\n  subjectName: \"*.node.c1.cluster.s1\"\n", "trust.subjectName", 2, 3],
    ['{"trust": {"subject-name": ["*.node.c1.cluster.s1"]}}', "trust.subject-name", 1, 12],
  ])("%j is named, with did you mean", async (text, key, line, column) => {
    const name = file(text, text.startsWith("{") ? "json" : "yml");
    const r = await lint(name);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toContain(
      `${name}:${line}:${column}: warning misspelled-key: key "${key}" is not read by Elasticsearch (did you mean trust.subject_name?): without "trust.subject_name" it rejects every peer; the patterns under it are linted as if the key were right`,
    );
    expect(r.stdout).toMatch(/error subject-name-missing: no "trust.subject_name" key \(did you mean trust.subject_name instead of ".*"\?\)/);
  });

  it("--fix quotes the alias without the callout, and the callout is reported on the first run", async () => {
    const name = file("trust.subject_names:\n- *.node.prod-eu.cluster.s1.account <1>\n");
    const first = lines((await lint(name)).stdout);
    expect(first.map((l) => l.split(": ")[1])).toEqual(["warning misspelled-key", "error unquoted-alias", "warning doc-callout"]);
    const r = await lint(name, "--fix");
    expect(readFileSync(join(dir, name), "utf8")).toBe('trust.subject_names:\n- "*.node.prod-eu.cluster.s1.account"\n');
    expect(r.stdout).not.toContain("<1>");
    expect(r.stdout).toContain("misspelled-key");
  });

  it("a key that is merely different is not named", async () => {
    const name = file('trust.subject_name:\n  - "*.node.c1.cluster.s1"\ntrust.other: "x"\n');
    expect((await lint(name)).stdout).toBe("");
  });
});

describe("Java/PCRE/JavaScript constructs in a /regex/ pattern", () => {
  const match = (restrictions: string, ...names: string[]) => runCli(["match", "--restrictions", restrictions, ...names], { cwd: dir });

  it.each([
    ["/(?i)node1\\.node\\..*/", 1, "warning", '(?i) sets the inline flag "i" in Java/PCRE/JavaScript; Lucene\'s RegExp has no flags and reads "(?i)" as the literal characters "?i"'],
    ["/(?:a|b)\\.node\\.c1\\.cluster\\.s1/", 1, "warning", '(?: is a non-capturing group in Java/PCRE/JavaScript; Lucene\'s RegExp reads a group starting with the literal characters "?:"'],
    ["/^n1\\.node\\.c1\\.cluster\\.s1$/", 1, "warning", '^ anchors the start in Java/PCRE/JavaScript; Lucene\'s RegExp reads it as a literal "^" character'],
    ["/n1\\.node\\.c1\\.cluster\\.s1$/", 26, "warning", '$ anchors the end in Java/PCRE/JavaScript; Lucene\'s RegExp reads it as a literal "$" character'],
    ["/(n1)\\1\\.node\\.c1\\.cluster\\.s1/", 5, "warning", '\\1 is a back-reference in Java/PCRE/JavaScript; Lucene\'s RegExp has none and reads it as the digit "1"'],
  ])("%s gets a regex-dialect finding saying what Lucene reads", async (pattern, index, severity, says) => {
    const name = file(`trust.subject_name:\n  - '${pattern}'\n`);
    const r = await lint(name);
    // Column: "  - '" takes 5 columns, then the index inside the pattern (the "/" is index 0, column 6).
    expect(lines(r.stdout)).toContainEqual(expect.stringContaining(`${name}:2:${6 + index}: ${severity} regex-dialect: pattern [${pattern}]: ${says}`));
    // match says the same thing, at the same line and column.
    const m = await match(name, "n1.node.c1.cluster.s1");
    expect(m.stderr).toContain(`pattern [${pattern}] at line 2, column ${6 + index}: ${says}`);
  });

  it("what Lucene reads is what match does: (?i) and (?:…) match their literal characters, not the name meant", async () => {
    const name = file("trust.subject_name:\n  - '/(?i)n1/'\n  - '/(?:a|b)/'\n");
    const m = await match(name, "n1", "N1", "?in1", "a", "?:a", "b");
    expect(m.stdout).toBe("n1\tfalse\nN1\tfalse\n?in1\ttrue\na\tfalse\n?:a\ttrue\nb\ttrue\n");
  });

  it.each([
    ["'/\\bnode2\\b.*/'", "/\\bnode2\\b.*/", 7, "\\b is a word boundary in Java/PCRE/JavaScript; Lucene's RegExp has no such escape"],
    // Double quotes: YAML escapes shift the columns; both commands still point at the same character.
    ['"/n\\\\d\\\\.node\\\\.c1(?<x>y)/"', "/n\\d\\.node\\.c1(?<x>y)/", 25, '(?<x> is a named group in Java/PCRE/JavaScript; Lucene\'s RegExp reads a literal "?", then <…> as a named automaton'],
  ])("an invalid %s: lint and match give the same line and column, with the reason", async (yaml, pattern, column, says) => {
    const name = file(`trust.subject_name:\n  - "n0.node.c1.cluster.s1"\n  - ${yaml}\n`);
    const r = await lint(name);
    expect(r.code).toBe(1);
    const invalid = lines(r.stdout).find((l) => l.includes("regex-invalid")) ?? "";
    expect(invalid).toContain(`${name}:3:${column}: error regex-invalid: invalid regular expression in pattern [${pattern}]`);
    expect(invalid).toContain(says);
    const m = await match(name, "n0.node.c1.cluster.s1");
    expect(m.code).toBe(3);
    expect(m.stderr).toContain(`${name}:3:${column}: invalid trust pattern [${pattern}] at line 3, column ${column}:`);
    expect(m.stderr).toContain(says);
  });
});

describe("instances files: every problem in one report", () => {
  it("a duplicate name and a filename clash are reported with the other problems of the same instances", async () => {
    const name = file(
      "cluster: c1\nscope: s1\ninstances:\n  - name: n1\n    ip: 10.0.0.300\n  - name: n1\n    dns: bad name\n  - name: n3\n    filename: N1\n",
    );
    const r = await lint(name, "--format", "json");
    expect(r.code).toBe(1);
    const rules = JSON.parse(r.stdout).files[0].findings.map((f: { rule: string; line: number }) => `${f.line} ${f.rule}`);
    expect(rules).toEqual(["5 invalid-ip", "6 duplicate-filename", "6 duplicate-name", "7 invalid-dns", "8 duplicate-filename"]);
  });

  it("an instance that gets no otherName is a warning in lint and a note in cert", async () => {
    const name = file("instances:\n  - name: n1\n    dns: n1.example.com\n  - name: n2\n    cn: n2.node.c1.cluster.s1\n");
    const r = await lint(name);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([
      `${name}:2:11: warning no-othername: "n1" gets no otherName (no \`cn\`, and no \`cluster\` and \`scope\` here or at the top level to derive one): trust_restrictions cannot name this node (at instances[0].name)`,
    ]);
    const made = await runCli(["cert", "--in", name, "--self-signed", "--pem", "--key", "ec:p256", "--out", `${name}-out`], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain(`${name}:2:11: note no-othername: "n1" gets no otherName`);
    expect(made.stderr).not.toMatch(/warning no-othername/);
    const single = await runCli(["cert", "--name", "n9", "--dns", "n9.example.com", "--self-signed", "--pem", "--key", "ec:p256", "--out", "single-out"], { cwd: dir });
    expect(single.code, single.stderr).toBe(0);
    expect(single.stderr).toMatch(/note: --name: "n9" gets no otherName/);
  });

  it("a cn with upper case or spaces warns, as a name does", async () => {
    const name = file('instances:\n  - name: n1\n    cn: "Node1.example"\n  - name: n2\n    cn: "n2 node"\n  - name: N3\n    cluster: c1\n    scope: s1\n');
    const found = lines((await lint(name)).stdout);
    expect(found).toEqual([
      expect.stringMatching(new RegExp(`^${name}:3:9: warning label-charset: otherName "Node1.example" has upper case; `)),
      expect.stringMatching(new RegExp(`^${name}:5:9: warning label-charset: otherName "n2 node" has spaces; `)),
      expect.stringMatching(new RegExp(`^${name}:6:11: warning label-charset: the node label "N3" of the derived otherName`)),
    ]);
  });
});

describe("lint --certs reads PKCS#12 and .zip bundles, within a total cap", () => {
  it("reads the .p12 files of a .zip bundle with the password flags, as ece trust add --from-bundle does", async () => {
    writeFileSync(join(dir, "i-certs.yml"), "cluster: c1\nscope: s1\ninstances:\n  - name: n1\n  - name: n2\n    cluster: c2\n");
    const made = await runCli(["cert", "--in", "i-certs.yml", "--self-signed", "--key", "ec:p256", "--pass-env", "P12", "--out", "bundle.zip"], { cwd: dir, env: { P12: "secret-pw" } });
    expect(made.code, made.stderr).toBe(0);
    const trust = file('trust.subject_name:\n  - "*.node.c1.cluster.s1"\n');
    const r = await runCli(["lint", trust, "--certs", "bundle.zip", "--pass-env", "P12", "--format", "json"], { cwd: dir, env: { P12: "secret-pw" } });
    expect(r.code, r.stderr).toBe(0);
    const findings = JSON.parse(r.stdout).files[0].findings as { rule: string; message: string }[];
    expect(findings.filter((f) => f.rule === "cert-accepted").map((f) => f.message)).toEqual([expect.stringContaining("bundle.zip!n1/n1.p12")]);
    expect(findings.filter((f) => f.rule === "cert-rejected").map((f) => f.message)).toEqual([expect.stringContaining("bundle.zip!n2/n2.p12")]);
    // Without the password the files are named as skipped, with the flags that would open them.
    const without = await runCli(["lint", trust, "--certs", "bundle.zip"], { cwd: dir });
    expect(without.stderr).toMatch(/skipping bundle\.zip!n1\/n1\.p12 \(--certs\): it needs a password \(give --pass-file or --pass-env\)/);
    // One .p12 file is read too.
    mkdirSync(join(dir, "one"), { recursive: true });
    const one = await runCli(["cert", "--name", "n1", "--cluster", "c1", "--scope", "s1", "--self-signed", "--key", "ec:p256", "--pass-env", "P12", "--out", "one/n1.p12"], { cwd: dir, env: { P12: "secret-pw" } });
    expect(one.code, one.stderr).toBe(0);
    const single = await runCli(["lint", trust, "--certs", "one/n1.p12", "--pass-env", "P12"], { cwd: dir, env: { P12: "secret-pw" } });
    expect(single.stdout).toMatch(/info cert-accepted: .*one\/n1\.p12/);
  });

  it("stops at 64 MiB in all (each file is under its own 16 MiB cap): exit 3 before linting", async () => {
    const big = join(dir, "big-certs");
    mkdirSync(big);
    // Sparse files: the cap is counted on the bytes read, not from stat.
    for (let k = 0; k < 5; k++) {
      const path = join(big, `f${k}.pem`);
      writeFileSync(path, "");
      truncateSync(path, 14 * 1024 * 1024);
    }
    const trust = file('trust.subject_name:\n  - "*.node.c1.cluster.s1"\n');
    const r = await runCli(["lint", trust, "--certs", "big-certs"], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot read directory big-certs \(--certs\): more than 67108864 bytes in all/);
  });

  it("the password flags without --certs are a usage error", async () => {
    const trust = file('trust.subject_name:\n  - "*.node.c1.cluster.s1"\n');
    expect((await runCli(["lint", trust, "--pass-env", "P12"], { cwd: dir })).code).toBe(2);
  });
});
