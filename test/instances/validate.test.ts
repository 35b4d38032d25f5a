import { describe, expect, it } from "vitest";
import { parseInstances, planGeneration, type Diagnostic } from "../../src/instances/index.js";

function problems(text: string): Diagnostic[] {
  const result = parseInstances(text);
  return [...result.diagnostics];
}

function only(text: string, rule: string): Diagnostic {
  const found = problems(text).filter((d) => d.rule === rule);
  expect(found, JSON.stringify(problems(text))).toHaveLength(1);
  return found[0]!;
}

describe("parseInstances: certutil format", () => {
  it("accepts lists and single strings and keeps values as written", () => {
    const result = parseInstances(
      ["instances:", "  - name: node1", "    ip: 10.0.0.1", "    dns: [node1.local, node1]", "    cn: node1.node.a.cluster.s1", "  - name: 1.10", "    filename: other"].join("\n"),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [a, b] = result.spec.instances;
    expect(a).toMatchObject({ name: "node1", filename: "node1", ip: ["10.0.0.1"], dns: ["node1.local", "node1"], cn: ["node1.node.a.cluster.s1"] });
    expect(b).toMatchObject({ name: "1.10", filename: "other", ip: [], dns: [], cn: [] });
  });

  it("derives the convention name from top-level cluster/scope, overridable per instance", () => {
    const result = parseInstances(
      ["cluster: abc123", "scope: s1.account", "instances:", "  - name: n1", "  - name: n2", "    cluster: other", "  - name: n3", "    cn: [explicit.name]"].join("\n"),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.spec.instances.map((i) => i.cn)).toEqual([["n1.node.abc123.cluster.s1.account"], ["n2.node.other.cluster.s1.account"], ["explicit.name"]]);
    expect(result.spec.instances.map((i) => i.cnDerived)).toEqual([true, true, false]);
  });

  it("reads a name containing = as a DN", () => {
    const result = parseInstances('instances:\n  - name: "CN=node1, OU=ops, O=Example"\n    filename: node1\n');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.spec.instances[0]!.subject).toEqual([[{ type: "2.5.4.3", value: "node1" }], [{ type: "2.5.4.11", value: "ops" }], [{ type: "2.5.4.10", value: "Example" }]]);
  });
});

