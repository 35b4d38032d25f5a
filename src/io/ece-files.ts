import { randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { OthernameError } from "../errors.js";

/**
 * File access for `othername ece`: reading the CA files named by flags, and writing the files of
 * `ece ca` whole or not at all. (Kept small and private to the ECE commands; the shared
 * src/io helpers for these were not committed yet when this was written.)
 */

/** PEM inputs are small; anything bigger is the wrong file. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Reads a file named by `flag` (relative to `cwd`), naming both in every error. */
export async function readFlagFile(path: string, flag: string, cwd: string): Promise<Uint8Array> {
  const full = resolve(cwd, path);
  try {
    const info = await stat(full);
    if (info.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (info.size > MAX_FILE_BYTES) {
      throw new OthernameError("FILE_TOO_LARGE", `cannot read ${path} (${flag}): ${info.size} bytes is too large for a certificate file`, { hint: "Check that you passed the right file." });
    }
    return new Uint8Array(await readFile(full));
  } catch (error) {
    if (error instanceof OthernameError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const reason = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a directory" : code || String(error);
    throw new OthernameError("FILE_UNREADABLE", `cannot read ${path} (${flag}): ${reason}`, {
      hint: "Check the path; relative paths start from the current directory.",
      cause: error,
    });
  }
}

export interface OutputFile {
  /** Name inside the output directory. */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly mode: number;
}

/**
 * Writes `files` into `dir` (created when missing). Without `force` an existing file is never
 * replaced: all targets are checked first, and each file takes its name with `link`, which fails
 * instead of overwriting even in a race. Each file is written to a temporary name, flushed, then
 * renamed or linked, so no reader sees half a file.
 */
export async function writeNewFiles(dir: string, files: readonly OutputFile[], options: { readonly cwd: string; readonly force: boolean; readonly flag: string }): Promise<string[]> {
  const root = resolve(options.cwd, dir);
  try {
    await mkdir(root, { recursive: true });
  } catch (error) {
    throw new OthernameError("OUTPUT_UNWRITABLE", `cannot create directory ${dir} (${options.flag}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: "Choose a directory you can write to.",
      cause: error,
    });
  }
  const targets = files.map((file) => join(root, file.name));
  if (!options.force) {
    for (const target of targets) {
      if (await exists(target)) {
        throw new OthernameError("OUTPUT_EXISTS", `refusing to overwrite ${join(dir, basename(target))} (${options.flag}): the file exists`, {
          hint: "Choose another directory, remove the file, or pass --force to replace it.",
        });
      }
    }
  }
  const written: string[] = [];
  for (const [i, file] of files.entries()) {
    const target = targets[i] as string;
    const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      const handle = await open(temp, "wx", file.mode);
      try {
        await handle.writeFile(file.bytes);
        await handle.chmod(file.mode);
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (options.force) await rename(temp, target);
      else await link(temp, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new OthernameError("OUTPUT_UNWRITABLE", `cannot write ${join(dir, file.name)} (${options.flag}): ${code === "EEXIST" ? "the file appeared meanwhile" : code}`, {
        hint: code === "EEXIST" ? "Run again, or pass --force to replace it." : "Check the directory's permissions and free space.",
        cause: error,
      });
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    written.push(join(dir, file.name));
  }
  return written;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
