import { randomBytes } from "node:crypto";
import { link, open, rename, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * Files appear whole or not at all: the bytes go to a temporary file beside the target, are
 * flushed, and only then take the target's name — by `link` when the target must be new (fails
 * with EEXIST instead of replacing, even in a race), by `rename` when overwriting is allowed.
 */
export interface StagedFile {
  readonly target: string;
  readonly temp: string;
}

/** Writes `bytes` to a fresh temporary file next to `target` with `mode` (and `owner`, when given). */
export async function stageFile(target: string, bytes: Uint8Array, mode: number, owner?: { readonly uid: number; readonly gid: number }): Promise<StagedFile> {
  // A fixed-length name, not derived from the target's: a target whose name is near the file
  // system's limit (255 bytes) must not fail here with ENAMETOOLONG.
  const temp = join(dirname(target), `.othername-${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temp, "wx", mode);
  try {
    await handle.writeFile(bytes);
    // open() applies the umask; the mode of a key file must not depend on it.
    await handle.chmod(mode);
    // Replacing a file must not hand it to us: keep its owner (EPERM when we may not).
    if (owner !== undefined) await handle.chown(owner.uid, owner.gid);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return { target, temp };
}

/** Gives the staged file its final name; without `overwrite`, an existing target is an error (EEXIST). */
export async function commitFile(staged: StagedFile, options: { readonly overwrite: boolean }): Promise<void> {
  if (options.overwrite) {
    await rename(staged.temp, staged.target);
    return;
  }
  await link(staged.temp, staged.target);
  await unlink(staged.temp).catch(() => undefined);
}

export async function discardStaged(staged: StagedFile): Promise<void> {
  await unlink(staged.temp).catch(() => undefined);
}

/** One file, atomically. */
export async function writeFileAtomic(
  target: string,
  bytes: Uint8Array,
  options: { readonly mode: number; readonly overwrite: boolean; readonly owner?: { readonly uid: number; readonly gid: number } },
): Promise<void> {
  const staged = await stageFile(target, bytes, options.mode, options.owner);
  try {
    await commitFile(staged, options);
  } finally {
    await discardStaged(staged);
  }
}
