import type { Readable } from "node:stream";
import { escapeTerminal } from "./terminal-text.js";

/**
 * Everything a command may touch of the outside world, passed in so that tests run
 * commands in-process with captured output. `main()` builds the real one from `process`.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: Readable;
  readonly stdinIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** The wall clock; tests pin it. */
  readonly now: () => Date;
  /** How the user runs this CLI, for the commands we suggest ("othername", or "node bin/othername.js" in a checkout). */
  readonly program?: string;
}

/** What a command handler gets: the io plus output helpers that respect `--json`. */
export interface CommandContext {
  readonly io: CliIo;
  readonly debug: boolean;
  /** A line of normal output on stdout. */
  out(line: string): void;
  /** One JSON document on stdout (the whole of stdout with `--json`). */
  json(value: unknown): void;
  /** A warning on stderr, prefixed like every othername warning. */
  warn(message: string): void;
  /** Progress or notes on stderr. */
  note(line: string): void;
}

export function makeContext(io: CliIo, debug: boolean): CommandContext {
  return {
    io,
    debug,
    // Text lines go through the terminal safety net (terminal-text.ts); JSON keeps true values.
    out: (line) => io.stdout(`${escapeTerminal(line)}\n`),
    json: (value) => io.stdout(`${JSON.stringify(value, null, 2)}\n`),
    warn: (message) => io.stderr(`othername: warning: ${escapeTerminal(message)}\n`),
    note: (line) => io.stderr(`${escapeTerminal(line)}\n`),
  };
}
