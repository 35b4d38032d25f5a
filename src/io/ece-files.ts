import { mkdir, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { OthernameError } from "../errors.js";
import { commitFile, discardStaged, stageFile, type StagedFile } from "./atomic-write.js";
import { readInputFile } from "./read-input.js";

/**
 * File access for `othername ece`: reading the CA files named by flags, and writing the files of
 * `ece ca` whole or not at all, on top of the shared src/io helpers.
 */

/** Reads a file named by `flag` (relative to `cwd`), naming both in every error. */
export async function readFlagFile(path: string, flag: string, cwd: string): Promise<Uint8Array> {
  return readInputFile(path, cwd, `${flag} file`);
}

export interface OutputFile {
  /** Name inside the output directory. */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly mode: number;
}

/**
 * Writes `files` into `dir` (created when missing). Without `force` an existing file is never
 * replaced: all targets are checked first, and commitFile refuses to replace one even in a race.
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
  // Stage every file first (temp file beside the target, flushed), then give each its name:
  // a failure part-way leaves no half-written file behind.
  const staged: StagedFile[] = [];
  try {
    for (const [i, file] of files.entries()) staged.push(await stageFile(targets[i] as string, file.bytes, file.mode));
    for (const [i, item] of staged.entries()) {
      try {
        await commitFile(item, { overwrite: options.force });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new OthernameError("OUTPUT_UNWRITABLE", `cannot write ${join(dir, (files[i] as OutputFile).name)} (${options.flag}): ${code === "EEXIST" ? "the file appeared meanwhile" : code}`, {
          hint: code === "EEXIST" ? "Run again, or pass --force to replace it." : "Check the directory's permissions and free space.",
          cause: error,
        });
      }
    }
  } catch (error) {
    if (error instanceof OthernameError) throw error;
    throw new OthernameError("OUTPUT_UNWRITABLE", `cannot write into ${dir} (${options.flag}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: "Check the directory's permissions and free space.",
      cause: error,
    });
  } finally {
    for (const item of staged) await discardStaged(item);
  }
  return files.map((file) => join(dir, file.name));
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
