import { describe, expect, it } from "vitest";
import { loadTrustRestrictions, readTrustRestrictions } from "../../src/trust/restrictions.js";

const read = (text: string, fileName = "trust.yml") => readTrustRestrictions({ fileName, text });
const texts = (r: ReturnType<typeof read>) => (r.ok ? r.patterns.map((p) => p.text) : r.reason);

describe("trust_restrictions loading (Elasticsearch Settings semantics)", () => {
  it("reads the nested form with positions", () => {
    const r = read('trust:\n  subject_name:\n    - "*.node.abc.cluster.s1"\n    - node1.node.def.cluster.s1\n');
    expect(r).toMatchObject({ ok: true, form: "list", rejectsEveryPeer: false });
    expect(r.ok && r.patterns).toEqual([
      { text: "*.node.abc.cluster.s1", line: 3, column: 7 },
      { text: "node1.node.def.cluster.s1", line: 4, column: 7 },
    ]);
  });

  it("reads the flat form the same way", () => {
    expect(texts(read('trust.subject_name:\n  - "*.node.abc.cluster.s1"\n  - node1.node.def.cluster.s1\n'))).toEqual([
      "*.node.abc.cluster.s1",
      "node1.node.def.cluster.s1",
    ]);
  });

  it("uses list items as-is (no trimming) and splits a scalar on commas, trimming pieces", () => {
    expect(texts(read('trust.subject_name: [" a ", "b,c"]\n'))).toEqual([" a ", "b,c"]);
    const r = read("trust.subject_name: a.node.x,  b.node.x , c\n");
    expect(r).toMatchObject({ ok: true, form: "scalar" });
    expect(r.ok && r.patterns).toEqual([
      { text: "a.node.x", line: 1, column: 21 },
      { text: "b.node.x", line: 1, column: 32 },
      { text: "c", line: 1, column: 43 },
    ]);
    // Java String.split drops trailing empty pieces but keeps inner ones.
    expect(texts(read('trust.subject_name: "a,,b,,"\n'))).toEqual(["a", "", "b"]);
  });

  it("loads an empty list, a missing key and an empty file, and then rejects every peer", () => {
    for (const text of ["trust.subject_name: []\n", "other.key: 1\n", "", "# only a comment\n", 'trust.subject_name: ""\n']) {
      const r = read(text);
      expect(r).toMatchObject({ ok: true, rejectsEveryPeer: true, patterns: [] });
      expect(r.ok && r.warnings.join(" ")).toMatch(/rejects every peer/);
    }
  });

  it("keeps the last of a nested and a flat key, with a warning", () => {
    const r = read('trust:\n  subject_name: ["first"]\ntrust.subject_name: ["second"]\n');
    expect(texts(r)).toEqual(["second"]);
    expect(r.ok && r.warnings.join(" ")).toMatch(/set twice \(line 2 and line 3\)/);
  });

  it("reads .json files", () => {
    const r = read('{"trust": {"subject_name": ["*.node.abc.cluster.s1"]}, "ignored": true}', "restrictions.json");
    expect(texts(r)).toEqual(["*.node.abc.cluster.s1"]);
  });

  it("refuses other extensions with Elasticsearch's reason", () => {
    for (const name of ["trust.txt", "trust", "config/trust.YML", "trust.yml.bak"]) {
      const r = read("trust.subject_name: [a]\n", name);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.reason).toMatch(/^unable to detect content type from resource name \[/);
    }
  });

  it("refuses an unquoted leading * (a YAML alias), pointing at it", () => {
    const r = read("trust.subject_name:\n  - node1.x\n  - *.node.abc.cluster.s1\n");
    expect(r).toMatchObject({ ok: false, line: 3, column: 5 });
    expect(!r.ok && r.reason).toMatch(/YAML alias.*quote the pattern/);
  });

  it("refuses null values and null list items", () => {
    const a = read("trust.subject_name:\n");
    expect(a).toMatchObject({ ok: false });
    expect(!a.ok && a.reason).toMatch(/^null-valued setting found for key \[trust\.subject_name\]/);
    const b = read("trust:\n  subject_name:\n    - a\n    - null\n");
    expect(b).toMatchObject({ ok: false, line: 4, column: 7 });
    expect(!b.ok && b.reason).toMatch(/only value lists are allowed/);
    const c = read("trust.subject_name:\n  - a\n  -\n");
    expect(c.ok).toBe(false);
    expect(read("unrelated: ~\n").ok).toBe(false); // any null setting fails the file
  });

  it("refuses malformed documents", () => {
    expect(read("trust.subject_name: [a\n").ok).toBe(false);
    expect(read("- a\n- b\n").ok).toBe(false);
    expect(read("a: 1\na: 2\n").ok).toBe(false);
    expect(read("a: 1\n---\nb: 2\n").ok).toBe(false);
  });

  it("ignores other keys, keeps numbers and booleans as written", () => {
    expect(texts(read("xpack: {x: 1}\ntrust.subject_name: [007, true, 1.50]\n"))).toEqual(["007", "true", "1.50"]);
  });
});

describe("compiling a loaded file", () => {
  it("compiles every pattern into a matcher", () => {
    const r = loadTrustRestrictions({ fileName: "t.yml", text: 'trust.subject_name: ["*.c1", "/n[0-9]\\\\.c2/"]\n' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.matcher.firstMatch("x.c1")).toBe(0);
    expect(r.matcher.firstMatch("n3.c2")).toBe(1);
    expect(r.matcher.firstMatch("n3.c3")).toBe(-1);
  });

  it("refuses the whole file for one invalid pattern, naming it and its position", () => {
    const r = loadTrustRestrictions({ fileName: "t.yml", text: 'trust.subject_name:\n  - ok\n  - "/node[0-9"\n' });
    // The pattern's first character (inside the quotes), where `lint` reports regex-unclosed.
    expect(r).toMatchObject({ ok: false, line: 3, column: 6, pattern: "/node[0-9" });
    const s = loadTrustRestrictions({ fileName: "t.yml", text: 'trust.subject_name:\n  - "/node[0-9/"\n' });
    expect(s).toMatchObject({ ok: false, code: "PATTERN_SYNTAX" });
    expect(!s.ok && s.reason).toMatch(/expected '\]' at position 8/);
  });
});
