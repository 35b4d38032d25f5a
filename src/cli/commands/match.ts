import type { Readable } from "node:stream";
import { ExitCode, OthernameError } from "../../errors.js";
import { MAX_INPUT_BYTES, readInputFile, readStreamBounded, tooLarge } from "../../io/read-input.js";
import { loadTrustRestrictions, type TrustRestrictionsLoad } from "../../trust/restrictions.js";
import { defineCommand } from "../command.js";
import type { CommandContext } from "../context.js";
import { escapeField } from "../terminal-text.js";

interface MatchArgs {
  readonly restrictions: string;
  readonly names?: readonly (string | number)[];
  readonly json: boolean;
}

export default defineCommand<MatchArgs>({
  command: "match [names..]",
  describe: "Evaluate names against a trust_restrictions file exactly as Elasticsearch would",
  builder: (yargs) =>
    yargs
      // Keeps a lone "-" (stdin) among the names: yargs otherwise drops it from array positionals.
      .parserConfiguration({ "unknown-options-as-args": true })
      .positional("names", { type: "string", array: true, describe: "Names to test (otherName common names), or - to read one per line from stdin" })
      .option("restrictions", { type: "string", demandOption: true, requiresArg: true, describe: "The trust_restrictions file (.yml, .yaml or .json)" })
      .option("json", { type: "boolean", default: false, describe: 'Print {"patterns":[…],"results":[{"name","trusted","pattern"}]}' })
      .epilogue(
        "Output: one line per name, NAME<TAB>true or NAME<TAB>false. Exit 0 when every name is trusted, 1 when any is not, " +
          "3 when Elasticsearch would refuse to load the file (the reason is printed).",
      )
      .example("$0 match --restrictions trust_restrictions.yml node1.node.abc.cluster.s1.account", "Is this name trusted?")
      .example("cut -f1 names.txt | $0 match --restrictions trust.yml - --json", "Names from stdin, JSON out"),
  run: async (args, ctx) => {
    const loaded = await loadRestrictionsFile(args.restrictions, ctx);
    const names = await namesFrom(args, ctx.io.stdin);
    const { matcher } = loaded;
    const results = names.map((name) => {
      const index = matcher.firstMatch(name);
      return { name, trusted: index >= 0, pattern: index >= 0 ? (loaded.patterns[index]?.text ?? null) : null };
    });
    if (args.json) ctx.json({ patterns: loaded.patterns.map((p) => p.text), results });
    else for (const r of results) ctx.out(`${escapeField(r.name)}\t${r.trusted}`);
    return results.every((r) => r.trusted) ? ExitCode.ok : ExitCode.no;
  },
});

/**
 * Reads and compiles a trust_restrictions file for a command; a file Elasticsearch would refuse
 * is bad input (exit 3) with its reason. Warnings (e.g. "rejects every peer") go to stderr.
 */
export async function loadRestrictionsFile(path: string, ctx: CommandContext): Promise<Extract<TrustRestrictionsLoad, { ok: true }>> {
  const bytes = await readInputFile(path, ctx.io.cwd, "trust_restrictions file");
  // Elasticsearch reads settings files as UTF-8 (Jackson detects UTF-16/32 by BOM; not supported here).
  const text = new TextDecoder("utf-8").decode(bytes);
  const loaded = loadTrustRestrictions({ fileName: path, text });
  if (!loaded.ok) {
    const where = loaded.line !== undefined ? `:${loaded.line}:${loaded.column ?? 1}` : "";
    // othername's own bounds refused it, not Elasticsearch.
    if (loaded.code === "TRUST_AUTOMATON_BUDGET" || loaded.code === "YAML_TOO_LARGE") {
      throw new OthernameError(loaded.code, `cannot load trust_restrictions file ${path}${where}: ${loaded.reason}`, {
        hint:
          loaded.code === "TRUST_AUTOMATON_BUDGET"
            ? "Use fewer or simpler patterns: one wildcard per cluster (e.g. *.node.CLUSTER.cluster.SCOPE) instead of many regular expressions."
            : "A trust_restrictions file needs a pattern per cluster or scope (e.g. *.node.CLUSTER.cluster.SCOPE); this bound keeps a hostile file from costing minutes and gigabytes.",
      });
    }
    throw new OthernameError("TRUST_FILE_REFUSED", `Elasticsearch would refuse trust_restrictions file ${path}${where}: ${loaded.reason}`, {
      hint: loaded.pattern !== undefined ? "Fix or remove that pattern; one invalid pattern makes Elasticsearch refuse the whole file." : "Fix the file; `othername lint` explains each problem.",
    });
  }
  for (const warning of loaded.warnings) ctx.warn(`${path}: ${warning}`);
  if (loaded.matcher.strategy === "per-pattern") {
    ctx.warn(`${path}: the patterns' union automaton is too large; matching pattern by pattern (same answers, slower)`);
  }
  return loaded;
}

async function namesFrom(args: MatchArgs, stdin: Readable): Promise<string[]> {
  const given = (args.names ?? []).map(String);
  if (given.length === 0) {
    throw new OthernameError("USAGE_NO_NAMES", "match: no names given", {
      kind: "usage",
      hint: "Pass names as arguments, or - to read one name per line from stdin.",
    });
  }
  const names: string[] = [];
  for (const name of given) {
    if (name.length > 1 && name.startsWith("-")) {
      // With "unknown-options-as-args", a mistyped option arrives here as a name.
      throw new OthernameError("USAGE_UNKNOWN_OPTION", `match: unknown option ${name}`, {
        kind: "usage",
        hint: "See othername match --help; a name that starts with '-' can be given on stdin with -.",
      });
    }
    if (name !== "-") {
      names.push(name);
      continue;
    }
    // Bounded while reading: a huge or endless stdin stops at MAX_INPUT_BYTES (exit 3).
    const read = await readStreamBounded(stdin, MAX_INPUT_BYTES);
    if (read.tooLarge) throw tooLarge("names from", "standard input (-)");
    const text = new TextDecoder("utf-8").decode(read.bytes);
    const lines = text.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
    // Blank lines (a trailing newline, a paragraph gap in a pasted list) are not names.
    names.push(...lines.filter((line) => line.trim() !== ""));
  }
  return names;
}
