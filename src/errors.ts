/**
 * The one error type of othername. Every failure a user can cause ends as an
 * `OthernameError` with a stable `code`; the CLI maps its `kind` to an exit code
 * (CLI.md: usage 2, input 3, remote 4) and prints `message` plus `hint`, never a stack.
 *
 * Messages read `<what failed> <subject>: <reason>`, e.g.
 * `cannot read certificate node1.pem: PEM block 2 has invalid base64`.
 */
export type ErrorKind = "usage" | "input" | "remote" | "internal";

export interface ErrorOptions {
  /** What the user can do next, one sentence. */
  readonly hint?: string | undefined;
  /** The underlying error, kept for `--debug`. */
  readonly cause?: unknown;
  /** Defaults to "input": most errors are bad input. */
  readonly kind?: ErrorKind | undefined;
}

export class OthernameError extends Error {
  override readonly name = "OthernameError";
  readonly code: string;
  readonly kind: ErrorKind;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.kind = options.kind ?? "input";
    this.hint = options.hint;
  }

  /** A copy whose message names `subject` (a file, flag or YAML path) in front of the reason. */
  withSubject(what: string, subject: string): OthernameError {
    return new OthernameError(this.code, `${what} ${subject}: ${this.message}`, {
      hint: this.hint,
      cause: this.cause ?? this,
      kind: this.kind,
    });
  }
}

/** Exit codes of CLI.md, shared by every command. */
export const ExitCode = {
  ok: 0,
  no: 1,
  usage: 2,
  input: 3,
  remote: 4,
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof OthernameError) {
    switch (error.kind) {
      case "usage":
        return ExitCode.usage;
      case "input":
        return ExitCode.input;
      case "remote":
        return ExitCode.remote;
      case "internal":
        return ExitCode.internal;
    }
  }
  return ExitCode.internal;
}

export function isOthernameError(error: unknown): error is OthernameError {
  return error instanceof OthernameError;
}
