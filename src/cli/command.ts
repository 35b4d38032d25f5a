import type { Argv } from "yargs";
import type { CommandContext } from "./context.js";
import type { ExitCode } from "../errors.js";

/**
 * One CLI command, in a module of its own under src/cli/commands/. `run` returns the exit
 * code (CLI.md); it throws `OthernameError` for bad input, usage or remote failures.
 */
export interface CommandSpec<A = Record<string, unknown>> {
  /** yargs command string, e.g. "inspect <files..>". */
  readonly command: string;
  readonly describe: string;
  readonly builder: (yargs: Argv) => Argv;
  readonly run: (args: A, ctx: CommandContext) => Promise<ExitCode>;
}

/** Lets a command module declare its spec with its own argument type. */
export function defineCommand<A>(spec: CommandSpec<A>): CommandSpec<A> {
  return spec;
}
