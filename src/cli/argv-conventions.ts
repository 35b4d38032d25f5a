/**
 * What an operator's hands type, read the way they mean it, before yargs sees the arguments:
 * - `othername -v` prints the version (certutil, step and most tools spell it that way);
 * - `othername help cert` is `othername cert --help`;
 * - single-dash long options as Elastic's own scripts write them for certutil and openssl
 *   (`-days 10`, `-out x`, `-in f`, `-pem`) are the long options, not `-d -a -y -s`.
 * Short options are single letters only (`-q`, `-y`, `-s`, `-h`), so nothing is lost.
 */
export function normalizeArgv(argv: readonly string[]): string[] {
  if (argv.length === 1 && argv[0] === "-v") return ["--version"];
  const words = [...argv];
  const first = words.findIndex((arg) => !arg.startsWith("-"));
  if (first !== -1 && words[first] === "help") {
    const rest = words.filter((_, i) => i !== first);
    return rest.some((arg) => arg === "--help" || arg === "-h") ? rest.map(longForm) : [...rest.map(longForm), "--help"];
  }
  const end = words.indexOf("--");
  return words.map((arg, i) => (end !== -1 && i > end ? arg : longForm(arg)));
}

/** `-days` → `--days`, `-pem` → `--pem`, `-ca-cert=x` → `--ca-cert=x`; `-q`, `-5`, `-` and `--x` unchanged. */
function longForm(arg: string): string {
  return /^-[A-Za-z][A-Za-z0-9-]+(=.*)?$/s.test(arg) ? `-${arg}` : arg;
}

/** `keepCaKey` (yargs echoes camelCase when a user types it) → `keep-ca-key`. */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Flags users bring from elasticsearch-certutil, openssl or step, with what to type instead.
 * `value` is what followed the flag on the command line, when anything did.
 */
const FOREIGN_FLAGS: Readonly<Record<string, (value: string | undefined) => string>> = {
  keysize: (value) => `use --key rsa:${value !== undefined && /^\d+$/.test(value) ? value : "N"} (or --key ec:p256)`,
  multiple: () => "certutil's --multiple prompts for instances; othername takes them from a file: --in instances.yml (or --name NAME for one)",
  verbose: () => "othername has no --verbose; --debug shows stack traces and more detail",
  "ca-key-size": () => "the CA's key type is set with --key on othername ca",
  p12: () => "PKCS#12 is the default output; --pem writes PEM instead",
  pkcs12: () => "PKCS#12 is the default output; --pem writes PEM instead",
  password: () => "use --pass-file FILE or --pass-env VAR (or --pass VALUE)",
  passout: () => "use --pass-file FILE or --pass-env VAR (or --pass VALUE)",
  passin: () => "use --pass-file FILE or --pass-env VAR",
  subj: () => "use --dn (othername ca) or --name/--cn (othername cert)",
  newkey: () => "use --key rsa:2048, rsa:4096, ec:p256 or ec:p384",
  config: () => "othername takes no config file; name the instances file with --in",
};

export interface UnknownFlag {
  /** As the user typed it, without dashes, kebab-case. */
  readonly name: string;
  /** A sentence saying what to use instead, when we know one. */
  readonly hint?: string;
}

/** Reads yargs' "Unknown argument(s): a, b" message; undefined for any other message. */
export function unknownFlagsIn(message: string): string[] | undefined {
  const match = /^Unknown arguments?: (.+)$/.exec(message);
  if (!match?.[1]) return undefined;
  return match[1].split(", ").map(kebabCase);
}

/**
 * One hint for an unknown flag: a known foreign flag says what to type instead; a flag of
 * another command names that command (`otherCommands` maps a command to its option names).
 */
export function hintForUnknownFlag(name: string, argv: readonly string[], command: string | undefined, otherCommands: ReadonlyMap<string, ReadonlySet<string>>): string | undefined {
  const foreign = FOREIGN_FLAGS[name];
  if (foreign) {
    const at = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
    const inline = at === -1 ? undefined : argv[at]?.split("=")[1];
    const next = at === -1 ? undefined : argv[at + 1];
    return `--${name}: ${foreign(inline ?? (next !== undefined && !next.startsWith("-") ? next : undefined))}.`;
  }
  // Commands of the same family first: `ece trust add` before `cert` for `ece trust show --name`.
  const family = command?.split(" ")[0];
  const owners = [...otherCommands]
    .filter(([other, options]) => other !== command && options.has(name))
    .map(([other]) => other)
    .sort((a, b) => Number(b.split(" ")[0] === family) - Number(a.split(" ")[0] === family));
  if (owners.length > 0) {
    const flag = name.length === 1 ? `-${name}` : `--${name}`;
    return `${flag} is an option of ${owners.map((o) => `othername ${o}`).join(", ")}${command ? `, not of othername ${command}` : ""}; see othername ${owners[0]} --help.`;
  }
  return undefined;
}
