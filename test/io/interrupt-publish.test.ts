import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { exitOnSignal } from "../../src/io/interrupt.js";
import { openStage } from "../../src/io/output-stage.js";

/**
 * A signal that arrives while a stage is being published waits for the publishing (it is
 * uninterruptible) and then exits 130: the output is whole, and the message must say so rather
 * than claim nothing was written. In its own file: exitOnSignal's "already exiting" state is
 * module-wide, and process.exit is replaced here by a spy.
 */
const root = mkdtempSync(join(tmpdir(), "othername-interrupt-publish-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe("SIGINT while a stage is being published", () => {
  it("publishes whole, then exits 130 saying the output was written in full", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const target = join(root, "certs");
    const stage = await openStage({ target, kind: "directory", files: ["node1/node1.key"], force: false, shown: "certs" });
    await stage.write([{ path: "node1/node1.key", bytes: new TextEncoder().encode("key"), mode: 0o600 }]);

    const publishing = stage.publish(); // enters the uninterruptible section before its first await
    exitOnSignal("SIGINT");
    expect(exit).not.toHaveBeenCalled(); // deferred until publishing is over
    await publishing;

    expect(exit).toHaveBeenCalledWith(130);
    const said = stderr.mock.calls.map((call) => String(call[0])).join("");
    expect(said).toContain("interrupted by SIGINT; certs was already written in full");
    expect(said).not.toContain("nothing was written");
    expect(existsSync(join(target, "node1/node1.key"))).toBe(true);
    expect(readdirSync(root)).toEqual(["certs"]); // no stage left
  });
});
