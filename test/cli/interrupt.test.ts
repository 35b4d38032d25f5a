import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Real processes (bin/othername.js, built by `npm run build`) interrupted while they write:
 * nothing of the output may be left, the exit status must say which signal ended the run, and
 * a relaunched child (--jobs > 4) must not outlive its parent. The write phase is detected from
 * the file system: the hidden stage (`.othername-stage-<pid>-…`) and the first key file in it.
 */
const BIN = join(process.cwd(), "bin", "othername.js");
const INSTANCES = 100;

interface Run {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function start(dir: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => {
      // stderr may still be draining; give it the rest of this tick.
      setImmediate(() => resolve({ code, signal, stderr }));
    }),
  );
  return { child, done };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` returns a value (every few ms), failing after `limitMs` (generous: the machine is shared). */
async function waitFor<T>(what: string, probe: () => T | undefined, limitMs = 60_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(3);
  }
}

function stageIn(dir: string): string | undefined {
  const name = readdirSync(dir).find((n) => n.startsWith(".othername-stage-"));
  return name === undefined ? undefined : join(dir, name);
}

/** The write phase has begun: the stage holds a key file. */
function writing(dir: string, keyFile: string): string | undefined {
  const stage = stageIn(dir);
  return stage !== undefined && existsSync(join(stage, keyFile)) ? stage : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("interrupting cert while it writes (real processes)", () => {
  let root: string;
  const fresh = () => {
    const dir = mkdtempSync(join(root, "run-"));
    writeFileSync(join(dir, "inst.yml"), `cluster: abc\nscope: s1\ninstances:\n${Array.from({ length: INSTANCES }, (_, i) => `  - name: node${i + 1}\n`).join("")}`);
    return dir;
  };
  const certArgs = (out: string, extra: readonly string[] = ["--jobs", "2"]) => ["cert", "--in", "inst.yml", "--self-signed", "--pem", "--key", "ec:p256", "--out", out, "--quiet", ...extra];
  const withoutPool = () => {
    const env = { ...process.env };
    delete env["UV_THREADPOOL_SIZE"];
    return env;
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "othername-interrupt-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s during the write phase removes the stage, writes nothing and exits %i", async (signal, status) => {
    const dir = fresh();
    const run = start(dir, certArgs("certs"));
    await waitFor("the write phase", () => writing(dir, "certs/node1/node1.key"));
    run.child.kill(signal);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(status);
    expect(result.stderr).toContain(`interrupted by ${signal}`);
    expect(result.stderr).toContain("removed the unfinished output");
    expect(readdirSync(dir)).toEqual(["inst.yml"]);
  });

  it("SIGINT while a .zip is being made leaves no zip and no stage", async () => {
    const dir = fresh();
    const run = start(dir, certArgs("bundle.zip"));
    await waitFor("the stage", () => stageIn(dir));
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code, result.stderr).toBe(130);
    expect(readdirSync(dir)).toEqual(["inst.yml"]);
  });

  it("after kill -9 during the write phase, the next run removes the stale stage (holding keys) and succeeds", async () => {
    const dir = fresh();
    const run = start(dir, certArgs("certs"));
    const stage = await waitFor("the write phase", () => writing(dir, "certs/node1/node1.key"));
    run.child.kill("SIGKILL");
    const killed = await run.done;
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(stage)).toBe(true); // SIGKILL cannot be handled: the stage stays, unpublished
    expect(existsSync(join(dir, "certs"))).toBe(false);
    expect(statSync(stage).mode & 0o777).toBe(0o700);

    const again = await start(dir, certArgs("certs")).done;
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`removed ${stage}, the unfinished output of an interrupted run (process ${run.child.pid})`);
    expect(readdirSync(dir).sort()).toEqual(["certs", "inst.yml"]);
    expect(readdirSync(join(dir, "certs"))).toHaveLength(INSTANCES);
  });

  it("a child relaunched for --jobs > 4 dies with its parent (kill -9 of the parent) and writes nothing", async () => {
    const dir = fresh();
    const run = start(dir, certArgs("certs", ["--jobs", "8"]), withoutPool());
    const stage = await waitFor("the relaunched child's stage", () => stageIn(dir));
    const childPid = Number(/\.othername-stage-(\d+)-/.exec(stage)![1]);
    expect(childPid).not.toBe(run.child.pid); // the stage is the relaunched child's
    run.child.kill("SIGKILL");
    await run.done;
    await waitFor("the orphaned child to end", () => (alive(childPid) ? undefined : true), 30_000);
    expect(readdirSync(dir)).toEqual(["inst.yml"]);
  });

  it("SIGTERM to the parent of a relaunched child exits 143 and writes nothing", async () => {
    const dir = fresh();
    const run = start(dir, certArgs("certs", ["--jobs", "8"]), withoutPool());
    const stage = await waitFor("the relaunched child's stage", () => stageIn(dir));
    const childPid = Number(/\.othername-stage-(\d+)-/.exec(stage)![1]);
    run.child.kill("SIGTERM");
    const result = await run.done;
    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).toContain("removed the unfinished output");
    await waitFor("the child to end", () => (alive(childPid) ? undefined : true), 30_000);
    expect(readdirSync(dir)).toEqual(["inst.yml"]);
  });
});

describe("interrupting renew while it writes (real processes)", () => {
  let dir: string;
  const before: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "othername-interrupt-renew-"));
    writeFileSync(join(dir, "inst.yml"), `cluster: abc\nscope: s1\ninstances:\n${Array.from({ length: INSTANCES }, (_, i) => `  - name: node${i + 1}\n`).join("")}`);
    for (const args of [
      ["ca", "--pem", "--no-password", "--key", "ec:p256", "--out", "."],
      ["cert", "--in", "inst.yml", "--ca-cert", "ca/ca.crt", "--ca-key", "ca/ca.key", "--pem", "--key", "ec:p256", "--out", "certs", "--quiet"],
    ]) {
      const r = await start(dir, args).done;
      expect(r.code, r.stderr).toBe(0);
    }
    before.push(...readdirSync(dir).sort());
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s while the renewed bundle is staged removes the stage, leaves the old bundle and exits %i", async (signal, status) => {
    const run = start(dir, ["renew", "certs", "--ca-cert", "ca/ca.crt", "--ca-key", "ca/ca.key", "--out", "renewed", "--quiet"]);
    await waitFor("renew's stage", () => stageIn(dir));
    run.child.kill(signal);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(status);
    expect(result.stderr).toContain(`interrupted by ${signal}`);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readdirSync(join(dir, "certs"))).toHaveLength(INSTANCES + 1); // the nodes and ca/, untouched
  });
});
