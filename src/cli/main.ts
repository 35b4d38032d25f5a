import type { Argv } from "yargs";
import { ExitCode, OthernameError, exitCodeFor } from "../errors.js";
import { runningAsSingleExecutable } from "../io/bundled-files.js";
import { packageVersion } from "../io/package-info.js";
import type { CommandSpec } from "./command.js";
import { commands } from "./commands/index.js";
import { makeContext, type CliIo } from "./context.js";
import { renderError } from "./render-error.js";
import { hintForUnknownFlag, normalizeArgv, unknownFlagsIn } from "./argv-conventions.js";
import { escapeTerminal } from "./terminal-text.js";

/**
 * Runs othername with `argv` (without node and script) and returns the exit code.
 * Never throws: user mistakes become one line plus a hint, bugs exit 70.
 */
export async function main(given: readonly string[], io: CliIo): Promise<number> {
  // yargs' completion calls back with the words typed so far: read them as they are.
  const argv = given[0] === COMPLETION_FLAG ? [...given] : normalizeArgv(given);
  const debug = argv.includes("--debug");
  // Fast path: `--version` needs neither yargs nor any command module.
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
    io.stdout(`${packageVersion()}\n`);
    return ExitCode.ok;
  }
  if (argv.length === 2 && argv.includes("--verbose") && (argv.includes("--version") || argv.includes("-V"))) {
    io.stdout(verboseVersion());
    return ExitCode.ok;
  }
  try {
    return await runYargs(argv, io, debug);
  } catch (error) {
    io.stderr(escapeTerminal(renderError(error, debug)));
    return exitCodeFor(error);
  }
}

/** `--version --verbose`: our version, and the Node.js that runs us (embedded in the single executable). */
function verboseVersion(): string {
  const runtime = runningAsSingleExecutable() ? "single executable, embedded Node.js" : "Node.js";
  return `othername ${packageVersion()}\n${runtime} ${process.version} (${process.platform}-${process.arch})\n`;
}

async function runYargs(argv: readonly string[], io: CliIo, debug: boolean): Promise<number> {
  const { default: yargs } = await import("yargs");
  // For completion, the command is the first word after the program name.
  const requested = commands.find((c) => c.name === firstPositional(argv[0] === COMPLETION_FLAG ? argv.slice(2) : argv));
  const loaded: CommandSpec<never> | undefined = requested ? (await requested.load()).default : undefined;

  let pending: Promise<ExitCode> | undefined;
  let unknownFlags: string[] | undefined;
  let parser: Argv = yargs([...argv])
    .scriptName("othername")
    .usage("$0 <command> [options]\n\nCertificates and trust restrictions for Elasticsearch's otherName convention.")
    .version(packageVersion())
    .alias("version", "V")
    .help()
    .alias("help", "h")
    .completion("completion", "Print a bash/zsh completion script: othername completion >> ~/.bashrc (zsh: >> ~/.zshrc)")
    .option("debug", { type: "boolean", describe: "Show stack traces for internal errors", global: true })
    .strict()
    .demandCommand(1, "Name a command: othername --help lists them.")
    .recommendCommands()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      if (error instanceof OthernameError) throw error;
      if (error) throw error;
      unknownFlags = unknownFlagsIn(message ?? "");
      if (unknownFlags) throw new OthernameError("UNKNOWN_OPTION", unknownFlagsMessage(unknownFlags, requested?.name), { kind: "usage" });
      throw new OthernameError("USAGE", message ?? "invalid arguments", {
        kind: "usage",
        hint: missingOutHint(message, requested?.name) ?? "See othername --help, or othername <command> --help.",
      });
    });

  for (const entry of commands) {
    if (loaded && entry === requested) {
      const spec = loaded as unknown as CommandSpec<Record<string, unknown>>;
      parser = parser.command(spec.command, spec.describe, spec.builder, (args) => {
        pending = spec.run(args as Record<string, unknown>, makeContext(io, debug));
      });
    } else {
      parser = parser.command(entry.name, entry.describe);
    }
  }

  let helpOrVersion = "";
  try {
    const parsed = await parser.parseAsync([...argv], {}, (_error, _args, output) => {
      helpOrVersion = output;
    });
    // Commands with subcommands of their own (ece) leave the handler to their run(), given the parsed arguments.
    if (!pending && !helpOrVersion && loaded) pending = (loaded as unknown as CommandSpec<Record<string, unknown>>).run(parsed as Record<string, unknown>, makeContext(io, debug));
  } catch (error) {
    if (unknownFlags) throw await withUnknownFlagHint(unknownFlags, argv, requested?.name, yargs);
    throw error;
  }
  if (helpOrVersion) io.stdout(helpOrVersion.endsWith("\n") ? helpOrVersion : `${helpOrVersion}\n`);
  return pending ? await pending : ExitCode.ok;
}

