import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const fixturesDir = fileURLToPath(new URL("../../fixtures/keys/", import.meta.url));
export const FIXTURE_PASSWORD = "fixture-pass";

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixturesDir, name)));
}

/** Runs the real openssl; returns stdout as a Buffer, throws with stderr on failure. */
export function openssl(args: readonly string[], options: { readonly input?: Uint8Array | string } = {}): Buffer {
  try {
    return execFileSync("openssl", args, { input: options.input, stdio: ["pipe", "pipe", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`openssl ${args.join(" ")} failed: ${stderr}`);
  }
}

/** A temp directory removed by the returned cleanup function. */
export function tempDir(): { readonly dir: string; write(name: string, data: Uint8Array | string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "othername-keys-"));
  return {
    dir,
    write(name, data) {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Calls `read`, returning the thrown error (fails the test if nothing is thrown). */
export function thrown(read: () => unknown): unknown {
  try {
    read();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, none was thrown");
}