describe("parseInstances: every rule, with its position", () => {
  const table: { rule: string; severity: "error" | "warning"; yaml: string; line: number; column: number; path: string }[] = [
    { rule: "unknown-key", severity: "error", yaml: "instances:\n  - name: a\n    dsn: x\n", line: 3, column: 5, path: "instances[0].dsn" },
    { rule: "unknown-key", severity: "error", yaml: "clusters: x\ninstances:\n  - name: a\n", line: 1, column: 1, path: "clusters" },
    { rule: "missing-name", severity: "error", yaml: "instances:\n  - dns: a.local\n", line: 2, column: 5, path: "instances[0].name" },
    { rule: "reserved-name", severity: "error", yaml: "instances:\n  - name: ca\n", line: 2, column: 11, path: "instances[0].name" },
    // CA/ and ca/ are one directory on macOS and Windows (and when the zip is unpacked there).
    { rule: "reserved-name", severity: "error", yaml: "instances:\n  - name: CA\n", line: 2, column: 11, path: "instances[0].name" },
    { rule: "reserved-name", severity: "error", yaml: "instances:\n  - name: node1\n    filename: Ca\n", line: 3, column: 15, path: "instances[0].filename" },
    { rule: "invalid-filename", severity: "error", yaml: "instances:\n  - name: a\n    filename: a/b\n", line: 3, column: 15, path: "instances[0].filename" },
    { rule: "invalid-filename", severity: "error", yaml: "instances:\n  - name: .hidden\n", line: 2, column: 11, path: "instances[0].name" },
    { rule: "invalid-filename", severity: "error", yaml: `instances:\n  - name: a\n    filename: ${"x".repeat(252)}\n`, line: 3, column: 15, path: "instances[0].filename" },
    { rule: "invalid-ip", severity: "error", yaml: "instances:\n  - name: a\n    ip: [10.0.0.1, 10.0.0.256]\n", line: 3, column: 20, path: "instances[0].ip[1]" },
    { rule: "invalid-dns", severity: "error", yaml: "instances:\n  - name: a\n    dns: bücher.example\n", line: 3, column: 10, path: "instances[0].dns" },
    { rule: "invalid-dn", severity: "error", yaml: 'instances:\n  - name: "CN=a,,"\n    filename: a\n', line: 2, column: 11, path: "instances[0].name" },
    { rule: "invalid-dn", severity: "error", yaml: 'instances:\n  - name: "FOO=a"\n    filename: a\n', line: 2, column: 11, path: "instances[0].name" },
    { rule: "duplicate-name", severity: "error", yaml: "instances:\n  - name: a\n  - name: a\n    filename: b\n", line: 3, column: 5, path: "instances[1].name" },
    { rule: "duplicate-filename", severity: "error", yaml: "instances:\n  - name: a\n    filename: x\n  - name: b\n    filename: X\n", line: 4, column: 5, path: "instances[1].filename" },
    { rule: "empty-label", severity: "error", yaml: "scope: s1\ncluster: ''\ninstances:\n  - name: n1\n", line: 4, column: 11, path: "instances[0].name" },
    { rule: "empty-label", severity: "error", yaml: "instances:\n  - name: a\n    cn: a..b\n", line: 3, column: 9, path: "instances[0].cn" },
    { rule: "label-charset", severity: "warning", yaml: "scope: s1\ncluster: Prod\ninstances:\n  - name: n1\n", line: 4, column: 11, path: "instances[0].name" },
    { rule: "label-charset", severity: "warning", yaml: "instances:\n  - name: a\n    cn: [node_1.node.c.cluster.s]\n", line: 3, column: 10, path: "instances[0].cn[0]" },
    { rule: "wildcard-cn", severity: "error", yaml: "instances:\n  - name: a\n    cn: ['*.node.c.cluster.s']\n", line: 3, column: 10, path: "instances[0].cn[0]" },
    { rule: "incomplete-convention", severity: "warning", yaml: "cluster: c\ninstances:\n  - name: a\n", line: 3, column: 11, path: "instances[0].name" },
    { rule: "invalid-type", severity: "error", yaml: "instances:\n  - name: a\n    ip: {x: y}\n", line: 3, column: 9, path: "instances[0].ip" },
    { rule: "instances-root", severity: "error", yaml: "- name: a\n", line: 1, column: 1, path: "" },
    { rule: "no-instances", severity: "error", yaml: "instances: []\n", line: 1, column: 12, path: "instances" },
    { rule: "duplicate-key", severity: "error", yaml: "instances:\n  - name: a\n    name: b\n", line: 3, column: 5, path: "" },
    { rule: "yaml-syntax", severity: "error", yaml: "instances:\n  - name: [a\n", line: 3, column: 1, path: "" },
  ];
  for (const row of table) {
    it(`${row.rule} at ${row.line}:${row.column} (${row.path || "document"})`, () => {
      const d = only(row.yaml, row.rule);
      expect(d).toMatchObject({ severity: row.severity, line: row.line, column: row.column, path: row.path });
      expect(d.message.length).toBeGreaterThan(10);
      const result = parseInstances(row.yaml);
      expect(result.ok).toBe(row.severity === "warning");
    });
  }

  it("reports all problems of all instances at once, in file order", () => {
    const yaml = ["instances:", "  - name: ca", "  - name: b", "    ip: nope", "    dns: 'a b'", "  - filename: x", "  - name: d", "    cn: '*'", "    extra: 1"].join("\n");
    const result = parseInstances(yaml);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.rule, d.line])).toEqual([
      ["reserved-name", 2],
      ["no-othername", 2],
      ["no-othername", 3],
      ["invalid-ip", 4],
      ["invalid-dns", 5],
      ["missing-name", 6],
      ["wildcard-cn", 8],
      ["unknown-key", 9],
    ]);
  });

  it("bounds alias expansion (billion laughs) with an error instead of a hang", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let k = 1; k < 9; k++) lines.push(`${"abcdefghij"[k]}: &${"abcdefghij"[k]} [${Array(10).fill(`*${"abcdefghij"[k - 1]}`).join(", ")}]`);
    lines.push("instances:\n  - name: x\n    dns: *i");
    // 10^9 leaves if expanded: aliases are shared instead, so this ends at once with the real problems.
    const result = parseInstances(lines.join("\n"));
    expect(result.ok).toBe(false);
    expect(new Set(result.diagnostics.map((d) => d.rule))).toEqual(new Set(["unknown-key", "invalid-type", "no-othername"]));
    // With a node budget below the document's size, the budget is what stops it.
    const bounded = parseInstances(lines.join("\n"), { limits: { maxChars: 1e6, maxNodes: 50, maxDepth: 64 } });
    expect(bounded.diagnostics.map((d) => d.rule)).toEqual(["yaml-limits"]);
  });

  it("counts YAML nodes before parsing: 2,000,000 list items (4 MB) are refused where the 100,001st node starts, for less than parsing 40,000", () => {
    // Before the count the parser took 28 s of CPU and 2.1 GB on this file (cert --in), and a
    // 16 MiB file of the same kind would not have fit in memory.
    const flow = (items: number) => `instances:\n  - name: n1\n    dns: [${"a,".repeat(items - 1)}b]\n`;
    const cpuMs = (run: () => unknown) => {
      const before = process.cpuUsage();
      run();
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000;
    };
    parseInstances(flow(100));
    const within = flow(20_000); // 40,000 nodes
    const beyond = flow(2_000_000);
    const baseline = cpuMs(() => expect(parseInstances(within).diagnostics.map((d) => d.rule)).not.toContain("yaml-limits"));
    let refused: ReturnType<typeof parseInstances> | undefined;
    const spent = cpuMs(() => (refused = parseInstances(beyond)));
    // "instances", ":", "-", "name", ":", "n1", "dns", ":", "[" are 9 nodes; then each item and comma.
    expect(refused?.diagnostics).toEqual([
      expect.objectContaining({ rule: "yaml-limits", line: 3, column: 11 + (100_001 - 9 - 1), message: expect.stringContaining("more than 100,000 YAML nodes") }),
    ]);
    expect(spent).toBeLessThan(baseline * 2);
  });

  it("refuses inputs over the size limit", () => {
    const result = parseInstances("instances:\n  - name: a\n", { limits: { maxChars: 10, maxNodes: 100, maxDepth: 10 } });
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]?.rule).toBe("yaml-limits");
  });
});

