import { lstat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { zipSync, type Zippable } from "fflate";
import { OthernameError } from "../errors.js";
import { openStage, type OutputStage } from "./output-stage.js";

/**
 * Writes a certificate bundle — a directory or a `.zip`, chosen by the output name like certutil
 * does — all or nothing, through one output stage (src/io/output-stage.ts): everything is written
 * into a hidden staging directory, then published; a failure or an interruption leaves nothing.
 */
export interface BundleFile {
  /** Bundle-relative, `/`-separated, e.g. `node1/node1.key`. */
  readonly path: string;
  readonly bytes: Uint8Array;
  /** Unix permissions: 0o600 for anything holding a private key. */
  readonly mode: number;
}

export interface BundleOptions {
  /** The `--out` argument as given (for messages), resolved against `cwd`. */
  readonly out: string;
  readonly cwd: string;
  /** Replace existing files (`--force`). */
  readonly force: boolean;
  /** Modification time recorded in zip entries. */
  readonly at: Date;
}

export interface BundleResult {
  readonly kind: "zip" | "directory";
  /** Absolute path of the zip file or directory. */
  readonly location: string;
  /** Absolute paths of every file written (the zip itself for a zip bundle). */
  readonly written: readonly string[];
}

/** Key files and keystores: owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;
export const PUBLIC_FILE_MODE = 0o644;

export function isZipOutput(out: string): boolean {
  return out.toLowerCase().endsWith(".zip");
}

/**
 * Refuses, before any work is done, to touch existing outputs without `--force`: lists every
 * file that already exists. (The stage's checks do the same and more; publishing re-checks atomically.)
 */
export async function assertOutputsFree(paths: readonly string[], options: Pick<BundleOptions, "out" | "cwd" | "force">): Promise<void> {
  if (options.force) return;
  const root = resolve(options.cwd, options.out);
  const candidates = isZipOutput(options.out) ? [root] : paths.map((p) => join(root, ...p.split("/")));
  const existing: string[] = [];
  for (const candidate of candidates) {
    if (await exists(candidate)) existing.push(candidate);
  }
  if (existing.length > 0) {
    const shown = existing.slice(0, 5).join(", ") + (existing.length > 5 ? ` and ${existing.length - 5} more` : "");
    throw new OthernameError("OUTPUT_EXISTS", `refusing to overwrite ${options.out}: ${shown} already exist${existing.length === 1 ? "s" : ""}`, {
      hint: "Choose another --out, remove the old files, or pass --force to replace them.",
    });
  }
}

/**
 * Opens the stage of a bundle (src/io/output-stage.ts) before any work: a `.zip` is one staged
 * file, a directory a staged tree holding `paths`. Checks existing outputs, conflicts, names and
 * permissions now; give the stage to `writeBundle` once the files exist.
 */
export async function openBundleStage(paths: readonly string[], options: Pick<BundleOptions, "out" | "cwd" | "force">): Promise<OutputStage> {
  const target = resolve(options.cwd, options.out);
  return isZipOutput(options.out)
    ? openStage({ target, kind: "file", force: options.force, shown: options.out })
    : openStage({ target, kind: "directory", files: paths, force: options.force, shown: options.out });
}

/**
 * Writes and publishes the bundle: into `stage` when given (opened by `openBundleStage` with the
 * same paths and options), else into a stage opened here. The stage is gone afterwards either way.
 */
export async function writeBundle(files: readonly BundleFile[], options: BundleOptions, given?: OutputStage): Promise<BundleResult> {
  const stage =
    given ??
    (await openBundleStage(
      files.map((f) => f.path),
      options,
    ));
  try {
    if (isZipOutput(options.out)) {
      await stage.writeFile(zipBundle(files, options.at), PRIVATE_FILE_MODE);
      await stage.publish();
      return { kind: "zip", location: stage.target, written: [stage.target] };
    }
    await stage.write(files);
    await stage.publish();
    return { kind: "directory", location: stage.target, written: files.map((f) => join(stage.target, ...f.path.split("/"))) };
  } finally {
    await stage.discard();
  }
}

/** fflate entries with Unix modes (external attributes, "made by" Unix) so unzip restores 0600. */
function zipBundle(files: readonly BundleFile[], at: Date): Uint8Array {
  const tree: Zippable = {};
  for (const file of files) {
    tree[file.path] = [file.bytes, { attrs: (0o100000 | file.mode) << 16, os: 3, mtime: at, level: 6 }];
  }
  return zipSync(tree);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    throw error;
  }
}
