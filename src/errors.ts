/**
 * The one error type of othername. Every failure a user can cause ends as an
 * `OthernameError` with a stable `code`; the CLI maps its `kind` to an exit code
 * (CLI.md: usage 2, input 3, remote 4) and prints `message` plus `hint`, never a stack.
 *
 * Messages read `<what failed> <subject>: <reason>`, e.g.
 * `cannot read certificate node1.pem: PEM block 2 has invalid base64`.
 */
export type ErrorKind = "usage" | "input" | "remote" | "internal" | "interrupted";

export interface ErrorOptions {
  /** What the user can do next, one sentence. */
  readonly hint?: string | undefined;
  /** The underlying error, kept for `--debug`. */
  readonly cause?: unknown;
  /** Defaults to "input": most errors are bad input. */
  readonly kind?: ErrorKind | undefined;
}

/**
 * The one error type of othername: every failure a user can cause (a malformed file, a wrong
 * password, a usage mistake, an ECE API failure) is an `OthernameError` with a stable `code`, a
 * message shaped `<what failed> <subject>: <reason>` and an optional `hint`. `kind` says which exit
 * code the CLI uses (usage 2, input 3, remote 4); anything else that escapes is a bug.
 *
 * @example
 * ```ts
 * import { OthernameError, readCryptoFile } from "othername";
 * try {
 *   await readCryptoFile(bytes, { source: "node1.p12", password: "wrong" });
 * } catch (error) {
 *   if (error instanceof OthernameError && error.code === "PKCS12_WRONG_PASSWORD") console.error(error.message, error.hint);
 *   else throw error;
 * }
 * ```
 */
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
  /** Ctrl-C (128 + SIGINT), also when typed at a password prompt in raw mode. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The CLI exit code for an error: 2 usage, 3 bad input, 4 remote, 70 for anything that is not an
 * `OthernameError` (a bug).
 *
 * @param error - Whatever was thrown.
 * @returns The exit code of CLI.md that the command line would end with.
 * @example
 * ```ts
 * exitCodeFor(new OthernameError("USAGE", "missing --ca", { kind: "usage" })); // 2
 * exitCodeFor(new TypeError("oops"));                                          // 70
 * ```
 */
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
      case "interrupted":
        return ExitCode.interrupted;
    }
  }
  return ExitCode.internal;
}

export function isOthernameError(error: unknown): error is OthernameError {
  return error instanceof OthernameError;
}
