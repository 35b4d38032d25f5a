import { readdir, realpath, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { OthernameError } from "../errors.js";
import { writeFileAtomic } from "./atomic-write.js";
import { readInputFile } from "./read-input.js";
import { MAX_BUNDLE_BYTES, readCertificateBundle } from "./read-bundle.js";

/**
 * The file access of `othername lint`: writing a fixed file in place (atomically, keeping its
 * permissions) and listing the files of a `--certs` directory.
 */

/**
 * Replaces `path` with `text` atomically (temp file + rename), keeping the file's mode and owner.
 * A symbolic link is written through: its target gets the new text and the link stays a link
 * (renaming over the link itself would turn it into a plain file).
 */
export async function writeFixedFile(path: string, cwd: string, text: string): Promise<void> {
  const full = resolve(cwd, path);
  try {
    const target = await realpath(full);
    const info = await stat(target);
    const owner = { uid: info.uid, gid: info.gid };
    const same = typeof process.getuid === "function" && process.getuid() === info.uid && process.getgid?.() === info.gid;
    await writeFileAtomic(target, new TextEncoder().encode(text), { mode: info.mode & 0o7777, overwrite: true, ...(same ? {} : { owner }) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const reason = code === "EPERM" ? "its owner or group could not be kept (only its owner or root can write it in place)" : code;
    throw new OthernameError("FILE_UNWRITABLE", `cannot write fixed file ${path}: ${reason}`, {
      hint: "Check that the directory is writable; the original file is unchanged.",
      cause: error,
    });
  }
}

/** More files than this under a --certs directory is not a set of node certificates. */
const MAX_CERTIFICATE_FILES = 10_000;

export interface DirectoryFile {
  /** The path as shown to the user (DIR/name). */
  readonly path: string;
  readonly bytes: Uint8Array;
}

/**
 * What `lint --certs` names: a `.zip` bundle (read as `ece trust add --from-bundle` reads one,
 * entries shown as `bundle.zip!node/node.p12`), one certificate or PKCS#12 file, or a directory.
 */
export async function readCertificateFiles(target: string, cwd: string, flag: string): Promise<DirectoryFile[]> {
  const info = await stat(resolve(cwd, target)).catch(() => undefined);
  if (info?.isFile() && target.toLowerCase().endsWith(".zip")) {
    const entries = await readCertificateBundle(target, cwd, flag);
    return entries.map((e) => ({ path: `${target}!${e.path}`, bytes: e.bytes }));
  }
  if (info?.isFile()) return [{ path: target, bytes: await readInputFile(target, cwd, `${flag} file`) }];
  return readDirectoryFiles(target, cwd, flag);
}

/** How deep --certs looks: `othername cert --out DIR` puts each node in DIR/<name>/. */
const MAX_DEPTH = 4;

/**
 * Every regular file under `dir`, sorted by path, descending into subdirectories (a bundle
 * written by `othername cert` keeps each node in its own folder); hidden entries are skipped.
 */
export async function readDirectoryFiles(dir: string, cwd: string, flag: string): Promise<DirectoryFile[]> {
  const root = resolve(cwd, dir);
  const found: string[] = [];
  const walk = async (relativeDir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(root, relativeDir), { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      throw new OthernameError("DIRECTORY_UNREADABLE", `cannot read directory ${join(dir, relativeDir)} (${flag}): ${code === "ENOENT" ? "no such directory" : code === "ENOTDIR" ? "not a directory" : code || String(error)}`, {
        hint: `Give ${flag} a directory of PEM, DER or PKCS#12 certificate files.`,
        cause: error,
      });
    }
    for (const entry of entries.filter((e) => !e.name.startsWith(".")).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(relativeDir, entry.name);
      if (entry.isDirectory() && depth < MAX_DEPTH) await walk(path, depth + 1);
      else if (entry.isFile()) found.push(path);
      if (found.length > MAX_CERTIFICATE_FILES) {
        throw new OthernameError("DIRECTORY_TOO_LARGE", `cannot read directory ${dir} (${flag}): more than ${MAX_CERTIFICATE_FILES} files`, {
          hint: "Point it at a smaller directory.",
        });
      }
    }
  };
  await walk("", 0);
  const out: DirectoryFile[] = [];
  let total = 0;
  for (const path of found) {
    const bytes = await readInputFile(join(root, path), cwd, `${flag} file`);
    // Each file is capped while it is read (16 MiB); all of them together as a bundle is (64 MiB).
    total += bytes.length;
    if (total > MAX_BUNDLE_BYTES) {
      throw new OthernameError("DIRECTORY_TOO_LARGE", `cannot read directory ${dir} (${flag}): more than ${MAX_BUNDLE_BYTES} bytes in all`, {
        hint: "Point it at the node certificates only (a bundle written by othername cert is a few kilobytes per node).",
      });
    }
    out.push({ path: join(dir, path), bytes });
  }
  return out;
}
