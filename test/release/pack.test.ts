import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * What `npm pack` ships, and that it works where a user installs it: the tarball goes into an empty
 * project, the README's library example runs there through `import … from "othername"`, and
 * `npx othername --version` answers. dist/ is the one `npm test` has just built, so the pack runs
 * with --ignore-scripts (its prepack would only build the same thing again).
 */
const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
  name: string;
  version: string;
  scripts: Record<string, string>;
};

let work: string;
let files: string[];
let tarball: string;
let project: string;
let installOutput: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "othername-pack-"));
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: repo, maxBuffer: 16 << 20 });
  const [report] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  files = report.files.map((file) => file.path).sort();
  tarball = join(work, report.filename);

  project = join(work, "consumer");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const installed = await run("npm", ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline"], { cwd: project, maxBuffer: 16 << 20 });
  installOutput = `${installed.stdout}\n${installed.stderr}`;
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the npm package", () => {
  it("holds the built library and CLI, the example, the man page, README and LICENSE, and nothing else", () => {
    const outside = files.filter((file) => !file.startsWith("dist/"));
    expect(outside).toEqual(["LICENSE", "README.md", "bin/othername.js", "examples/instances.yaml", "man/othername.1", "package.json"]);
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/index.d.ts");
    expect(files).toContain("dist/cli/main.js");
    // No sources, tests, source maps or the single-executable entry (it lives in the binary).
    expect(files.filter((file) => /\.map$|^src\/|^test\/|sea-main/.test(file))).toEqual([]);
    // Every module of dist/ that a shipped module imports is shipped too (checked on the install below).
  });

  it("runs no script when installed, and npm installs it without warnings", () => {
    for (const hook of ["preinstall", "install", "postinstall", "prepare"]) expect(pkg.scripts[hook], hook).toBeUndefined();
    expect(installOutput).not.toMatch(/npm warn/i);
    const installed = readdirSync(join(project, "node_modules", "othername")).sort();
    expect(installed).toEqual(["LICENSE", "README.md", "bin", "dist", "examples", "man", "package.json"]);
  });

  it("runs the README's library example through import from \"othername\"", async () => {
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    const example = /## Library[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, "README has a ## Library section with a ts example").toBeDefined();
    const expected = example!.split("\n").filter((line) => line.startsWith("// ")).map((line) => line.slice(3));
    expect(expected.length).toBeGreaterThan(0);

    // The guide's files (a CA, node certificates, a trust file trusting prod-eu), made by the
    // installed CLI itself.
    await run("npx", ["--no-install", "othername", "quickstart", "--out", "guide"], { cwd: project });
    const file = join(project, "guide", "example.mts");
    writeFileSync(file, example!);
    const { stdout } = await run(join(repo, "node_modules", ".bin", "tsx"), [file], { cwd: join(project, "guide") });
    expect(stdout.trim().split("\n")).toEqual(expected);
  });

  it("answers npx othername --version with the package's version", async () => {
    const { stdout } = await run("npx", ["--no-install", "othername", "--version"], { cwd: project });
    expect(stdout.trim()).toBe(pkg.version);
  });
});
