import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temporary working directory, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `othername-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openssl(args: readonly string[], options: { cwd?: string; input?: string } = {}): { code: number; stdout: string; stderr: string } {
  const result = spawnSync("openssl", args, { cwd: options.cwd, input: options.input, encoding: "utf8" });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function keytool(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync("keytool", args, { encoding: "utf8" });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export function hasCommand(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export const INSTANCES = [
  "cluster: abc123",
  "scope: s1.account",
  "instances:",
  "  - name: node1",
  "    ip: [127.0.0.1, '::1']",
  "    dns: [localhost, node1.example.internal]",
  "  - name: node2",
  "    dns: localhost",
  "    ip: 127.0.0.1",
  "",
].join("\n");