describe("planGeneration", () => {
  const result = parseInstances("cluster: c1\nscope: s1\ninstances:\n  - name: n1\n    ip: ['10.0.0.1']\n  - name: 'CN=x\\, y'\n    filename: n2\n    cn: n2.node.c1.cluster.s1\n");
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  it("lays out files the certutil way and computes validity", () => {
    const at = new Date("2026-01-01T00:00:00Z");
    const pem = planGeneration(result.spec, { kind: "pem", at, days: 10 });
    expect(pem.files).toEqual(["ca/ca.crt", "n1/n1.crt", "n1/n1.key", "n2/n2.crt", "n2/n2.key"]);
    expect(pem.notAfter.toISOString()).toBe("2026-01-11T00:00:00.000Z");
    expect(pem.instances[1]!.subjectText).toBe("CN=x\\, y");
    expect(pem.instances[0]!.san).toEqual({ otherNameCommonName: ["n1.node.c1.cluster.s1"], dns: [], ip: ["10.0.0.1"] });
    expect(planGeneration(result.spec, { kind: "pkcs12", at, days: 1 }).files).toEqual(["n1/n1.p12", "n2/n2.p12"]);
    expect(planGeneration(result.spec, { kind: "csr", at, days: 1 }).files).toEqual(["n1/n1.csr", "n1/n1.key", "n2/n2.csr", "n2/n2.key"]);
  });
});

describe("examples/instances.yaml", () => {
  it("is valid, warning-free, and spans two clusters", async () => {
    const { readFileSync } = await import("node:fs");
    const result = parseInstances(readFileSync(new URL("../../examples/instances.yaml", import.meta.url), "utf8"));
    expect(result.diagnostics).toEqual([]);
    if (!result.ok) return;
    const clusters = new Set(result.spec.instances.flatMap((i) => i.cn.map((cn) => cn.split(".node.")[1]?.split(".cluster.")[0])));
    expect(clusters).toEqual(new Set(["prod-eu", "prod-us"]));
    expect(result.spec.instances.every((i) => i.cnDerived)).toBe(true);
  });
});
