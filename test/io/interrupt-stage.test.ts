import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";

/**
 * What a signal does to an output stage, in process: process.exit and stderr are spies, and each
 * test loads src/io/interrupt.js afresh (its "already exiting" state is module-wide).
 */
const root = mkdtempSync(join(tmpdir(), "othername-interrupt-stage-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dir: string;
let exit: ReturnType<typeof vi.spyOn>;
let stderr: ReturnType<typeof vi.spyOn>;
let counter = 0;
beforeEach(() => {
  vi.restoreAllMocks();
  vi.resetModules();
  exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
  stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  dir = join(root, `t${++counter}`);
  mkdirSync(dir);
});

async function modules() {
  const { exitOnSignal } = await import("../../src/io/interrupt.js");
  const { openStage } = await import("../../src/io/output-stage.js");
  return { exitOnSignal, openStage };
}

const said = () => stderr.mock.calls.map((call: unknown[]) => String(call[0])).join("");

describe("a signal and the output stage", () => {
  it("during publishing: publishes whole, then exits 130 saying the output was written in full", async () => {
    const { exitOnSignal, openStage } = await modules();
    const target = join(dir, "certs");
    const stage = await openStage({ target, kind: "directory", files: ["node1/node1.key"], force: false, shown: "certs" });
    await stage.write([{ path: "node1/node1.key", bytes: new TextEncoder().encode("key"), mode: 0o600 }]);

    const publishing = stage.publish(); // enters the uninterruptible section before its first await
    exitOnSignal("SIGINT");
    expect(exit).not.toHaveBeenCalled(); // deferred until publishing is over
    await publishing;

    expect(exit).toHaveBeenCalledWith(130);
    expect(said()).toContain("interrupted by SIGINT; certs was already written in full");
    expect(said()).not.toContain("nothing was written");
    expect(existsSync(join(target, "node1/node1.key"))).toBe(true);
    expect(readdirSync(dir)).toEqual(["certs"]); // no stage left
  });

  it("while directories are still being made in the stage (on libuv's threads): removes the stage whole and says so", async () => {
    const { exitOnSignal, openStage } = await modules();
    const stage = await openStage({ target: join(dir, "certs"), kind: "directory", files: ["node1/node1.key"], force: false, shown: "certs" });
    const stagePath = join(dir, readdirSync(dir).find((n) => n.startsWith(".othername-stage-"))!);
    mkdirSync(join(stagePath, "certs", "many"));
    // Hundreds of mkdirs in flight on the thread pool while the handler removes the tree.
    const inFlight = Array.from({ length: 400 }, (_, i) => mkdir(join(stagePath, "certs", "many", `n${i}`)).catch(() => undefined));
    exitOnSignal("SIGTERM");
    await Promise.all(inFlight);
    expect(exit).toHaveBeenCalledWith(143);
    expect(said()).toContain("interrupted by SIGTERM; removed the unfinished output (nothing was written to certs)");
    expect(readdirSync(dir)).toEqual([]);
    await stage.discard();
  });
});
