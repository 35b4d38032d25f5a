import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { escapeField, escapeTerminal } from "../../src/cli/terminal-text.js";
import { loadTrustRestrictions } from "../../src/trust/restrictions.js";
import { runCli } from "../helpers/cli.js";

/**
 * Untrusted text never reaches the terminal raw (issue 13, item 4): ESC, BEL, other C0/C1
 * controls and bidi overrides are printed as `\x1b`, `\u202e` in text output; JSON keeps the
 * true value.
 */
const dir = mkdtempSync(join(tmpdir(), "othername-terminal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, content: string | Uint8Array) => {
  writeFileSync(join(dir, name), content);
  return name;
};
/** Any raw control a terminal would act on (tab and line feed excepted). */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("escapeTerminal and escapeField", () => {
  it("escape C0, DEL, C1 and bidi controls; keep tab and line feed unless a field", () => {
    expect(escapeTerminal("a\x1b[2Jb\x07c\x9bd\u202ee\u2067f\tg\nh\ri\0")).toBe("a\\x1b[2Jb\\x07c\\x9bd\\u202ee\\u2067f\tg\nh\\x0di\\x00");
    expect(escapeField("a\tb\nc\rd")).toBe("a\\x09b\\x0ac\\x0dd");
    expect(escapeTerminal("node1.node.c1.cluster.s1 — ü ✓ \\d")).toBe("node1.node.c1.cluster.s1 — ü ✓ \\d");
  });
});

describe("commands print untrusted text escaped", () => {
  it("lint shows patterns with escapes in text, the true value in JSON", async () => {
    const file = write("esc.yml", 'trust.subject_name: ["\\e]0;pwned\\a\\e[31mred", "\\u202eevil.node.c.cluster.s"]\n');
    const text = await runCli(["lint", file], { cwd: dir });
    expect(text.stdout).not.toMatch(RAW_CONTROL);
    expect(text.stdout).toContain("[\\x1b]0;pwned\\x07\\x1b[31mred]");
    expect(text.stdout).toContain("[\\u202eevil.node.c.cluster.s]");
    const json = await runCli(["lint", file, "--json"], { cwd: dir });
    const messages = (JSON.parse(json.stdout) as { files: { findings: { message: string }[] }[] }).files[0]?.findings.map((f) => f.message).join("\n");
    expect(messages).toContain("\u001b]0;pwned\u0007\u001b[31mred");
    expect(messages).toContain("\u202eevil");
  });

  it("lint on a binary file reports it in one line and does not dump it", async () => {
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) % 256;
    const file = write("binary.yml", bytes);
    const run = await runCli(["lint", file], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    expect(run.stdout).toMatch(/error yaml-syntax: the file holds the control character U\+00[0-9A-F]{2}: it is not YAML text/);
    expect(run.stdout.length).toBeLessThan(300);
  });

  it("a trust file with raw control characters is refused by the loader, as Elasticsearch's parser does", () => {
    const loaded = loadTrustRestrictions({ fileName: "t.yml", text: 'trust.subject_name: ["a\u001b[2Jb"]\n' });
    expect(loaded).toMatchObject({ ok: false, line: 1, column: 24, reason: expect.stringContaining("control character U+001B") });
  });

  it("match escapes names read from stdin in text output, keeps them in JSON", async () => {
    const file = write("t.yml", 'trust.subject_name: ["*.node.c.cluster.s"]\n');
    const names = "x\u001b]0;title\u0007.node.c.cluster.s\n\u202eabc\tdef\n";
    const text = await runCli(["match", "--restrictions", file, "-"], { cwd: dir, stdin: names });
    expect(text.stdout).toBe("x\\x1b]0;title\\x07.node.c.cluster.s\ttrue\n\\u202eabc\\x09def\tfalse\n");
    const json = await runCli(["match", "--restrictions", file, "-", "--json"], { cwd: dir, stdin: names });
    expect((JSON.parse(json.stdout) as { results: { name: string }[] }).results.map((r) => r.name)).toEqual(["x\u001b]0;title\u0007.node.c.cluster.s", "\u202eabc\tdef"]);
  });

  it("errors carrying untrusted text are escaped too", async () => {
    const run = await runCli(["match", "--restrictions", "no-such-\u001b[2J-file.yml", "a"], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("no-such-\\x1b[2J-file.yml");
    expect(run.stderr).not.toMatch(RAW_CONTROL);
  });

  it("an instances cn holding NUL or a line break is an error", async () => {
    const file = write("instances.yml", 'instances:\n  - name: a\n    cn: ["a\\0b.node.c.cluster.s", "x\\ny.node.c.cluster.s"]\n');
    const run = await runCli(["lint", file], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('error control-character: otherName "a\\u0000b.node.c.cluster.s" contains a control character');
    expect(run.stdout).toContain('error control-character: otherName "x\\ny.node.c.cluster.s" contains a control character');
    expect(run.stdout).not.toMatch(RAW_CONTROL);
  });
});
