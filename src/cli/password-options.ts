import type { Argv } from "yargs";

/** The password flags of CLI.md "Passwords": a file, an environment variable, or the value itself. */
export interface PasswordArgs {
  readonly "pass-file"?: string;
  readonly "pass-env"?: string;
  readonly pass?: string;
}

export interface PasswordOptionSpec {
  /** What the password is for, e.g. "Password of the .p12 files". */
  readonly purpose?: string;
  /** "ca-" for the CA's own password (`--ca-pass-file`, `--ca-pass-env`). */
  readonly prefix?: "" | "ca-" | "out-";
  /** Offer `--[ca-]pass VALUE` too (certutil parity; warns when used). Default: true without a prefix. */
  readonly value?: boolean;
}

/** Declares `--pass-file`, `--pass-env` (and `--pass`), mutually exclusive, on a command. */
export function passwordOptions(yargs: Argv, spec: PasswordOptionSpec = {}): Argv {
  const prefix = spec.prefix ?? "";
  const purpose = spec.purpose ?? "The password";
  const file = `${prefix}pass-file`;
  const env = `${prefix}pass-env`;
  const value = `${prefix}pass`;
  let result = yargs
    .option(file, { type: "string", requiresArg: true, describe: `${purpose}: the first line of FILE` })
    .option(env, { type: "string", requiresArg: true, describe: `${purpose}: environment variable VAR` });
  if (spec.value ?? prefix === "") {
    result = result
      .option(value, { type: "string", requiresArg: true, describe: `${purpose}, given on the command line (visible to other users: prefer --${file})` })
      .conflicts(file, [env, value])
      .conflicts(env, value);
  } else {
    result = result.conflicts(file, env);
  }
  return result;
}

/**
 * The warning for a password given as a flag value: argv is visible to other users (ps).
 * An empty password reveals nothing, so `--pass ""` does not warn.
 */
export function warnPassOnCommandLine(ctx: { warn(message: string): void }, value: string | undefined, flag: string): void {
  if (value !== undefined && value !== "") ctx.warn(`${flag} puts the password on the command line, where other users can see it; prefer ${flag}-file or ${flag}-env`);
}
