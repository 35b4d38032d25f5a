import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { OthernameError } from "../errors.js";

/**
 * Finds an output that cannot be written before any key is generated (and on --dry-run): the
 * nearest existing ancestor of `out` must be a directory we may write into, and `out` itself,
 * when it exists, must be of the kind the command writes (a directory, or a file for .zip/.p12).
 * A later failure is still possible (a full disk); this catches the mistakes of the command line.
 */
export async function assertOutputWritable(out: string, options: { readonly cwd: string; readonly flag: string; readonly kind: "directory" | "file" }): Promise<void> {
  const target = resolve(options.cwd, out);
  const existing = await stat(target).catch(() => undefined);
  if (existing) {
    if (options.kind === "file" && existing.isDirectory()) throw unusable(out, options.flag, "it is a directory", "Name a file, or a directory without the file extension.");
    if (options.kind === "directory" && !existing.isDirectory()) throw unusable(out, options.flag, "it is a file, not a directory", "Name a directory, or a file ending in .zip.");
    if (options.kind === "directory") return checkWritable(target, out, options.flag);
  }
  let parent = dirname(target);
  for (;;) {
    const info = await stat(parent).catch(() => undefined);
    if (info) {
      if (!info.isDirectory()) throw unusable(out, options.flag, `${parent} is a file, not a directory`, "Choose an --out whose parent is a directory.");
      return checkWritable(parent, out, options.flag);
    }
    const up = dirname(parent);
    if (up === parent) return;
    parent = up;
  }
}

async function checkWritable(dir: string, out: string, flag: string): Promise<void> {
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw unusable(out, flag, `permission denied in ${dir}`, "Choose an --out in a directory you can write to.");
  }
}

function unusable(out: string, flag: string, reason: string, hint: string): OthernameError {
  return new OthernameError("OUTPUT_UNWRITABLE", `cannot write ${out} (${flag}): ${reason}`, { kind: "input", hint });
}
