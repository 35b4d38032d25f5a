import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * `othername lint big.yml | head -1`: the reader closes the pipe while lint still writes. The
 * write fails with EPIPE; the user must not see Node's unhandled 'error' event and its stack.
 */
const dir = mkdtempSync(join(tmpdir(), "othername-pipe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = join(process.cwd(), "bin/othername.js");

describe("a reader that closes the pipe early", () => {
  it("ends lint like SIGPIPE would (141), with nothing on stderr", () => {
    // 5,000 upper-case patterns: 5,000 warning lines, far more than a pipe buffer holds.
    writeFileSync(join(dir, "big.yml"), `trust.subject_name:\n${Array.from({ length: 5_000 }, (_, i) => `  - "N${i}.node.c.cluster.s"\n`).join("")}`);
    const r = spawnSync("bash", ["-c", `set -o pipefail; '${process.execPath}' '${bin}' lint big.yml 2>err.txt | head -1; echo "status \${PIPESTATUS[0]}"`], { cwd: dir, encoding: "utf8" });
    expect(r.stdout).toMatch(/^big\.yml:2:\d+: warning uppercase: /);
    expect(r.stdout).toContain("status 141");
    expect(readFileSync(join(dir, "err.txt"), "utf8")).toBe("");
  });
});
