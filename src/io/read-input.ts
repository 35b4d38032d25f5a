import { open } from "node:fs/promises";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { OthernameError } from "../errors.js";

/**
 * Inputs larger than this are refused: no certificate, key, keystore, trust file or instances
 * file is that big. Enforced while reading (never from `stat`, which says 0 for /dev/zero, pipes
 * and /dev/stdin), so an endless or huge input stops after this many bytes.
 */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

const CHUNK_BYTES = 64 * 1024;

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a directory",
};

/**
 * Reads at most `maxBytes` of the file at the absolute path `full` (a regular file, device, FIFO
 * or /dev/stdin alike). `tooLarge` is true, and `bytes` incomplete, when there was more.
 */
export async function readBounded(full: string, maxBytes: number): Promise<{ readonly bytes: Uint8Array; readonly tooLarge: boolean }> {
  const handle = await open(full, "r");
  try {
    if ((await handle.stat()).isDirectory()) throw Object.assign(new Error(`EISDIR: ${full}`), { code: "EISDIR", path: full });
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return { bytes: concat(chunks, maxBytes), tooLarge: true };
    }
    return { bytes: concat(chunks, total), tooLarge: false };
  } finally {
    await handle.close();
  }
}

/** Reads a stream (stdin) up to `maxBytes`; stops reading, and destroys it, when there is more. */
export async function readStreamBounded(stream: Readable, maxBytes: number): Promise<{ readonly bytes: Uint8Array; readonly tooLarge: boolean }> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
    chunks.push(bytes);
    total += bytes.length;
    // Leaving the loop destroys the stream: nothing more is read.
    if (total > maxBytes) return { bytes: concat(chunks, maxBytes), tooLarge: true };
  }
  return { bytes: concat(chunks, total), tooLarge: false };
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= length) break;
    const part = chunk.subarray(0, length - offset);
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Reads a user-named input file (relative to `cwd`), with the file name in every error, refusing
 * more than MAX_INPUT_BYTES. With `stdin`, the name `-` reads standard input instead.
 */
export async function readInputFile(path: string, cwd: string, what = "file", options: { readonly stdin?: Readable } = {}): Promise<Uint8Array> {
  const shown = path === "-" && options.stdin ? "- (standard input)" : path;
  try {
    const read = path === "-" && options.stdin ? await readStreamBounded(options.stdin, MAX_INPUT_BYTES) : await readBounded(resolve(cwd, path), MAX_INPUT_BYTES);
    if (read.tooLarge) throw tooLarge(what, shown);
    return read.bytes;
  } catch (error) {
    if (error instanceof OthernameError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new OthernameError("FILE_UNREADABLE", `cannot read ${what} ${shown}: ${REASONS[code] ?? (code || String(error))}`, {
      hint: code === "ENOENT" ? "Check the path; relative paths are taken from the current directory." : "Check the path and its permissions.",
      cause: error,
    });
  }
}

/** The error for an input over MAX_INPUT_BYTES. */
export function tooLarge(what: string, shown: string, maxBytes = MAX_INPUT_BYTES): OthernameError {
  return new OthernameError("FILE_TOO_LARGE", `cannot read ${what} ${shown}: it is larger than the ${maxBytes} bytes (${maxBytes / 1024 / 1024} MiB) accepted`, {
    hint: "Check that you passed the right file.",
  });
}
