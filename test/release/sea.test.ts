import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The single executable (`npm run sea`) is the whole CLI: copied alone into an empty directory,
 * with no node_modules and no node on the PATH, it gives the same output as `node bin/othername.js`
 * for the commands an operator runs first. The binary is built here from the dist/ that `npm test`
 * has just built (one esbuild bundle, one blob, one injection into a copy of this node binary).
 */
const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "../..");
const binaryName = `othername-${process.platform}-${process.arch}`;
const fixtures = join(repo, "fixtures", "pkcs12");

let work: string;
let seaDir: string;
let nodeDir: string;
let binary: string;

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function exec(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Result> {
  try {
    const { stdout, stderr } = await run(file, [...args], { cwd, env, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw error;
    return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** The binary alone: an environment with no PATH entries that exist, so no node can be found. */
const bare = (): NodeJS.ProcessEnv => ({ PATH: join(work, "no-such-dir"), HOME: work, LANG: "C.UTF-8" });
const sea = (args: readonly string[]) => exec(binary, args, seaDir, bare());
const viaNode = (args: readonly string[]) =>
  exec(process.execPath, [join(repo, "bin", "othername.js"), ...args], nodeDir, { ...bare(), PATH: process.env["PATH"] ?? "" });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "othername-sea-"));
  seaDir = join(work, "sea");
  nodeDir = join(work, "node");
  mkdirSync(seaDir);
  mkdirSync(nodeDir);
  await run(process.execPath, [join(repo, "scripts", "build-sea.mjs")], { cwd: repo, maxBuffer: 16 << 20 });
  binary = join(seaDir, binaryName);
  copyFileSync(join(repo, "build", binaryName), binary);
  for (const dir of [seaDir, nodeDir]) writeFileSync(join(dir, "p12.pass"), "changeit\n");
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the single executable", () => {
  it("sits alone in its directory and finds no node on the PATH", async () => {
    expect(statSync(binary).mode & 0o111).not.toBe(0);
    expect(existsSync(join(seaDir, "node_modules"))).toBe(false);
    const which = await exec("/bin/sh", ["-c", "command -v node || echo none"], seaDir, bare());
    expect(which.stdout.trim()).toBe("none");
  });

  it("prints the same --version, and --version --verbose names the embedded Node.js", async () => {
    const [ours, theirs] = [await sea(["--version"]), await viaNode(["--version"])];
    expect(ours).toEqual(theirs);
    const verbose = await sea(["--version", "--verbose"]);
    expect(verbose.code).toBe(0);
    expect(verbose.stdout).toContain(`othername ${theirs.stdout.trim()}`);
    expect(verbose.stdout).toContain(`single executable, embedded Node.js ${process.version}`);
    expect((await viaNode(["--version", "--verbose"])).stdout).not.toContain("single executable");
  });

  it("runs quickstart, then check and lint on its files, exactly as the node launcher does", async () => {
    const quickstart = ["quickstart", "--out", "qs"];
    const ours = await sea(quickstart);
    expect(ours.code, ours.stderr).toBe(0);
    expect(ours).toEqual(await viaNode(quickstart));
    expect(ours.stdout).toMatch(/es-us-1 .* no /);

    const check = ["check", "qs/certs/es-us-1/es-us-1.crt", "--ca", "qs/ca/ca.crt", "--restrictions", "qs/trust_restrictions.yml", "--at", "2027-01-01T00:00:00Z"];
    const checked = await sea(check);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain("REJECTED");
    // Different keys, same names and CA subject: the verdict and its explanation read the same.
    expect(checked).toEqual(await viaNode(check));

    const lint = ["lint", "qs/trust_restrictions.yml", "--format", "json"];
    const linted = await sea(lint);
    expect(linted.code).toBe(0);
    expect(linted).toEqual(await viaNode(lint));
  });

  it("inspects a PKCS#12 file (PBES2 and the legacy RC2/3DES one) like the node launcher", async () => {
    for (const file of ["keytool-imported.p12", "openssl-legacy.p12"]) {
      const args = ["inspect", join(fixtures, file), "--pass-file", "p12.pass"];
      const ours = await sea(args);
      expect(ours.code, ours.stderr).toBe(0);
      expect(ours).toEqual(await viaNode(args));
      expect(ours.stdout).toContain("CN=node1");
    }
  });

  it("starts itself again for a larger thread pool (cert --jobs 8) and passes the exit code on", async () => {
    writeFileSync(join(seaDir, "instances.yml"), "instances:\n  - name: a\n    cn: a.node.c.cluster.s\n  - name: b\n");
    const made = await sea(["cert", "--in", "instances.yml", "--self-signed", "--pem", "--key", "ec:p256", "--jobs", "8", "--out", "out"]);
    expect(made.code, made.stderr).toBe(0);
    expect(existsSync(join(seaDir, "out", "a", "a.key"))).toBe(true);
    const refused = await sea(["cert", "--in", "missing.yml", "--self-signed", "--jobs", "8", "--out", "out2"]);
    expect(refused.code).toBe(3);
  });
});
