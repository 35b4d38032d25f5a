import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAN_PAGE_COMMANDS, renderManPage } from "../../src/cli/man-page.js";
import { runCli } from "../helpers/cli.js";
import { tempDir, write } from "../generate/helpers.js";

/** Issue 14, item 5: help, completion, man page and the small conventions. */
const repo = join(import.meta.dirname, "..", "..");

describe("help and conventions", () => {
  const { dir, cleanup } = tempDir("conventions");
  afterAll(cleanup);

  it("othername completion prints a bash completion script", async () => {
    const bash = await runCli(["completion"]);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain("othername --get-yargs-completions");
    expect(bash.stdout).toContain("complete -o bashdefault -o default -F _othername_yargs_completions othername");
    const words = await runCli(["--get-yargs-completions", "othername", "cert", "--keep"]);
    expect(words.stdout.split("\n")).toContain("--keep-ca-key");
    const commands = await runCli(["--get-yargs-completions", "othername", ""]);
    expect(commands.stdout.split("\n")).toEqual(expect.arrayContaining(["cert", "check", "ece", "lint"]));
  });

  it("the man page is generated from the --help texts and ships in the package", { timeout: 120_000 }, async () => {
    const out = join(dir, "othername.1");
    const run = spawnSync(process.execPath, [join(repo, "scripts", "man-page.mjs"), "--out", out], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const page = readFileSync(out, "utf8");
    const help = async (argv: string[]) => (await runCli([...argv, "--help"])).stdout;
    const version = (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string }).version;
    const expected = renderManPage({ version, overview: await help([]), commands: await Promise.all(MAN_PAGE_COMMANDS.map(async (name) => [name, await help(name.split(" "))] as const)) });
    expect(page).toBe(expected);
    expect(page).toContain('.SS "othername ece trust add"');
    expect(page).toContain("\\-\\-keep\\-ca\\-key");
    const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { files: string[]; man: string; scripts: Record<string, string> };
    expect(pkg.files).toContain("man");
    expect(pkg.man).toBe("./man/othername.1");
    // Every build writes it (npm test and npm pack build first), so the package always has the current page.
    expect(pkg.scripts["build"]).toContain("scripts/man-page.mjs");
  });

  it("Ctrl-C at a password prompt exits 130", async () => {
    const r = await runCli(["ca", "--out", "ctrl-c.p12", "--key", "ec:p256"], { cwd: dir, stdinIsTTY: true, stdin: "\u0003" });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("password prompt cancelled");
    expect(existsSync(join(dir, "ctrl-c.p12"))).toBe(false);
  });

  it("match - ignores blank lines", async () => {
    write(dir, "trust.yml", 'trust.subject_name: "*.node.abc.cluster.s1.account"\n');
    const r = await runCli(["match", "--restrictions", "trust.yml", "-"], { cwd: dir, stdin: "n1.node.abc.cluster.s1.account\n\n  \nn2.node.x.cluster.s1.account\n\n" });
    expect(r.stdout).toBe("n1.node.abc.cluster.s1.account\ttrue\nn2.node.x.cluster.s1.account\tfalse\n");
  });

  it("progress on a terminal shows done/total, rate and ETA", async () => {
    write(dir, "two.yml", "instances:\n  - name: p1\n  - name: p2\n");
    const r = await runCli(["cert", "--in", "two.yml", "--self-signed", "--pem", "--key", "ec:p256", "--out", "progress"], { cwd: dir, stderrIsTTY: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[2\/2\] 100% [\d.]+\/s ETA 0s/);
  });

  it("quickstart says where its files are and removes its temporary directory unless --keep", async () => {
    const where = (stdout: string) => /files in (\S+)/.exec(stdout)?.[1] ?? "";
    const temporary = await runCli(["quickstart"]);
    expect(temporary.code, temporary.stderr).toBe(0);
    expect(temporary.stdout).toContain("removed at the end; --keep keeps them");
    expect(where(temporary.stdout)).not.toBe("");
    expect(existsSync(where(temporary.stdout))).toBe(false);
    const kept = await runCli(["quickstart", "--keep"]);
    expect(kept.code, kept.stderr).toBe(0);
    const path = where(kept.stdout);
    try {
      expect(existsSync(join(path, "ca", "ca.crt"))).toBe(true);
      expect(kept.stdout).toContain("Try it yourself:");
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  });
});
