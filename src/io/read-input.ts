import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { OthernameError } from "../errors.js";

/** Inputs larger than this are refused before reading: no certificate, key or keystore is that big. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a directory",
};

/** Reads a user-named input file (relative to `cwd`), with the file name in every error. */
export async function readInputFile(path: string, cwd: string, what = "file"): Promise<Uint8Array> {
  const full = resolve(cwd, path);
  try {
    const info = await stat(full);
    if (info.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
    if (info.size > MAX_INPUT_BYTES) {
      throw new OthernameError("FILE_TOO_LARGE", `cannot read ${what} ${path}: ${info.size} bytes is more than the ${MAX_INPUT_BYTES} accepted`, {
        hint: "Check that you passed the right file.",
      });
    }
    return new Uint8Array(await readFile(full));
  } catch (error) {
    if (error instanceof OthernameError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new OthernameError("FILE_UNREADABLE", `cannot read ${what} ${path}: ${REASONS[code] ?? code ?? String(error)}`, {
      hint: code === "ENOENT" ? "Check the path; relative paths are taken from the current directory." : "Check the path and its permissions.",
      cause: error,
    });
  }
}
