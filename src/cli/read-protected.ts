import { OthernameError } from "../errors.js";
import { resolvePassword } from "../io/password.js";
import type { CommandContext } from "./context.js";
import { warnPassOnCommandLine, type PasswordArgs } from "./password-options.js";

/** Errors that mean "this file needs a password you did not give". */
const NEEDS_PASSWORD: ReadonlySet<string> = new Set(["PASSWORD_REQUIRED", "KEY_PASSWORD_REQUIRED"]);

/**
 * Reads an input with the password from --pass-file / --pass-env / --pass, and, when none was
 * given and the file turns out to need one, asks for it on a terminal and reads again.
 */
export async function readWithPassword<T>(path: string, args: PasswordArgs, ctx: CommandContext, read: (password: string | undefined) => Promise<T>): Promise<T> {
  warnPassOnCommandLine(ctx, args.pass, "--pass");
  const given = await resolvePassword({ file: args["pass-file"], env: args["pass-env"], value: args.pass }, ctx.io);
  try {
    return await read(given);
  } catch (error) {
    const needsPassword = error instanceof OthernameError && NEEDS_PASSWORD.has(error.code);
    if (!needsPassword || given !== undefined || !ctx.io.stdinIsTTY) throw error;
    return read(await resolvePassword({ prompt: `Password for ${path}: ` }, ctx.io));
  }
}