function firstPositional(argv: readonly string[]): string | undefined {
  return argv.find((arg) => !arg.startsWith("-"));
}

function unknownFlagsMessage(names: readonly string[], command: string | undefined): string {
  const where = command ? `othername ${command}` : "othername";
  return `unknown option${names.length === 1 ? "" : "s"} for ${where}: ${names.map((n) => (n.length === 1 ? `-${n}` : `--${n}`)).join(", ")}`;
}

/**
 * certutil writes elastic-stack-ca.p12 / elastic-certificates.p12 in the current directory when no
 * --out is given; othername asks for the path (CLI.md): say so, with certutil's names to copy.
 */
function missingOutHint(message: string | undefined, command: string | undefined): string | undefined {
  if (!message || !/Missing required argument:.*\bout\b/.test(message)) return undefined;
  const choices: Record<string, string> = {
    ca: "--out elastic-stack-ca.p12 (certutil's default name), or --pem --out DIR",
    cert: "--out elastic-certificates.p12 (certutil's default name, for one instance), or a directory or a .zip",
    csr: "--out csr-bundle.zip (certutil's default name), or a directory",
  };
  const choice = command === undefined ? undefined : choices[command];
  return choice === undefined ? undefined : `Unlike elasticsearch-certutil, othername does not pick the output's name: add ${choice}.`;
}

/** The unknown-option error with a hint that says what to type instead, or which command has the flag. */
async function withUnknownFlagHint(names: readonly string[], argv: readonly string[], command: string | undefined, yargs: (args: string[]) => Argv): Promise<OthernameError> {
  const options = new Map<string, ReadonlySet<string>>();
  const optionNames = (builder: (y: Argv) => Argv): Set<string> => {
    // getOptions() exists on yargs instances but not in @types/yargs.
    const built = builder(yargs([])) as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } };
    const declared = built.getOptions();
    return new Set<string>([...Object.keys(declared.key), ...Object.values(declared.alias).flat()]);
  };
  for (const entry of commands) {
    const module = (await entry.load()) as unknown as { default: CommandSpec<Record<string, unknown>>; subcommands?: Record<string, (y: Argv) => Argv> };
    if (module.subcommands) for (const [name, builder] of Object.entries(module.subcommands)) options.set(name, optionNames(builder));
    else options.set(entry.name, optionNames(module.default.builder));
  }
  // The deepest command named on the command line: "ece trust show" rather than "ece".
  const words = argv.filter((arg) => !arg.startsWith("-"));
  const label = [...options.keys()].filter((name) => words.join(" ").startsWith(name)).sort((a, b) => b.length - a.length)[0] ?? command;
  const hints = names.map((name) => hintForUnknownFlag(name, argv, label, options)).filter((h): h is string => h !== undefined);
  return new OthernameError("UNKNOWN_OPTION", unknownFlagsMessage(names, label), {
    kind: "usage",
    hint: hints.length > 0 ? hints.join(" ") : `See ${label ? `othername ${label} --help` : "othername --help"} for the options.`,
  });
}

/** The flag yargs' completion script passes back to the program with the words typed so far. */
const COMPLETION_FLAG = "--get-yargs-completions";
