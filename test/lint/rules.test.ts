import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixFile, lintFile, LINT_RULES } from "../../src/trust/lint.js";
import { loadTrustRestrictions } from "../../src/trust/restrictions.js";

const dir = join(import.meta.dirname, "../../fixtures/lint");
const lint = (name: string) => lintFile({ fileName: name, text: readFileSync(join(dir, name), "utf8") });

// One real file per rule: the finding the rule must give, where.
const cases: readonly [file: string, rule: string, severity: string, line: number, column: number][] = [
  ["unsupported-extension.txt", "unsupported-extension", "error", 1, 1],
  ["yaml-syntax.yml", "yaml-syntax", "error", 4, 1],
  ["unquoted-alias.yml", "unquoted-alias", "error", 4, 5],
  // `- *node2`: Jackson reads the string "node2"; the warning is on the first of its two uses.
  ["alias-as-name.yml", "alias-as-name", "warning", 3, 5],
  ["null-entry.yml", "null-entry", "error", 3, 4],
  ["non-scalar-entry.yml", "non-scalar-entry", "error", 3, 5],
  ["regex-unclosed.yml", "regex-unclosed", "error", 3, 6],
  // `/node[0-9.node…/`: Lucene wants ']' at regex position 40, the closing slash at file column 51.
  ["regex-invalid.yml", "regex-invalid", "error", 2, 51],
  ["pattern-too-complex.yml", "pattern-too-complex", "error", 3, 6],
  // 200 regexes of ~535 states each: the whole-file bound (100,000) runs out at the 188th, line 191.
  ["automaton-budget.yml", "automaton-budget", "error", 191, 6],
  ["subject-name-missing.yml", "subject-name-missing", "error", 1, 1],
  ["subject-name-empty.yml", "subject-name-missing", "error", 2, 3],
  ["misspelled-key.yml", "misspelled-key", "warning", 2, 3],
  ["regex-dialect.yml", "regex-dialect", "warning", 2, 7],
  ["load-refused.yml", "load-refused", "error", 1, 1],
  ["doc-callout.yml", "doc-callout", "warning", 2, 35],
  ["placeholder.yml", "placeholder", "warning", 3, 6],
  ["quoted-whitespace.yml", "quoted-whitespace", "warning", 3, 6],
  ["empty-pattern.yml", "empty-pattern", "warning", 3, 5],
  ["duplicate-pattern.yml", "duplicate-pattern", "warning", 4, 6],
  ["redundant-pattern.yml", "redundant-pattern", "warning", 2, 6],
  ["match-everything.yml", "match-everything", "warning", 2, 6],
  ["uppercase.yml", "uppercase", "warning", 2, 17],
  ["comma-split.yml", "comma-split", "warning", 1, 21],
  ["no-convention-match.yml", "no-convention-match", "warning", 3, 6],
  ["no-convention-match-dns.yml", "no-convention-match", "info", 4, 6],
  ["instances.yml", "invalid-ip", "error", 3, 9],
];

