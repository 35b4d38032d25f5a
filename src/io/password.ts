import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { OthernameError } from "../errors.js";
import { readBounded } from "./read-input.js";

/** A password file holds one line; more than this is not a password file. */
export const MAX_PASSWORD_FILE_BYTES = 64 * 1024;

/** The part of the process a password lookup may touch; the CLI's io satisfies it. */
export interface PasswordIo {
  readonly stdin: Readable;
  readonly stdinIsTTY: boolean;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface PasswordSources {
  /** `--pass-file`: the first line of the file is the password (CLI.md "Passwords"). */
  readonly file?: string | undefined;
  /** `--pass-env`: the name of an environment variable holding the password. */
  readonly env?: string | undefined;
  /** `--pass`: given on the command line (the caller warns that argv is visible to others). */
  readonly value?: string | undefined;
  /** Text of the interactive prompt, used only when stdin is a terminal. */
  readonly prompt?: string | undefined;
  /** Flag names for messages, e.g. { file: "--ca-pass-file", env: "--ca-pass-env" }. */
  readonly flags?: { readonly file: string; readonly env: string };
}

/**
 * Finds a password in CLI.md's order: file, environment variable, `--pass`, then a TTY prompt.
 * Returns undefined when no source is given and stdin is not a terminal. The empty string is a
 * real password (PKCS#12 treats it specially) and is returned as such.
 */
export async function resolvePassword(sources: PasswordSources, io: PasswordIo): Promise<string | undefined> {
  const flags = sources.flags ?? { file: "--pass-file", env: "--pass-env" };
  if (sources.file !== undefined) {
    const path = resolve(io.cwd, sources.file);
    let text: string;
    try {
      // Bounded while reading: `--pass-file /dev/zero` must not grow without end.
      const read = await readBounded(path, MAX_PASSWORD_FILE_BYTES);
      if (read.tooLarge) {
        throw new OthernameError("PASSWORD_FILE_TOO_LARGE", `cannot read password file ${sources.file} (${flags.file}): it is larger than ${MAX_PASSWORD_FILE_BYTES} bytes`, {
          hint: "Give a file whose first line is the password.",
        });
      }
      text = passwordFileText(Buffer.from(read.bytes.buffer, read.bytes.byteOffset, read.bytes.byteLength));
    } catch (error) {
      if (error instanceof OthernameError) throw error;
      throw new OthernameError("PASSWORD_FILE_UNREADABLE", `cannot read password file ${sources.file} (${flags.file}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        hint: "Give a readable file whose first line is the password.",
        cause: error,
      });
    }
    return firstLine(text);
  }
  if (sources.env !== undefined) {
    const value = io.env[sources.env];
    if (value === undefined) {
      throw new OthernameError("PASSWORD_ENV_UNSET", `cannot read password from environment variable ${sources.env} (${flags.env}): it is not set`, {
        hint: `Export ${sources.env} before running othername, or use ${flags.file}.`,
      });
    }
    return value;
  }
  if (sources.value !== undefined) return sources.value;
  if (sources.prompt !== undefined && io.stdinIsTTY) return promptHidden(sources.prompt, io);
  return undefined;
}

/**
 * A password file is UTF-8; bytes that are not valid UTF-8 are read as ISO-8859-1, one character
 * per byte (what OpenSSL does with such a password, and the only reading that loses nothing).
 */
function passwordFileText(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}

function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}

/** Reads one line from a terminal without echoing it. */
async function promptHidden(prompt: string, io: PasswordIo): Promise<string> {
  io.stderr(prompt);
  const stdin = io.stdin as Readable & { setRawMode?: (mode: boolean) => void; isRaw?: boolean };
  const wasRaw = stdin.isRaw ?? false;
  stdin.setRawMode?.(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolvePromise, reject) => {
      let value = "";
      const onData = (chunk: Buffer | string) => {
        for (const char of chunk.toString("utf8")) {
          if (char === "\r" || char === "\n" || char === "\u0004") {
            cleanup();
            resolvePromise(value);
            return;
          }
          if (char === "\u0003") {
            cleanup();
            // Raw mode turns Ctrl-C into a character: end as a SIGINT would, exit 130.
            reject(new OthernameError("PROMPT_CANCELLED", "password prompt cancelled (Ctrl-C)", { kind: "interrupted" }));
            return;
          }
          if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
          else value += char;
        }
      };
      const onEnd = () => {
        cleanup();
        resolvePromise(value);
      };
      const cleanup = () => {
        stdin.off("data", onData);
        stdin.off("end", onEnd);
      };
      stdin.on("data", onData);
      stdin.on("end", onEnd);
    });
  } finally {
    stdin.setRawMode?.(wasRaw);
    stdin.pause();
    io.stderr("\n");
  }
}
