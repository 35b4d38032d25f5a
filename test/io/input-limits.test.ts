import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_INPUT_BYTES } from "../../src/io/read-input.js";
import { runCli } from "../helpers/cli.js";
import { measure, type Measured } from "../helpers/measure.js";

/**
 * Byte caps enforced while reading, in real processes (the built CLI): endless and huge inputs —
 * /dev/zero, a 200 MB pipe, a 1.5 GB sparse file, a 400 MB line on stdin — end in exit 3 having
 * read only the cap. Memory and CPU are measured by the child itself (process.resourceUsage) and
 * compared with a baseline run on a normal input in the same test, with generous margins.
 */
describe("byte caps on every read, enforced while reading", () => {
  let dir: string;
  let baseline: Measured;
  const within = (hostile: Measured) => {
    // The acceptance bound is 2 s of CPU and 200 MB of RSS; against a baseline, with margins.
    expect(hostile.rssMB, hostile.stderr).toBeLessThan(baseline.rssMB + 120);
    expect(hostile.cpuS, hostile.stderr).toBeLessThan(baseline.cpuS + 2);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "othername-limits-"));
    const ca = await runCli(["ca", "--pem", "--no-password", "--key", "ec:p256", "--out", "."], { cwd: dir });
    expect(ca.code, ca.stderr).toBe(0);
    writeFileSync(join(dir, "trust.yml"), 'trust.subject_name: ["*.node.abc.cluster.s1"]\n');
    baseline = measure(dir, ["inspect", "ca/ca.crt"]);
    expect(baseline.code, baseline.stderr).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("inspect /dev/zero stops at the cap: exit 3", () => {
    const r = measure(dir, ["inspect", "/dev/zero"]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`cannot read file /dev/zero: it is larger than the ${MAX_INPUT_BYTES} bytes`);
    within(r);
  });

  it("inspect /dev/stdin with a 200 MB pipe: exit 3", () => {
    const r = measure(dir, ["inspect", "/dev/stdin"], "head -c 209715200 /dev/zero");
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain("it is larger than");
    within(r);
  });

  it("match - with a 400 MB line: exit 3", () => {
    const r = measure(dir, ["match", "--restrictions", "trust.yml", "-"], "head -c 419430400 /dev/zero | tr '\\0' a");
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain("cannot read names from standard input (-): it is larger than");
    within(r);
  });

  it("ece trust add --from-bundle with a 1.5 GB sparse n1/n1.crt: exit 3 before any request", () => {
    mkdirSync(join(dir, "bundle/n1"), { recursive: true });
    spawnSync("truncate", ["-s", "1500M", join(dir, "bundle/n1/n1.crt")]);
    const r = measure(dir, ["ece", "trust", "add", "--url", "https://127.0.0.1:9", "--deployment", "d1", "--name", "self", "--ca", "ca/ca.crt", "--from-bundle", "bundle", "--dry-run"]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain("n1/n1.crt is larger than");
    within(r);
  });

  it("inspect - is a usage error (exit 2), never exit 0 with nothing", async () => {
    const r = await runCli(["inspect", "-"], { cwd: dir, stdin: "" });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("/dev/stdin");
  });
});