describe("lint rules, one real file each", () => {
  it.each(cases)("%s gives %s", (file, rule, severity, line, column) => {
    const found = lint(file).findings.filter((f) => f.rule === rule);
    expect(found).toEqual([expect.objectContaining({ rule, severity, line, column })]);
  });

  it("every catalog rule but the --certs ones has a fixture", () => {
    const covered = new Set(cases.map((c) => c[1]));
    // yaml-limits needs a file of 50,000 nodes: generated in test/trust/file-budget.test.ts.
    const missing = LINT_RULES.filter((r) => !covered.has(r.id) && !["cert-accepted", "cert-rejected", "dead-pattern", "yaml-limits"].includes(r.id));
    expect(missing.map((r) => r.id)).toEqual([]);
  });

  it("a clean file has no findings, and loads", () => {
    expect(lint("clean.yml").findings).toEqual([]);
    expect(loadTrustRestrictions({ fileName: "clean.yml", text: readFileSync(join(dir, "clean.yml"), "utf8") }).ok).toBe(true);
  });

  it("every file with an error is refused by the loader, every file without one loads", () => {
    for (const [file] of cases) {
      if (file === "instances.yml" || file === "unsupported-extension.txt" || file.startsWith("subject-name") || file === "misspelled-key.yml") continue;
      const text = readFileSync(join(dir, file), "utf8");
      const hasError = lint(file).findings.some((f) => f.severity === "error");
      expect(loadTrustRestrictions({ fileName: file, text }).ok, file).toBe(!hasError);
    }
  });

  it("tells instances files from trust files by content", () => {
    expect(lint("instances.yml").kind).toBe("instances");
    expect(lint("clean.yml").kind).toBe("trust_restrictions");
  });

  it("an instances file past the trust file's 50,000-node bound is linted as an instances file, with its own bound", () => {
    // 4,000 instances of 14 nodes each: 56,000 nodes, within the instances bound (100,000).
    const instance = (i: number) => `  - name: n${i}\n    dns: [a${i}.example.com, b${i}.example.com]\n    ip: [10.0.${i >> 8}.${i & 255}]\n`;
    const large = `cluster: c\nscope: s\ninstances:\n${Array.from({ length: 4_000 }, (_, i) => instance(i)).join("")}`;
    expect(lintFile({ fileName: "instances.yml", text: large })).toEqual({ kind: "instances", findings: [] });
    const tooLarge = `cluster: c\nscope: s\ninstances:\n${Array.from({ length: 8_000 }, (_, i) => instance(i)).join("")}`;
    const result = lintFile({ fileName: "instances.yml", text: tooLarge });
    expect(result.kind).toBe("instances");
    expect(result.findings).toEqual([expect.objectContaining({ rule: "yaml-limits", severity: "error", message: expect.stringContaining("more than 100,000 YAML nodes") })]);
  });

  it("a regex error inside a double-quoted pattern with escapes points at the character", () => {
    // `\\.` in YAML is one backslash: the source column must skip the escape, not count it once.
    const text = 'trust.subject_name: ["/a\\\\.b(c/"]\n';
    const f = lintFile({ fileName: "t.yml", text }).findings.find((x) => x.rule === "regex-invalid");
    expect(f).toMatchObject({ line: 1, column: text.indexOf('/"') + 1 });
  });

  it("a duplicate in a flow list is dropped with its comma, nothing else changes", () => {
    const text = 'trust.subject_name: ["a.node.b.cluster.c", "x.node.y.cluster.z", "a.node.b.cluster.c"]  # keep me\n';
    const fixed = fixFile({ fileName: "t.yml", text });
    expect(fixed.text).toBe('trust.subject_name: ["a.node.b.cluster.c", "x.node.y.cluster.z"]  # keep me\n');
    expect(fixed.result.findings).toEqual([]);
  });

  it("alias-as-name: one finding for every use of *node2, and --fix quotes them all (then drops the duplicate)", () => {
    const text = readFileSync(join(dir, "alias-as-name.yml"), "utf8");
    const found = lintFile({ fileName: "t.yml", text }).findings.filter((f) => f.rule === "alias-as-name");
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toBe(
      `unquoted value *node2 (2 uses) is a YAML alias: Elasticsearch's YAML parser does not resolve aliases and reads the string "node2"; if you meant a pattern, quote it: "*node2"`,
    );
    expect(loadTrustRestrictions({ fileName: "t.yml", text })).toMatchObject({ ok: true, patterns: [{ text: "node1.node.abc.cluster.s1.account" }, { text: "node2" }, { text: "node2" }] });
    const fixed = fixFile({ fileName: "t.yml", text });
    expect(fixed.text).toBe('trust.subject_name:\n  - "node1.node.abc.cluster.s1.account"\n  - "*node2"\n');
    expect(fixed.result.findings).toEqual([]);
  });

  it("does not offer fixes that change what a pattern matches (upper case, placeholders)", () => {
    for (const file of ["uppercase.yml", "placeholder.yml", "redundant-pattern.yml", "regex-invalid.yml"]) {
      expect(lint(file).findings.filter((f) => f.fix), file).toEqual([]);
    }
  });
});

describe("hostile YAML", () => {
  it("an alias bomb expands to nothing: Elasticsearch's parser reads each alias as its name, so the file loads at once", () => {
    const text = readFileSync(join(dir, "alias-bomb.yml"), "utf8");
    const loaded = loadTrustRestrictions({ fileName: "alias-bomb.yml", text });
    expect(loaded.ok && loaded.patterns.map((p) => p.text)).toEqual(["i"]);
    const { findings } = lintFile({ fileName: "alias-bomb.yml", text });
    expect(findings.map((f) => [f.rule, f.line, f.column])).toEqual([
      ["alias-as-name", 10, 21],
      ["no-convention-match", 10, 22],
    ]);
  });
});
