import { CST, Lexer } from "yaml";
import { OthernameError } from "../errors.js";

/**
 * The most YAML nodes (values, aliases, list entries, keys and collections) a file may hold before
 * it is parsed. The parser builds about 1.4 KB of syntax tree per entry: 100,000 aliases
 * (`[&p "…", *p, *p, …]`, 400 KB) cost 1.3 s and over 200 MB before a single value is read, and a
 * 16 MiB file of entries would cost minutes and gigabytes. A trust_restrictions file holds a pattern
 * per cluster or scope, far below this; Elasticsearch itself has no such limit.
 */
export const MAX_YAML_NODES = 50_000;

/**
 * The longest YAML text parsed, in characters (1 MiB). Comments and long scalars are not nodes but
 * cost parse time too: 16 MiB of comment lines take the parser 12 s and 600 MB.
 */
export const MAX_YAML_CHARS = 1024 * 1024;

/** A file refused before parsing: longer than MAX_YAML_CHARS, or more than MAX_YAML_NODES nodes. */
export class YamlTooLargeError extends OthernameError {
  constructor(
    /** Offset in the text where the limit was passed. */
    readonly offset: number,
    reason: string,
  ) {
    super("YAML_TOO_LARGE", reason, {
      hint: "A trust_restrictions file needs a pattern per cluster or scope, not thousands; this bound keeps a hostile file from costing minutes and gigabytes (Elasticsearch has no such limit).",
    });
  }
}

// The lexer's markers that are not text of the file (yaml's CST: document, flow error end, plain scalar).
const MARKERS = new Set<string>([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);
const NODE_TOKENS = new Set<string>([
  "scalar",
  "single-quoted-scalar",
  "double-quoted-scalar",
  "block-scalar-header",
  "alias",
  "seq-item-ind",
  "comma",
  "map-value-ind",
  "explicit-key-ind",
  "flow-seq-start",
  "flow-map-start",
]);

/**
 * Counts the nodes of a YAML text with the lexer alone (a stream of tokens, nothing kept), and
 * stops at the first one past `limit`: the check costs a small part of the parse it guards.
 *
 * @param text - A YAML or JSON text.
 * @param limit - The most nodes allowed.
 * @returns The offset of the first node past `limit`, or undefined when the text is within it.
 * @example
 * ```ts
 * firstYamlNodeBeyond('trust.subject_name: ["a", "b"]\n', 3); // 21: "a" is the fourth node
 * ```
 */
export function firstYamlNodeBeyond(text: string, limit: number = MAX_YAML_NODES): number | undefined {
  let nodes = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (MARKERS.has(token)) {
      if (token === CST.SCALAR && ++nodes > limit) return offset;
      continue;
    }
    const type = CST.tokenType(token);
    if (type !== null && type !== "scalar" && NODE_TOKENS.has(type) && ++nodes > limit) return offset;
    offset += token.length;
  }
  return undefined;
}

/**
 * Throws YamlTooLargeError when `text` is longer than MAX_YAML_CHARS or holds more than `limit`
 * YAML nodes (see MAX_YAML_NODES): checked before the parser runs, so a refusal costs little.
 *
 * @param text - A YAML or JSON text, before it is parsed.
 * @param limit - The most nodes allowed.
 * @throws OthernameError `YAML_TOO_LARGE` (a YamlTooLargeError, with the offset) past either limit.
 * @example
 * ```ts
 * assertYamlWithinBound("trust.subject_name: []\n"); // within: 3 nodes (the key, ":" and "[")
 * ```
 */
export function assertYamlWithinBound(text: string, limit: number = MAX_YAML_NODES): void {
  if (text.length > MAX_YAML_CHARS) {
    throw new YamlTooLargeError(MAX_YAML_CHARS, `the file has ${text.length.toLocaleString("en-US")} characters: othername parses YAML of at most ${MAX_YAML_CHARS.toLocaleString("en-US")} (1 MiB)`);
  }
  const beyond = firstYamlNodeBeyond(text, limit);
  if (beyond !== undefined) {
    const most = limit.toLocaleString("en-US");
    throw new YamlTooLargeError(beyond, `the file holds more than ${most} YAML nodes (values, aliases, list entries and keys): othername reads at most ${most}, and stopped counting here`);
  }
}
