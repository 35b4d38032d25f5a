import { readdir, stat } from "node:fs/promises";
import { extname, join, relative, resolve } from "node:path";
import { unzipSync } from "fflate";
import { OthernameError } from "../errors.js";
import { readBounded } from "./read-input.js";

/**
 * Reads the certificate files of a bundle written by `othername cert` (or elasticsearch-certutil):
 * a directory or a .zip holding `<name>/<name>.crt` (PEM) or `<name>/<name>.p12`. Only
 * certificate-bearing files are returned; `.key` files are never read.
 */
export interface BundleEntry {
  /** Path inside the bundle, with `/` separators, for messages. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** File kinds that can carry node certificates. */
const CERTIFICATE_EXTENSIONS = new Set([".crt", ".pem", ".cer", ".p12", ".pfx"]);
/** With `keys: true` (renew, which writes new keys where the old ones were): certutil's key files too. */
const WITH_KEY_EXTENSIONS = new Set([...CERTIFICATE_EXTENSIONS, ".key"]);

export interface ReadBundleOptions {
  /** Also return `.key` files. Default false: keys are never read. */
  readonly keys?: boolean;
  /** The flag the bundle came from, named in errors. Default `--from-bundle`. */
  readonly flag?: string;
}
/**
 * Bounds for hostile or mistaken input: a real bundle has a few files of a few kilobytes. Byte
 * limits are enforced while reading (a sparse file's `stat` size says nothing about the work).
 */
export const MAX_BUNDLE_ENTRIES = 10_000;
const MAX_ENTRIES = MAX_BUNDLE_ENTRIES;
export const MAX_BUNDLE_ENTRY_BYTES = 1024 * 1024;
const MAX_ENTRY_BYTES = MAX_BUNDLE_ENTRY_BYTES;
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;
const MAX_TOTAL_BYTES = MAX_BUNDLE_BYTES;
const MAX_DEPTH = 6;

/**
 * Reads a bundle's certificate files.
 *
 * @param path - The directory or .zip.
 * @param cwd - Where a relative path starts.
 * @param flagOrOptions - The option that named it, for messages (`--from-bundle`, `--certs`), or
 *   options: that flag and `keys` (also return `.key` files, for renew).
 */
export async function readCertificateBundle(path: string, cwd: string, flagOrOptions: string | ReadBundleOptions = {}): Promise<BundleEntry[]> {
  const options: ReadBundleOptions = typeof flagOrOptions === "string" ? { flag: flagOrOptions } : flagOrOptions;
  const full = resolve(cwd, path);
  const flag = options.flag ?? "--from-bundle";
  const wanted = options.keys ? WITH_KEY_EXTENSIONS : CERTIFICATE_EXTENSIONS;
  let info;
  try {
    info = await stat(full);
  } catch (error) {
    throw unreadable(path, error, flag);
  }
  const entries = info.isDirectory() ? await readDirectory(full, path, wanted, flag) : await readZip(full, path, wanted, flag);
  if (entries.length === 0) {
    throw new OthernameError("BUNDLE_EMPTY", `cannot read bundle ${path} (${flag}): it holds no .crt, .pem or .p12 file`, {
      hint: "Give the directory or .zip written by `othername cert --out`.",
    });
  }
  return entries;
}

async function readDirectory(root: string, shown: string, wanted: ReadonlySet<string>, flag: string): Promise<BundleEntry[]> {
  const entries: BundleEntry[] = [];
  let total = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    let names;
    try {
      names = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw unreadable(shown, error, flag);
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of names) {
      const child = join(dir, entry.name);
      if (entry.isDirectory()) await walk(child, depth + 1);
      else if (entry.isFile() && wanted.has(extname(entry.name).toLowerCase())) {
        if (entries.length >= MAX_ENTRIES) throw tooLarge(shown, flag, `more than ${MAX_ENTRIES} certificate files`);
        const read = await readBounded(child, MAX_ENTRY_BYTES).catch((error: unknown) => {
          throw unreadable(shown, error, flag);
        });
        if (read.tooLarge) throw tooLarge(shown, flag, `${relative(root, child)} is larger than ${MAX_ENTRY_BYTES} bytes`);
        const { bytes } = read;
        total += bytes.length;
        if (total > MAX_TOTAL_BYTES) throw tooLarge(shown, flag, `more than ${MAX_TOTAL_BYTES} bytes of certificates`);
        entries.push({ path: relative(root, child).split(/[\\/]/).join("/"), bytes });
      }
    }
  };
  await walk(root, 0);
  return entries;
}

async function readZip(full: string, shown: string, wanted: ReadonlySet<string>, flag: string): Promise<BundleEntry[]> {
  if (!shown.toLowerCase().endsWith(".zip")) {
    throw new OthernameError("BUNDLE_NOT_SUPPORTED", `cannot read bundle ${shown} (${flag}): not a directory or a .zip file`, {
      hint: "Give the directory or .zip written by `othername cert --out`.",
    });
  }
  let bytes: Uint8Array;
  try {
    const read = await readBounded(full, MAX_TOTAL_BYTES);
    if (read.tooLarge) throw tooLarge(shown, flag, `larger than ${MAX_TOTAL_BYTES} bytes`);
    bytes = read.bytes;
  } catch (error) {
    if (error instanceof OthernameError) throw error;
    throw unreadable(shown, error, flag);
  }
  let files: Record<string, Uint8Array>;
  let count = 0;
  let total = 0;
  try {
    files = unzipSync(bytes, {
      // Decide from the central directory, before inflating: skip keys and oversized entries.
      filter: (file) => {
        if (!wanted.has(extname(file.name).toLowerCase())) return false;
        if (++count > MAX_ENTRIES) throw tooLarge(shown, flag, `more than ${MAX_ENTRIES} certificate files`);
        if (file.originalSize > MAX_ENTRY_BYTES) throw tooLarge(shown, flag, `${file.name} would inflate to ${file.originalSize} bytes`);
        total += file.originalSize;
        if (total > MAX_TOTAL_BYTES) throw tooLarge(shown, flag, `more than ${MAX_TOTAL_BYTES} bytes once inflated`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof OthernameError) throw error;
    throw new OthernameError("BUNDLE_CORRUPT", `cannot read bundle ${shown} (${flag}): not a valid zip file (${error instanceof Error ? error.message : String(error)})`, {
      hint: "The zip is damaged or not a zip; re-create it with `othername cert --out bundle.zip`.",
      cause: error,
    });
  }
  return Object.keys(files)
    .sort()
    .map((name) => ({ path: name, bytes: files[name] as Uint8Array }));
}

function unreadable(path: string, error: unknown, flag: string): OthernameError {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const reason = code === "ENOENT" ? "no such file or directory" : code === "EACCES" ? "permission denied" : code || String(error);
  return new OthernameError("BUNDLE_UNREADABLE", `cannot read bundle ${path} (${flag}): ${reason}`, {
    hint: "Give the directory or .zip written by `othername cert --out`; relative paths start from the current directory.",
    cause: error,
  });
}

function tooLarge(path: string, flag: string, what: string): OthernameError {
  return new OthernameError("BUNDLE_TOO_LARGE", `cannot read bundle ${path} (${flag}): ${what}`, {
    hint: "This does not look like a certificate bundle; check the path.",
  });
}
