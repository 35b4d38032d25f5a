import { OthernameError } from "../../../errors.js";

/** Every flag of `othername ece …` (one yargs command with `<topic> [action]` positionals). */
export interface EceArgs {
  /** Positionals as yargs leaves them: ["ece", "trust", "add"]. */
  readonly _?: readonly (string | number)[];
  readonly topic?: string;
  readonly action?: string;
  readonly deployment?: string;
  readonly "ref-id"?: string;
  readonly url?: string;
  readonly user?: string;
  readonly "api-ca"?: string;
  readonly insecure?: boolean;
  readonly timeout?: string;
  readonly json?: boolean;
  readonly name?: string;
  readonly ca?: string;
  readonly "node-name"?: readonly string[];
  readonly "from-bundle"?: string;
  readonly "pass-file"?: string;
  readonly "pass-env"?: string;
  readonly scope?: string;
  readonly cluster?: readonly string[];
  readonly "trust-all"?: boolean;
  readonly "dry-run"?: boolean;
  readonly yes?: boolean;
  readonly out?: string;
  readonly force?: boolean;
  readonly "also-trust"?: readonly string[];
}

export type EceSubcommand = "trust show" | "trust add" | "trust remove" | "ca";

const CONNECTION = ["deployment", "ref-id", "url", "user", "api-ca", "insecure", "timeout", "json"] as const;

/** Which flags each subcommand takes, beyond the connection flags. */
const FLAGS: Readonly<Record<EceSubcommand, readonly (keyof EceArgs)[]>> = {
  "trust show": [],
  "trust add": ["name", "ca", "node-name", "from-bundle", "pass-file", "pass-env", "scope", "cluster", "trust-all", "dry-run", "yes"],
  "trust remove": ["name", "dry-run", "yes"],
  ca: ["out", "force", "also-trust"],
};

const ALL_FLAGS = [...new Set(Object.values(FLAGS).flat())];

/** Picks the subcommand from the positionals and refuses flags that belong to another one. */
export function subcommandOf(args: EceArgs): EceSubcommand {
  const usage = (message: string): OthernameError =>
    new OthernameError("USAGE", message, { kind: "usage", hint: "See othername ece --help." });
  let sub: EceSubcommand;
  const words = (args._ ?? []).map(String);
  const at = words.indexOf("ece");
  const topic = args.topic ?? words[at + 1];
  const action = args.action ?? words[at + 2];
  args = { ...args, topic, action };
  if (args.topic === "trust") {
    if (args.action !== "show" && args.action !== "add" && args.action !== "remove") {
      throw usage(`missing or unknown action for ece trust: ${args.action ?? "(none)"}; use show, add or remove`);
    }
    sub = `trust ${args.action}`;
  } else if (args.topic === "ca") {
    if (args.action !== undefined) throw usage(`unexpected argument for ece ca: ${args.action}`);
    sub = "ca";
  } else {
    throw usage(`unknown ece topic: ${args.topic}; use trust or ca`);
  }
  const allowed = new Set<string>([...CONNECTION, ...FLAGS[sub]]);
  for (const flag of ALL_FLAGS) {
    if (!allowed.has(flag) && args[flag] !== undefined) throw usage(`--${flag} does not apply to othername ece ${sub}`);
  }
  if (args.deployment === undefined || args.deployment === "") throw usage(`othername ece ${sub} needs --deployment ID`);
  return sub;
}
