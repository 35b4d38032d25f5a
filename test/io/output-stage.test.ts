import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openBundleStage, writeBundle, type BundleFile } from "../../src/io/bundle.js";
import { openStage } from "../../src/io/output-stage.js";
import { runCli } from "../helpers/cli.js";

const root = mkdtempSync(join(tmpdir(), "othername-stage-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = () => {
  const dir = join(root, `t${++counter}`);
  mkdirSync(dir);
  return dir;
};
const text = (s: string) => new TextEncoder().encode(s);
const FILES: BundleFile[] = [
  { path: "ca/ca.crt", bytes: text("ca"), mode: 0o644 },
  { path: "node1/node1.crt", bytes: text("crt1"), mode: 0o644 },
  { path: "node1/node1.key", bytes: text("key1"), mode: 0o600 },
  { path: "node2/node2.crt", bytes: text("crt2"), mode: 0o644 },
  { path: "node2/node2.key", bytes: text("key2"), mode: 0o600 },
];
const at = new Date("2026-01-01T00:00:00Z");
const stages = (dir: string) => readdirSync(dir).filter((n) => n.startsWith(".othername-stage-"));

describe("writeBundle through one stage", () => {
  it("publishes a new directory whole, keys 0600, no stage left", async () => {
    const dir = fresh();
    const result = await writeBundle(FILES, { out: "certs", cwd: dir, force: false, at });
    expect(result.location).toBe(join(dir, "certs"));
    expect(readdirSync(join(dir, "certs")).sort()).toEqual(["ca", "node1", "node2"]);
    expect(statSync(join(dir, "certs/node1/node1.key")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "certs/node1/node1.crt")).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir)).toEqual(["certs"]);
  });

  it("creates missing parent directories only when publishing, as one rename", async () => {
    const dir = fresh();
    const stage = await openBundleStage(
      FILES.map((f) => f.path),
      { out: "a/b/certs", cwd: dir, force: false },
    );
    expect(existsSync(join(dir, "a"))).toBe(false); // nothing visible before publish
    await writeBundle(FILES, { out: "a/b/certs", cwd: dir, force: false, at }, stage);
    expect(readFileSync(join(dir, "a/b/certs/node2/node2.key"), "utf8")).toBe("key2");
    expect(readdirSync(dir)).toEqual(["a"]);
  });

  // The race the link-based refusal exists for: the CLI checked, then a file appeared before publishing.
  it("refuses, without --force, a file that appeared after the pre-check, and changes nothing", async () => {
    const dir = fresh();
    mkdirSync(join(dir, "certs/node1"), { recursive: true });
    const stage = await openBundleStage(
      FILES.map((f) => f.path),
      { out: "certs", cwd: dir, force: false },
    );
    writeFileSync(join(dir, "certs/node1/node1.key"), "someone else's key");
    await expect(writeBundle(FILES, { out: "certs", cwd: dir, force: false, at }, stage)).rejects.toMatchObject({
      code: "OUTPUT_WRITE_FAILED",
      message: expect.stringContaining("a file appeared there while writing"),
    });
    expect(readFileSync(join(dir, "certs/node1/node1.key"), "utf8")).toBe("someone else's key");
    expect(readdirSync(join(dir, "certs")).sort()).toEqual(["node1"]); // ca/ and node2/ taken back
    expect(readdirSync(join(dir, "certs/node1"))).toEqual(["node1.key"]);
    expect(stages(join(dir, "certs"))).toEqual([]);
  });

  it("refuses a .zip that appeared after the pre-check", async () => {
    const dir = fresh();
    const stage = await openBundleStage([], { out: "b.zip", cwd: dir, force: false });
    writeFileSync(join(dir, "b.zip"), "not ours");
    await expect(writeBundle(FILES, { out: "b.zip", cwd: dir, force: false, at }, stage)).rejects.toMatchObject({ code: "OUTPUT_WRITE_FAILED" });
    expect(readFileSync(join(dir, "b.zip"), "utf8")).toBe("not ours");
    expect(readdirSync(dir)).toEqual(["b.zip"]);
  });

  it("with --force replaces old files only when publishing, keeps unrelated files", async () => {
    const dir = fresh();
    mkdirSync(join(dir, "certs/node1"), { recursive: true });
    writeFileSync(join(dir, "certs/node1/node1.key"), "old");
    writeFileSync(join(dir, "certs/node1/notes.txt"), "mine");
    const stage = await openBundleStage(
      FILES.map((f) => f.path),
      { out: "certs", cwd: dir, force: true },
    );
    await stage.write(FILES);
    expect(readFileSync(join(dir, "certs/node1/node1.key"), "utf8")).toBe("old"); // staged, not yet published
    await stage.publish();
    expect(readFileSync(join(dir, "certs/node1/node1.key"), "utf8")).toBe("key1");
    expect(readFileSync(join(dir, "certs/node1/notes.txt"), "utf8")).toBe("mine");
    expect(stages(join(dir, "certs"))).toEqual([]);
  });

  it("finds a directory where a key must go before any work, even with --force, and says nothing changed", async () => {
    const dir = fresh();
    await writeBundle(FILES, { out: "certs", cwd: dir, force: false, at });
    rmSync(join(dir, "certs/node2/node2.key"));
    mkdirSync(join(dir, "certs/node2/node2.key"));
    const before = readFileSync(join(dir, "certs/node1/node1.key"), "utf8");
    await expect(openBundleStage(FILES.map((f) => f.path), { out: "certs", cwd: dir, force: true })).rejects.toMatchObject({
      code: "OUTPUT_CONFLICT",
      message: expect.stringMatching(/node2\/node2\.key is a directory where a file must go; nothing was generated or changed/),
    });
    expect(readFileSync(join(dir, "certs/node1/node1.key"), "utf8")).toBe(before);
    expect(stages(join(dir, "certs"))).toEqual([]);
  });

  it("discard removes the stage and everything in it", async () => {
    const dir = fresh();
    const stage = await openStage({ target: join(dir, "ca.p12"), kind: "file", force: false, shown: "ca.p12" });
    await stage.writeFile(text("p12"), 0o600);
    expect(stages(dir)).toHaveLength(1);
    await stage.discard();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("file names near the limit (255 bytes per name)", () => {
  const name = "n".repeat(251);
  it.each([
    ["a directory", "out", ["--pem"]],
    ["a directory of .p12", "out", []],
    ["a .zip", "out.zip", ["--pem"]],
  ])("a 251-character filename is written into %s", async (_what, out, extra) => {
    const dir = fresh();
    writeFileSync(join(dir, "i.yml"), `instances:\n  - name: n1\n    filename: ${name}\n`);
    const r = await runCli(["cert", "--in", "i.yml", "--self-signed", "--key", "ec:p256", "--out", out, "--pass", "", ...extra], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    if (!out.endsWith(".zip")) expect(readdirSync(join(dir, out, name)).length).toBeGreaterThan(0);
  });

  it("a name the file system refuses (ENAMETOOLONG) is found before the key is generated, leaving nothing", async () => {
    const dir = fresh();
    const r = await runCli(["ca", "--key", "ec:p256", "--out", `${"c".repeat(300)}.p12`, "--pass", ""], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("a file name is too long for this file system");
    expect(r.stderr).toContain("nothing was generated");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a 252-character filename is refused by validation, before any key", async () => {
    const dir = fresh();
    writeFileSync(join(dir, "i.yml"), `instances:\n  - name: n1\n    filename: ${"n".repeat(252)}\n`);
    const r = await runCli(["cert", "--in", "i.yml", "--self-signed", "--pem", "--key", "ec:p256", "--out", "out"], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("at most 251");
    expect(readdirSync(dir)).toEqual(["i.yml"]);
  });
});
