import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDirectory } from "../../src/io/workspace.js";

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "othername-workspace-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("freshDirectory (quickstart --out)", () => {
  it("does not create --out: the staged write does, so an interrupted run leaves no empty directory", async () => {
    const full = await freshDirectory("demo/nested", root, "unused-");
    expect(full).toBe(join(root, "demo", "nested"));
    expect(existsSync(join(root, "demo"))).toBe(false);
  });

  it("accepts an empty directory and refuses one with files", async () => {
    mkdirSync(join(root, "empty"));
    await expect(freshDirectory("empty", root, "unused-")).resolves.toBe(join(root, "empty"));
    mkdirSync(join(root, "taken"));
    writeFileSync(join(root, "taken", "x"), "");
    await expect(freshDirectory("taken", root, "unused-")).rejects.toMatchObject({ code: "OUTPUT_EXISTS" });
  });
});
