import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { wantedThreadPoolSize } from "../../src/cli/thread-pool-launch.js";

describe("libuv thread pool sizing", () => {
  it.each([
    [["cert", "--in", "i.yml", "--jobs", "8"], 2, 8],
    [["cert", "--jobs=6"], 2, 6],
    [["cert", "--in", "i.yml"], 16, 16],
    [["quickstart"], 12, 12],
    [["cert", "--jobs", "2"], 16, undefined],
    [["cert"], 2, undefined],
    [["inspect", "x.pem"], 64, undefined],
    [["cert", "--jobs", "5000"], 2, 1024],
  ] as const)("%j on %i cores wants %s", (argv, cores, expected) => {
    expect(wantedThreadPoolSize(argv, cores)).toBe(expected);
  });

  it("the launcher starts cert with the pool that --jobs asks for, and passes its exit code on", () => {
    const dir = mkdtempSync(join(tmpdir(), "othername-pool-"));
    try {
      writeFileSync(join(dir, "i.yml"), "instances:\n  - name: n1\n");
      const env = { ...process.env };
      delete env.UV_THREADPOOL_SIZE;
      const run = (extra: string[]) =>
        execFileSync(process.execPath, ["bin/othername.js", "cert", "--in", join(dir, "i.yml"), "--self-signed", "--pem", "--key", "ec:p256", "--debug", ...extra], {
          encoding: "utf8",
          env,
          stdio: ["ignore", "pipe", "pipe"],
        });
      const text = (() => {
        try {
          run(["--out", join(dir, "out"), "--jobs", "6"]);
          return "";
        } catch (error) {
          return String(error);
        }
      })();
      expect(text).toBe("");
      // Same again: the output exists now, so the relaunched child fails with exit 3 and so must we.
      let status = 0;
      let stderr = "";
      try {
        run(["--out", join(dir, "out"), "--jobs", "6"]);
      } catch (error) {
        status = (error as { status: number }).status;
        stderr = (error as { stderr: string }).stderr;
      }
      expect(status).toBe(3);
      expect(stderr).toContain("thread pool of 6 threads");
      expect(stderr).toContain("refusing to overwrite");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
