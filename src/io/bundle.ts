import { lstat, mkdir, rmdir, unlink } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { zipSync, type Zippable } from "fflate";
import { OthernameError } from "../errors.js";
import { commitFile, discardStaged, stageFile, writeFileAtomic, type StagedFile } from "./atomic-write.js";

/**
 * Writes a certificate bundle — a directory or a `.zip`, chosen by the output name like certutil
 * does — all or nothing: everything is staged first, then committed; any failure removes what
 * this run created, so no partial bundle is left behind.
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
const DIRECTORY_MODE = 0o755;

export function isZipOutput(out: string): boolean {
  return out.toLowerCase().endsWith(".zip");
}

/**
 * Refuses, before any work is done, to touch existing outputs without `--force`: lists every
 * file that already exists. (The final commit re-checks atomically.)
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

export async function writeBundle(files: readonly BundleFile[], options: BundleOptions): Promise<BundleResult> {
  for (const file of files) checkRelative(file.path);
  await assertOutputsFree(
    files.map((f) => f.path),
    options,
  );
  const root = resolve(options.cwd, options.out);
  try {
    if (isZipOutput(options.out)) {
      await mkdir(dirname(root), { recursive: true });
      await writeFileAtomic(root, zipBundle(files, options.at), { mode: PRIVATE_FILE_MODE, overwrite: options.force });
      return { kind: "zip", location: root, written: [root] };
    }
    const written = await writeDirectory(root, files, options.force);
    return { kind: "directory", location: root, written };
  } catch (error) {
    throw asWriteError(error, options.out);
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

async function writeDirectory(root: string, files: readonly BundleFile[], force: boolean): Promise<string[]> {
  const createdDirectories: string[] = [];
  const staged: StagedFile[] = [];
  const committed: string[] = [];
  try {
    const targets = files.map((file) => join(root, ...file.path.split("/")));
    for (const directory of new Set(targets.map((t) => dirname(t)))) await makeDirectories(directory, createdDirectories);
    // Many small files: keep several in flight on the libuv pool instead of one at a time.
    await inBatches(files, async (file, index) => {
      staged[index] = await stageFile(targets[index]!, file.bytes, file.mode);
    });
    await inBatches(staged, async (item) => {
      await commitFile(item, { overwrite: force });
      committed.push(item.target);
    });
    return targets;
  } catch (error) {
    // Roll back: temporaries, files this run created (never pre-existing ones), then new directories.
    await Promise.all(staged.filter(Boolean).map(discardStaged));
    if (!force) await Promise.all(committed.map((path) => unlink(path).catch(() => undefined)));
    for (const directory of createdDirectories.reverse()) await rmdir(directory).catch(() => undefined);
    throw error;
  }
}

const WRITES_IN_FLIGHT = 32;

/** Runs `task` over `items` with at most WRITES_IN_FLIGHT at once; waits for all started tasks before rethrowing. */
async function inBatches<T>(items: readonly T[], task: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += WRITES_IN_FLIGHT) {
    const results = await Promise.allSettled(items.slice(start, start + WRITES_IN_FLIGHT).map((item, k) => task(item, start + k)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }
}

/** mkdir -p that records each directory it creates, for rollback. */
async function makeDirectories(directory: string, created: string[]): Promise<void> {
  const missing: string[] = [];
  let current = directory;
  while (!(await exists(current))) {
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const path of missing) {
    await mkdir(path, { mode: DIRECTORY_MODE });
    created.push(path);
  }
}

function checkRelative(path: string): void {
  const parts = path.split("/");
  if (isAbsolute(path) || path.includes("\\") || path.includes(sep + sep) || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new OthernameError("BUNDLE_PATH_INVALID", `cannot write bundle entry ${path}: not a plain relative path`, { kind: "internal" });
  }
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

function asWriteError(error: unknown, out: string): OthernameError {
  if (error instanceof OthernameError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const path = (error as NodeJS.ErrnoException).path ?? out;
  const reasons: Record<string, string> = {
    EEXIST: "a file appeared there while writing",
    EACCES: "permission denied",
    EPERM: "permission denied",
    ENOTDIR: "a path component is a file, not a directory",
    ENOSPC: "no space left on the device",
    EROFS: "the file system is read-only",
  };
  return new OthernameError("OUTPUT_WRITE_FAILED", `cannot write ${out}: ${reasons[code] ?? (code || String(error))} (${path}); nothing was left behind`, {
    hint: code === "EEXIST" ? "Run again, or pass --force to replace existing files." : "Check the --out path and its permissions.",
    cause: error,
  });
}
