import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
