import { mkdtempSync, renameSync, rmSync } from "node:fs";
import { link, lstat, mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import { OthernameError } from "../errors.js";
import { onInterrupt, uninterruptible } from "./interrupt.js";

/**
 * Staged output: every output of a run (a bundle directory, a .zip, a single .p12) is first
 * written whole into ONE hidden staging directory beside it, and only then published, so an
 * interrupted or failing run leaves nothing behind — no half bundle, no stray key file.
 *
 * Usage (cert, csr, ca, quickstart; also the shape for single-file outputs such as `--out NAME.p12`):
 * ```ts
 * const stage = await openStage({ target, kind: "directory", files: ["node1/node1.p12"], force, shown: args.out });
 * // before any key is generated: existing outputs (without --force), kind conflicts (a directory
 * // where a file goes), an unwritable or missing parent and names too long for the file system
 * // are all errors here, and the stage exists (mode 0700) — so check first, then generate.
 * try {
 *   await stage.write(files);            // or stage.writeFile(bytes, mode) for kind "file"
 *   const written = await stage.publish();
 * } finally {
 *   await stage.discard();               // no-op after publish; removes the stage otherwise
 * }
 * ```
 * Where the stage lives: in the nearest existing ancestor A of the target (the target itself
 * when it is an existing directory), named `.othername-stage-<pid>-<random>`, mirroring the
 * part of the target's path below A. Publishing moves that mirrored tree into A: a top entry
 * that does not exist yet takes its place with ONE rename (a new `--out DIR` is one rename of the
 * whole directory); an existing directory is merged entry by entry; an existing file is replaced
 * by rename only with `force`, and without `force` a new file takes its name by `link` and a new
 * directory by `mkdir` then `rename` over that empty reservation, both of which fail (EEXIST)
 * instead of replacing something that appeared after the checks. Publishing runs uninterruptible
 * (src/io/interrupt.ts): SIGINT/SIGTERM before it remove the stage; during it, wait for it.
 * A stage left by `kill -9` is found by the next run in the same place: removed when its process
 * is gone, named in `notes` when a process with that id still runs.
 */
export interface StageOptions {
  /** Absolute path of the output: the bundle directory, or the single file (.zip, .p12). */
  readonly target: string;
  readonly kind: "directory" | "file";
  /** Replace existing files, only at publish time (`--force`). */
  readonly force: boolean;
  /** For kind "directory": the `/`-separated paths that will be written, checked before any work. */
  readonly files?: readonly string[];
  /** The output as the user gave it (`--out`), for messages. */
  readonly shown: string;
}

export interface StageEntry {
  /** Output-relative, `/`-separated, e.g. `node1/node1.key`. */
  readonly path: string;
  readonly bytes: Uint8Array;
  /** Unix permissions: 0o600 for anything holding a private key. */
  readonly mode: number;
}

export interface OutputStage {
  /** The output's absolute path (what `publish` creates or fills). */
  readonly target: string;
  /** Things the user should know, e.g. a stale stage of an interrupted run that was removed. */
  readonly notes: readonly string[];
  /** Kind "directory": writes `entries` into the stage (flushed, with their modes). */
  write(entries: readonly StageEntry[]): Promise<void>;
  /** Kind "file": writes the one output file into the stage. */
  writeFile(bytes: Uint8Array, mode: number): Promise<void>;
  /** Moves the staged output into place; returns the absolute paths of the files published. */
  publish(): Promise<string[]>;
  /** Removes the stage and whatever it still holds (idempotent; after publish only empty leftovers). */
  discard(): Promise<void>;
}

/** The prefix of every staging directory; the pid after it tells a stale stage from a live one. */
export const STAGE_PREFIX = ".othername-stage-";
const STAGE_PATTERN = /^\.othername-stage-(\d+)-/;
const DIRECTORY_MODE = 0o755;
const WRITES_IN_FLIGHT = 32;

export async function openStage(options: StageOptions): Promise<OutputStage> {
  const { target, kind, force, shown } = options;
  if (!isAbsolute(target)) throw new OthernameError("STAGE_TARGET_RELATIVE", `cannot stage ${shown}: the target must be an absolute path`, { kind: "internal" });
  const files = kind === "directory" ? (options.files ?? []) : [basename(target)];
  for (const file of files) checkRelative(file);

  const anchor = await nearestDirectory(target, kind, shown);
  const targets = kind === "directory" ? files.map((f) => join(target, ...f.split("/"))) : [target];
  await checkTargets(targets, anchor, { force, shown });

  const notes = await removeStaleStages(anchor);
  let stage: string;
  try {
    // Synchronous, and the cleanup registered in the same turn: a signal handler runs between
    // turns of the event loop, so no SIGINT can find the stage on disk and its cleanup missing.
    stage = mkdtempSync(join(anchor, `${STAGE_PREFIX}${process.pid}-`));
  } catch (error) {
    throw writeError(error, shown, "cannot write into the output directory; nothing was generated");
  }
  let removed = false;
  let published = false;
  const unregister = onInterrupt(() => {
    if (removed) return undefined;
    removed = true;
    const failure = removeStageSync(stage);
    // A signal during publishing waits for it (uninterruptible), so the output is then whole.
    if (published) return `${shown} was already written in full`;
    if (failure !== undefined) return `nothing was written to ${shown}, but its unfinished output ${stage} could not be removed (${failure}): remove it (it may hold private keys), or run again, which removes it`;
    return `removed the unfinished output (nothing was written to ${shown})`;
  });
  const staged = (path: string) => join(stage, relative(anchor, path));
  const discard = async () => {
    unregister();
    if (removed) return;
    removed = true;
    await rm(stage, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
  };

  try {
    // The directories now, and the longest file name once: a name the file system refuses
    // (ENAMETOOLONG) or a directory we cannot create shows here, before any key is generated.
    const directories = new Set(targets.map((t) => dirname(staged(t))));
    if (kind === "directory") directories.add(staged(target));
    for (const directory of [...directories].sort()) await makeDirectoryUnder(stage, directory);
    const longest = targets.reduce<string | undefined>((a, t) => (a === undefined || basename(t).length > basename(a).length ? t : a), undefined);
    if (longest !== undefined) {
      await (await open(staged(longest), "wx", 0o600)).close();
      await unlink(staged(longest));
    }
  } catch (error) {
    await discard();
    throw writeError(error, shown, "nothing was generated");
  }

  const writeOne = async (path: string, bytes: Uint8Array, mode: number) => {
    const handle = await open(path, "wx", mode);
    try {
      await handle.writeFile(bytes);
      await handle.chmod(mode); // open() applies the umask; a key file's mode must not depend on it
      await handle.sync();
    } finally {
      await handle.close();
    }
  };

  return {
    target,
    notes,
    async write(entries) {
      if (kind !== "directory") throw new OthernameError("STAGE_KIND", `cannot write entries into ${shown}: it is a single-file output`, { kind: "internal" });
      for (const entry of entries) checkRelative(entry.path);
      try {
        for (let start = 0; start < entries.length; start += WRITES_IN_FLIGHT) {
          const batch = entries.slice(start, start + WRITES_IN_FLIGHT).map(async (entry) => {
            const path = staged(join(target, ...entry.path.split("/")));
            await makeDirectoryUnder(stage, dirname(path));
            await writeOne(path, entry.bytes, entry.mode);
          });
          const results = await Promise.allSettled(batch);
          const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
          if (failed) throw failed.reason;
        }
      } catch (error) {
        await discard();
        throw writeError(error, shown, "nothing was left behind");
      }
    },
    async writeFile(bytes, mode) {
      if (kind !== "file") throw new OthernameError("STAGE_KIND", `cannot write ${shown} as one file: it is a directory output`, { kind: "internal" });
      try {
        await writeOne(staged(target), bytes, mode);
      } catch (error) {
        await discard();
        throw writeError(error, shown, "nothing was left behind");
      }
    },
    async publish() {
      try {
        return await uninterruptible(async () => {
          const written = await publishStage(stage, anchor, { force, shown });
          published = true;
          return written;
        });
      } finally {
        await discard();
      }
    },
    discard,
  };
}

/**
 * Removes a stage from a signal handler, while file operations started before the signal may
 * still be running on libuv's threads (a mkdir or open into the stage). The stage is first
 * renamed, so no operation that resolves its path from now on can land in it; then removed,
 * again until nothing is left: rmSync's own retries do not read a directory again, so an entry
 * created meanwhile made it fail (ENOTEMPTY) and left the stage with its keys.
 * Returns undefined when the stage is gone, else the reason it could not be removed.
 */
function removeStageSync(stage: string): string | undefined {
  let path = stage;
  try {
    // Keeps the stage prefix and pid: a stage left after all is still found by the next run.
    renameSync(stage, `${stage}-removing`);
    path = `${stage}-removing`;
  } catch {
    // Already gone, or not renamable: remove it where it is.
  }
  let reason = "";
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      rmSync(path, { recursive: true, force: true });
      return undefined;
    } catch (error) {
      reason = (error as NodeJS.ErrnoException).code ?? String(error);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 * (attempt + 1)); // let in-flight operations end
    }
  }
  return reason;
}

