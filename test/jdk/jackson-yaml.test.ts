import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lintFile } from "../../src/trust/lint.js";
import { loadTrustRestrictions } from "../../src/trust/restrictions.js";

/**
 * YAML aliases as Elasticsearch reads them, against the reference: Jackson's YAMLParser over
 * SnakeYAML (Debian's libjackson2-dataformat-yaml, which .ci/run installs), run by
 * test/jdk/JacksonYamlReference.java. Jackson does not resolve aliases: `*p` is the string "p",
 * whatever anchor exists; SnakeYAML's scanner refuses names like `*.node.x`. The loader must read
 * the same patterns, or refuse the same files, and lint must call the refused ones errors.
 */
const JARS = ["jackson-dataformat-yaml.jar", "jackson-core.jar", "snakeyaml.jar"].map((jar) => join("/usr/share/java", jar));
const available = spawnSync("java", ["-version"], { stdio: "ignore" }).status === 0 && JARS.every((jar) => existsSync(jar));
if (!available) console.warn("test/jdk/jackson-yaml: skipped, needs java and Debian's libjackson2-dataformat-yaml (.ci/run installs both)");

const CASES: readonly string[] = [
  'trust.subject_name: [&p "*.node.c.cluster.s", *p, *q]\n',
  "trust.subject_name:\n  - *.node.abc.cluster.s1\n",
  "trust.subject_name:\n  - *node1\n  - *node1 # again\n",
  "trust.subject_name:\n  - *node1.node.c\n",
  "trust.subject_name:\n  - *a-b_c\n",
  'base: &b {subject_name: ["a.node.c.cluster.s"]}\ntrust: *b\n',
  'x: &p "*.node.c.cluster.s"\ntrust.subject_name: [*p]\n',
  'x: &p "a,b"\ntrust:\n  subject_name: *p\n',
  'trust.subject_name: [*p,*q, "*.node.c.cluster.s"]\n',
  'trust.subject_name: [*.node.c.cluster.s, "x"]\n',
  "other: *.node.x\ntrust.subject_name: [\"*.node.c.cluster.s\"]\n",
  "trust.subject_name:\n  - &anchor \"n1.node.c.cluster.s\"\n  - *anchor\n",
  // Anchor names the scanner refuses, an alias followed by ':' and an alias as a key.
  'trust.subject_name: [&p.x "a", "b"]\n',
  'x: &a/b "q"\ntrust.subject_name: ["a"]\n',
  'trust.subject_name: [&p-1_x "a", *p-1_x]\n',
  "trust.subject_name: [*p:x]\n",
  "trust.subject_name:\n  - *p:x\n",
  'x: &k "y"\n*k : "z"\ntrust.subject_name: ["a"]\n',
];

const dir = mkdtempSync(join(tmpdir(), "othername-jackson-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What Jackson reads for each case: "LIST [...]", "VALUE [...]", "MISSING" or "ERROR …". */
function jacksonReadings(): string[] {
  const files = CASES.map((text, i) => {
    const file = join(dir, `case-${i}.yml`);
    writeFileSync(file, text);
    return file;
  });
  const r = spawnSync("java", ["-cp", JARS.join(":"), join(import.meta.dirname, "JacksonYamlReference.java"), ...files], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trimEnd().split("\n");
}

/** The same reading from the loader, in the reference's terms (a scalar split as Elasticsearch splits it). */
function ours(text: string): string {
  const loaded = loadTrustRestrictions({ fileName: "t.yml", text });
  if (!loaded.ok) return "ERROR";
  if (loaded.form === "missing") return "MISSING";
  return JSON.stringify(loaded.patterns.map((p) => p.text));
}

function theirs(line: string): string {
  if (line.startsWith("ERROR")) return "ERROR";
  if (line === "MISSING") return "MISSING";
  const [form, json] = [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)];
  const values = JSON.parse(json) as string[];
  // A scalar value is split on commas and trimmed (Settings.getAsList).
  return JSON.stringify(form === "VALUE" ? values[0]!.split(",").map((s) => s.trim()) : values);
}

describe.skipIf(!available)("YAML aliases, against Jackson's YAML parser", () => {
  it("reads the same patterns, or refuses the same files, on every case", () => {
    const reference = jacksonReadings();
    expect(reference).toHaveLength(CASES.length);
    const differences = CASES.flatMap((text, i) => (ours(text) === theirs(reference[i]!) ? [] : [`${JSON.stringify(text)}: ours ${ours(text)}, Jackson ${reference[i]}`]));
    expect(differences).toEqual([]);
    // The cases must exercise both outcomes.
    expect(reference.filter((l) => l.startsWith("ERROR")).length).toBeGreaterThanOrEqual(3);
    expect(reference.filter((l) => l.startsWith("LIST")).length).toBeGreaterThanOrEqual(5);
  });

  it("lint errors exactly where Jackson refuses the file", () => {
    const reference = jacksonReadings();
    CASES.forEach((text, i) => {
      const refused = reference[i]!.startsWith("ERROR");
      // subject-name-missing is an error about a file that loads and trusts nobody: not a refusal.
      const errors = lintFile({ fileName: "t.yml", text }).findings.filter((f) => f.severity === "error" && f.rule !== "subject-name-missing");
      expect(errors.length > 0, `${JSON.stringify(text)}: ${errors.map((e) => e.message).join("; ")}`).toBe(refused);
    });
  });
});
