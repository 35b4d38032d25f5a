import { chmodSync, chownSync, copyFileSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "othername-lint-fix-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = join(import.meta.dirname, "../../fixtures/lint/unquoted-alias.yml");
const QUOTED = '- "*.node.abc.cluster.s1.account"  # all of abc';

describe("lint --fix writes through a symbolic link, keeping mode and owner", () => {
  it("fixes the link's target, leaves the link a link, keeps the target's mode", async () => {
    copyFileSync(fixture, join(dir, "real.yml"));
    chmodSync(join(dir, "real.yml"), 0o640);
    symlinkSync("real.yml", join(dir, "link.yml"));
    const r = await runCli(["lint", "--fix", "link.yml"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(dir, "link.yml")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, "link.yml"))).toBe("real.yml");
    expect(readFileSync(join(dir, "real.yml"), "utf8")).toContain(QUOTED);
    expect(statSync(join(dir, "real.yml")).mode & 0o777).toBe(0o640);
  });

  it.skipIf(process.getuid?.() !== 0)("keeps another user's ownership of the fixed file (run as root)", async () => {
    copyFileSync(fixture, join(dir, "owned.yml"));
    chownSync(join(dir, "owned.yml"), 4321, 4322);
    const r = await runCli(["lint", "--fix", "owned.yml"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "owned.yml"), "utf8")).toContain(QUOTED);
    const info = statSync(join(dir, "owned.yml"));
    expect([info.uid, info.gid]).toEqual([4321, 4322]);
  });
});
