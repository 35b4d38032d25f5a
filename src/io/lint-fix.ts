import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { OthernameError } from "../errors.js";
import { writeFileAtomic } from "./atomic-write.js";
import { readInputFile } from "./read-input.js";

/**
 * The file access of `othername lint`: writing a fixed file in place (atomically, keeping its
 * permissions) and listing the files of a `--certs` directory.
 */

/** Replaces `path` with `text` atomically (temp file + rename), keeping the file's mode. */
export async function writeFixedFile(path: string, cwd: string, text: string): Promise<void> {
  const full = resolve(cwd, path);
  let mode = 0o644;
  try {
    mode = (await stat(full)).mode & 0o7777;
  } catch {
    // The file was just read; if it vanished meanwhile, write it with the usual mode.
  }
  try {
    await writeFileAtomic(full, new TextEncoder().encode(text), { mode, overwrite: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new OthernameError("FILE_UNWRITABLE", `cannot write fixed file ${path}: ${code}`, {
      hint: "Check that the directory is writable; the original file is unchanged.",
      cause: error,
    });
  }
}

/** A directory of certificates is read one level deep; more entries than this is not one. */
const MAX_CERTIFICATE_FILES = 10_000;

export interface DirectoryFile {
  /** The path as shown to the user (DIR/name). */
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** Every regular file in `dir` (not recursing), sorted by name; hidden files are skipped. */
export async function readDirectoryFiles(dir: string, cwd: string, flag: string): Promise<DirectoryFile[]> {
  const full = resolve(cwd, dir);
  let names;
  try {
    names = await readdir(full, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new OthernameError("DIRECTORY_UNREADABLE", `cannot read directory ${dir} (${flag}): ${code === "ENOENT" ? "no such directory" : code === "ENOTDIR" ? "not a directory" : code || String(error)}`, {
      hint: `Give ${flag} a directory of PEM, DER or PKCS#12 certificate files.`,
      cause: error,
    });
  }
  const files = names.filter((e) => e.isFile() && !e.name.startsWith(".")).map((e) => e.name).sort();
  if (files.length > MAX_CERTIFICATE_FILES) {
    throw new OthernameError("DIRECTORY_TOO_LARGE", `cannot read directory ${dir} (${flag}): ${files.length} files is more than ${MAX_CERTIFICATE_FILES}`, {
      hint: "Point it at a smaller directory.",
    });
  }
  const out: DirectoryFile[] = [];
  for (const name of files) {
    const shown = join(dir, name);
    out.push({ path: shown, bytes: await readInputFile(join(full, name), cwd, `${flag} file`) });
  }
  return out;
}
