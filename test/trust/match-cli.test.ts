import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "othername-match-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};

const restrictions = file(
  "trust_restrictions.yml",
  'trust:\n  subject_name:\n    - "*.node.abc.cluster.s1.account"\n    - "/node[1-3]\\\\.node\\\\.def\\\\.cluster\\\\.s1\\\\.account/"\n',
);

describe("othername match", () => {
  it("prints NAME<TAB>true|false and exits 1 when any name is not trusted", async () => {
    const r = await runCli(["match", "--restrictions", restrictions, "n1.node.abc.cluster.s1.account", "node4.node.def.cluster.s1.account"], { cwd: dir });
    expect(r.stdout).toBe("n1.node.abc.cluster.s1.account\ttrue\nnode4.node.def.cluster.s1.account\tfalse\n");
    expect(r.code).toBe(1);
  });

  it("exits 0 when every name is trusted", async () => {
    const r = await runCli(["match", "--restrictions", restrictions, "node2.node.def.cluster.s1.account"], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stdout: "node2.node.def.cluster.s1.account\ttrue\n" });
  });

  it("reads names from stdin with - and prints JSON naming the first matching pattern", async () => {
    const r = await runCli(["match", "--restrictions", restrictions, "-", "--json"], {
      cwd: dir,
      stdin: "node1.node.def.cluster.s1.account\r\nx.node.abc.cluster.s1.account\nnope\n",
    });
    expect(JSON.parse(r.stdout)).toEqual({
      patterns: ["*.node.abc.cluster.s1.account", "/node[1-3]\\.node\\.def\\.cluster\\.s1\\.account/"],
      results: [
        { name: "node1.node.def.cluster.s1.account", trusted: true, pattern: "/node[1-3]\\.node\\.def\\.cluster\\.s1\\.account/" },
        { name: "x.node.abc.cluster.s1.account", trusted: true, pattern: "*.node.abc.cluster.s1.account" },
        { name: "nope", trusted: false, pattern: null },
      ],
    });
    expect(r.code).toBe(1);
  });

  it("exits 3 with Elasticsearch's reason for a file it would refuse", async () => {
    const alias = file("alias.yml", "trust.subject_name:\n  - *.node.abc\n");
    const r = await runCli(["match", "--restrictions", alias, "a"], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/alias\.yml:2:5: .*YAML alias/);
    const txt = file("trust.txt", "trust.subject_name: [a]\n");
    const t = await runCli(["match", "--restrictions", txt, "a"], { cwd: dir });
    expect(t.code).toBe(3);
    expect(t.stderr).toContain("unable to detect content type from resource name [trust.txt]");
    const regex = file("regex.yml", 'trust.subject_name: ["/abc"]\n');
    const g = await runCli(["match", "--restrictions", regex, "abc"], { cwd: dir });
    expect(g.code).toBe(3);
    expect(g.stderr).toContain("must also end with '/'");
  });

  it("warns that an empty list rejects every peer", async () => {
    const empty = file("empty.yml", "trust.subject_name: []\n");
    const r = await runCli(["match", "--restrictions", empty, "anything"], { cwd: dir });
    expect(r).toMatchObject({ code: 1, stdout: "anything\tfalse\n" });
    expect(r.stderr).toMatch(/rejects every peer/);
  });

  it("is a usage error without names", async () => {
    expect((await runCli(["match", "--restrictions", restrictions], { cwd: dir })).code).toBe(2);
  });
});