/**
 * mkdir -p below `stage`, one level at a time and never re-creating `stage` itself: a recursive
 * mkdir still in flight when an interrupt removed the stage would bring it back.
 */
async function makeDirectoryUnder(stage: string, directory: string): Promise<void> {
  let path = stage;
  for (const part of relative(stage, directory).split(sep).filter(Boolean)) {
    path = join(path, part);
    await mkdir(path, { mode: DIRECTORY_MODE }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  }
}

/** The nearest existing directory at or above the target (the target itself for an existing output directory). */
async function nearestDirectory(target: string, kind: StageOptions["kind"], shown: string): Promise<string> {
  let current = kind === "directory" ? target : dirname(target);
  for (;;) {
    const info = await stat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw writeError(error, shown, "nothing was generated");
    });
    if (info?.isDirectory()) return current;
    if (info) {
      throw new OthernameError("OUTPUT_UNUSABLE", `cannot write ${shown}: ${current} is a file, not a directory; nothing was generated`, {
        hint: "Choose another --out, or move that file away.",
      });
    }
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

/**
 * Before any work: every target that exists is listed (an error without `force`), and a
 * directory where a file must go, or a file where a directory must go, is an error even with
 * `force` (replacing it would not be the output the user asked for).
 */
async function checkTargets(targets: readonly string[], anchor: string, options: { readonly force: boolean; readonly shown: string }): Promise<void> {
  const existing: string[] = [];
  const conflicts: string[] = [];
  const seen = new Map<string, "file" | "directory" | undefined>();
  const kindOf = async (path: string) => {
    if (!seen.has(path)) seen.set(path, await existingKind(path));
    return seen.get(path);
  };
  for (const target of targets) {
    // Components between the anchor and the file must be directories (or not exist yet).
    const parts = relative(anchor, dirname(target)).split(sep).filter(Boolean);
    let path = anchor;
    let blocked = false;
    for (const part of parts) {
      path = join(path, part);
      const found = await kindOf(path);
      if (found === undefined) break;
      if (found === "file") {
        conflicts.push(`${path} is a file where a directory must go`);
        blocked = true;
        break;
      }
    }
    if (blocked) continue;
    const found = await kindOf(target);
    if (found === "directory") conflicts.push(`${target} is a directory where a file must go`);
    else if (found === "file") existing.push(target);
  }
  if (conflicts.length > 0) {
    throw new OthernameError("OUTPUT_CONFLICT", `cannot write ${options.shown}: ${listed([...new Set(conflicts)])}; nothing was generated or changed`, {
      hint: "Move those paths away, or choose another --out (--force replaces files, never directories).",
    });
  }
  if (existing.length > 0 && !options.force) {
    throw new OthernameError("OUTPUT_EXISTS", `refusing to overwrite ${options.shown}: ${listed(existing)} already exist${existing.length === 1 ? "s" : ""}`, {
      hint: "Choose another --out, remove the old files, or pass --force to replace them.",
    });
  }
}

async function existingKind(path: string): Promise<"file" | "directory" | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (info) return info.isDirectory() ? "directory" : "file";
  // A dangling symbolic link still occupies the name.
  return (await lstat(path).catch(() => undefined)) ? "file" : undefined;
}

