import { resolve } from "node:path";
import { OthernameError } from "../errors.js";
import { writeFileAtomic } from "./atomic-write.js";

/**
 * Writes a report file (`--html FILE`) whole or not at all, mode 0644 (a report holds no
 * secret), never over an existing file unless `force`.
 */
export async function writeReportFile(path: string, text: string, options: { readonly cwd: string; readonly force: boolean; readonly flag: string }): Promise<string> {
  const full = resolve(options.cwd, path);
  try {
    await writeFileAtomic(full, new TextEncoder().encode(text), { mode: 0o644, overwrite: options.force });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if (code === "EEXIST") {
      throw new OthernameError("OUTPUT_EXISTS", `refusing to overwrite ${path} (${options.flag}): the file exists`, {
        hint: "Choose another file name, remove the file, or pass --force to replace it.",
      });
    }
    throw new OthernameError("OUTPUT_UNWRITABLE", `cannot write ${path} (${options.flag}): ${code}`, {
      hint: "Check that the directory exists and that you can write to it.",
      cause: error,
    });
  }
  return full;
}
