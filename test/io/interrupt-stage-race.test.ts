import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { exitOnSignal } from "../../src/io/interrupt.js";
import { openStage } from "../../src/io/output-stage.js";

/**
 * A signal handler removes the stage while file operations started before it still run on
 * libuv's threads and create entries in it. In its own file: exitOnSignal's "already exiting"
 * state is module-wide, and process.exit is replaced here by a spy.
 */
const root = mkdtempSync(join(tmpdir(), "othername-stage-race-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe("SIGTERM while directories are still being made in the stage", () => {
  it("removes the stage whole and says so", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const stage = await openStage({ target: join(root, "certs"), kind: "directory", files: ["node1/node1.key"], force: false, shown: "certs" });
    const stagePath = join(root, readdirSync(root).find((n) => n.startsWith(".othername-stage-"))!);
    mkdirSync(join(stagePath, "certs", "many"));
    // Hundreds of mkdirs in flight on the thread pool while the handler removes the tree.
    const inFlight = Array.from({ length: 400 }, (_, i) => mkdir(join(stagePath, "certs", "many", `n${i}`)).catch(() => undefined));
    exitOnSignal("SIGTERM");
    await Promise.all(inFlight);
    expect(exit).toHaveBeenCalledWith(143);
    expect(stderr.mock.calls.map((call) => String(call[0])).join("")).toContain("interrupted by SIGTERM; removed the unfinished output (nothing was written to certs)");
    expect(readdirSync(root)).toEqual([]);
    await stage.discard();
  });
});