function listed(paths: readonly string[]): string {
  return paths.slice(0, 5).join(", ") + (paths.length > 5 ? ` and ${paths.length - 5} more` : "");
}

/** Stages of runs that died (kill -9, power loss) in `anchor`: removed when their process is gone, else named. */
async function removeStaleStages(anchor: string): Promise<string[]> {
  const notes: string[] = [];
  const names = await readdir(anchor).catch(() => [] as string[]);
  for (const name of names) {
    const match = STAGE_PATTERN.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    const path = join(anchor, name);
    if (pid !== process.pid && processIsGone(pid)) {
      await rm(path, { recursive: true, force: true }).catch(() => undefined);
      notes.push(`removed ${path}, the unfinished output of an interrupted run (process ${pid})`);
    } else if (pid !== process.pid) {
      notes.push(`${path} is the unfinished output of process ${pid}, which still runs; remove it once that run is over`);
    }
  }
  return notes;
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

type PublishStep = { readonly op: "new-directory" | "new-file" | "replace-file"; readonly from: string; readonly to: string };

/** Plans the merge of `stage` into `anchor` (no change yet), then carries it out; see the module comment. */
async function publishStage(stage: string, anchor: string, options: { readonly force: boolean; readonly shown: string }): Promise<string[]> {
  const steps: PublishStep[] = [];
  const conflicts: string[] = [];
  const published: string[] = [];
  const plan = async (from: string, to: string): Promise<void> => {
    for (const name of (await readdir(from)).sort()) {
      const source = join(from, name);
      const destination = join(to, name);
      const ours = (await lstat(source)).isDirectory() ? "directory" : "file";
      const theirs = await existingKind(destination);
      if (theirs === undefined) steps.push({ op: ours === "directory" ? "new-directory" : "new-file", from: source, to: destination });
      else if (ours === "directory" && theirs === "directory") await plan(source, destination);
      else if (ours === "file" && theirs === "file") {
        // Without force this file appeared after the checks: the new-file step's link refuses it (EEXIST).
        steps.push({ op: options.force ? "replace-file" : "new-file", from: source, to: destination });
      } else conflicts.push(`${destination} is a ${theirs} where a ${ours} must go`);
    }
  };
  const collect = async (root: string, under: string): Promise<void> => {
    for (const entry of await readdir(root, { withFileTypes: true })) {
      if (entry.isDirectory()) await collect(join(root, entry.name), join(under, entry.name));
      else published.push(join(under, entry.name));
    }
  };
  await plan(stage, anchor);
  if (conflicts.length > 0) {
    throw new OthernameError("OUTPUT_EXISTS", `cannot write ${options.shown}: ${listed(conflicts)}; nothing was written or changed`, {
      hint: "Run again, or pass --force to replace existing files.",
    });
  }
  const done: PublishStep[] = [];
  try {
    for (const step of steps) {
      if (step.op === "new-directory") {
        await collect(step.from, step.to);
        // Without force, reserve the name first: mkdir fails if anything took it since the checks,
        // and rename may then replace only our own empty reservation.
        if (!options.force) await mkdir(step.to);
        await rename(step.from, step.to);
      } else if (step.op === "new-file") {
        published.push(step.to);
        if (options.force) await rename(step.from, step.to);
        else await link(step.from, step.to); // EEXIST instead of replacing a file that appeared
      } else {
        published.push(step.to);
        await rename(step.from, step.to);
      }
      done.push(step);
    }
  } catch (error) {
    // Take back what this run created; a file replaced with --force cannot be given back.
    const replaced = done.filter((s) => s.op === "replace-file").map((s) => s.to);
    for (const step of done.reverse()) {
      if (step.op === "new-directory") await rm(step.to, { recursive: true, force: true }).catch(() => undefined);
      else if (step.op === "new-file") await unlink(step.to).catch(() => undefined);
    }
    const failed = steps[done.length];
    if (failed?.op === "new-directory" && !options.force) await rmEmpty(failed.to);
    const after =
      replaced.length === 0
        ? "nothing was written or changed"
        : `${replaced.length} existing file${replaced.length === 1 ? " had" : "s had"} already been replaced (${listed(replaced)}); nothing else was changed`;
    throw writeError(error, options.shown, after);
  }
  return published;
}

async function rmEmpty(path: string): Promise<void> {
  const entries = await readdir(path).catch(() => undefined);
  if (entries?.length === 0) await rm(path, { recursive: true }).catch(() => undefined);
}

function checkRelative(path: string): void {
  const parts = path.split("/");
  if (isAbsolute(path) || path.includes("\\") || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new OthernameError("BUNDLE_PATH_INVALID", `cannot write output entry ${path}: not a plain relative path`, { kind: "internal" });
  }
}

const REASONS: Readonly<Record<string, string>> = {
  EEXIST: "a file appeared there while writing",
  ENOTEMPTY: "a directory appeared there while writing",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "a path component is a file, not a directory",
  ENOSPC: "no space left on the device",
  EROFS: "the file system is read-only",
  ENAMETOOLONG: "a file name is too long for this file system",
  EXDEV: "the output crosses a mount point",
};

/** An OthernameError for a failed file-system step, saying truthfully what was left (`after`). */
function writeError(error: unknown, shown: string, after: string): OthernameError {
  if (error instanceof OthernameError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const path = (error as NodeJS.ErrnoException).path;
  return new OthernameError("OUTPUT_WRITE_FAILED", `cannot write ${shown}: ${REASONS[code] ?? (code || String(error))}${path ? ` (${path})` : ""}; ${after}`, {
    hint: code === "EEXIST" || code === "ENOTEMPTY" ? "Run again, or pass --force to replace existing files." : code === "ENAMETOOLONG" ? "Use shorter instance filenames." : "Check the --out path and its permissions.",
    cause: error,
  });
}
