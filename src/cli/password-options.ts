import type { Argv } from "yargs";

/** The password flags every command that reads or writes protected files shares (CLI.md "Passwords"). */
export interface PasswordArgs {
  readonly "pass-file"?: string;
  readonly "pass-env"?: string;
  readonly pass?: string;
}

export function passwordOptions(yargs: Argv): Argv {
  return yargs
    .option("pass-file", { type: "string", describe: "Read the password from the first line of FILE", requiresArg: true })
    .option("pass-env", { type: "string", describe: "Read the password from environment variable VAR", requiresArg: true })
    .option("pass", { type: "string", describe: "The password itself (visible to other users: prefer --pass-file)", requiresArg: true })
    .conflicts("pass-file", ["pass-env", "pass"])
    .conflicts("pass-env", "pass");
}
