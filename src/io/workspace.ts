import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { OthernameError } from "../errors.js";
import { readBundledText } from "./bundled-files.js";

/**
 * A directory for a run's outputs that holds nothing yet: a new temporary one by default, or the
 * user's `--out`, which may exist only when empty (quickstart never writes over existing files).
 * The `--out` directory is not created here: the staged write (src/io/bundle.ts) creates it with
 * the files in one rename, so a run that fails or is interrupted before then leaves nothing.
 */
export async function freshDirectory(out: string | undefined, cwd: string, prefix: string): Promise<string> {
  if (out === undefined) return mkdtemp(join(tmpdir(), prefix));
  const full = resolve(cwd, out);
  const entries = await readdir(full).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw new OthernameError("OUTPUT_UNUSABLE", `cannot use --out ${out}: ${error.code ?? String(error)}`, { hint: "Give a new or empty directory.", cause: error });
  });
  if (entries && entries.length > 0) {
    throw new OthernameError("OUTPUT_EXISTS", `refusing to write into --out ${out}: the directory is not empty`, {
      hint: "Give a new or empty directory, or leave out --out to use a fresh temporary one.",
    });
  }
  return full;
}

/** A file shipped with the package (examples/…): beside dist/, or embedded in the single executable. */
export async function readBundledFile(relative: string): Promise<string> {
  return readBundledText(relative);
}

/** Removes a temporary directory made by freshDirectory (quickstart without --keep). */
export async function removeTemporaryDirectory(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
