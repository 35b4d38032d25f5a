import { Document, isAlias, isMap, isScalar, isSeq, Scalar, type Node as YamlNode } from "yaml";
import { OthernameError } from "../errors.js";
import { AutomatonBudget } from "./automaton-budget.js";
import { compilePattern, matcherFor, type CompiledPattern, type MatcherOptions, type PatternMatcher } from "./pattern.js";
import { aliasReading, aliasScanError, firstRefusedAnchorOrAliasKey } from "./yaml-alias-reading.js";
import { parseYamlDocuments, type YamlDocuments } from "./yaml-documents.js";
import { YamlTooLargeError } from "./yaml-node-bound.js";
import { TextPositions } from "./lint/positions.js";
import { sourceMap, styleOf } from "./scalar-source.js";
import { dialectCause, regexDialectNotes } from "./regex-dialect.js";
import { PatternSyntaxError } from "./regexp.js";

/**
 * Loading a `trust_restrictions` file the way Elasticsearch does
 * (`RestrictedTrustConfig.readTrustGroup`: `Settings.builder().loadFromPath(path)` then
 * `settings.getAsList("trust.subject_name")`):
 * - the content type comes from the file name: `.json`, `.yml`, `.yaml`, nothing else;
 * - nested objects flatten to dotted keys, so `trust: {subject_name: …}` = `trust.subject_name`
 *   (when both are present the later one wins, as in the settings builder's map);
 * - a list is used as-is; a scalar is split on "," (Java `String.split`, trailing empty pieces
 *   dropped) and each piece trimmed (Java `trim`: characters ≤ U+0020);
 * - a missing key, an empty list or an empty file load fine and trust no peer at all;
 * - a null value, or a null / object / list inside a list, fails the whole file;
 * - an unquoted `*name` is a YAML alias, which Elasticsearch's parser reads as the string `name`
 *   (it resolves no alias); `*.node.x` is refused by its scanner, and with it the whole file
 *   (yaml-alias-reading.ts).
 * Work is linear in the file (at most 1 MiB and 50,000 YAML nodes), each distinct pattern is compiled
 * once, and the patterns together share one automaton budget (automaton-budget.ts).
 * Pure: text in, result out; source positions (1-based) kept for the linter.
 */

export interface SourcePattern {
  readonly text: string;
  /** 1-based line and column of the YAML/JSON value the pattern came from. */
  readonly line: number;
  readonly column: number;
}

type PositionOf = (index: number) => { readonly line: number; readonly column: number } | undefined;
/**
 * Line and column of character `index` of a pattern read here, when its value maps exactly (one
 * line, known escapes): kept beside the data, so a SourcePattern stays plain data.
 */
const positionsOfPattern = new WeakMap<SourcePattern, PositionOf>();
const positionOf = (p: SourcePattern, index: number) => positionsOfPattern.get(p)?.(index);
/** The pattern, remembering where its characters sit. */
function located(p: SourcePattern, at: PositionOf): SourcePattern {
  positionsOfPattern.set(p, at);
  return p;
}

export type TrustRestrictionsRead =
  | {
      readonly ok: true;
      readonly patterns: readonly SourcePattern[];
      readonly warnings: readonly string[];
      /** How the patterns were given: a list, a comma-separated scalar, or not at all. */
      readonly form: "list" | "scalar" | "missing";
      /** True when no pattern is configured: Elasticsearch then rejects every peer. */
      readonly rejectsEveryPeer: boolean;
    }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly line?: number;
      readonly column?: number;
      /** Set when othername's own bound refused the file (YAML_TOO_LARGE), not Elasticsearch. */
      readonly code?: string;
    };

export type TrustRestrictionsLoad =
  | (Extract<TrustRestrictionsRead, { ok: true }> & { readonly compiled: readonly CompiledPattern[]; readonly matcher: PatternMatcher })
  | {
      readonly ok: false;
      readonly reason: string;
      readonly line?: number;
      readonly column?: number;
      /** The pattern that failed to compile, when that is the reason. */
      readonly pattern?: string;
      readonly code?: string;
    };

/** The settings key Elasticsearch reads. */
export const SUBJECT_NAME_KEY = "trust.subject_name";

type Setting =
  | { readonly kind: "list"; readonly items: readonly SourcePattern[]; readonly line: number; readonly column: number }
  | {
      readonly kind: "scalar";
      readonly value: string;
      readonly line: number;
      readonly column: number;
      readonly plainSingleLine: boolean;
      readonly positionOf: PositionOf;
    };

class LoadFailure extends Error {
  constructor(
    readonly reason: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(reason);
  }
}

/**
 * Reads the patterns of a trust_restrictions file without compiling them (nested and flat keys alike,
 * a scalar split on commas as Elasticsearch splits it).
 *
 * @param input - The file's name and text.
 * @param documents - The text already parsed with `parseYamlDocuments` (the linter shares one parse); parsed here when absent.
 * @returns `{ ok: true, patterns }` with their source positions, or `{ ok: false, reason }`.
 * @example
 * ```ts
 * const read = readTrustRestrictions({ fileName: "trust.yml", text });
 * if (read.ok) read.patterns.map((p) => p.text);
 * ```
 */
export function readTrustRestrictions(input: { readonly fileName: string; readonly text: string }, documents?: YamlDocuments): TrustRestrictionsRead {
  const { fileName, text } = input;
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  if (!(base.endsWith(".json") || base.endsWith(".yml") || base.endsWith(".yaml"))) {
    return { ok: false, reason: `unable to detect content type from resource name [${base}]` };
  }
  const isJson = base.endsWith(".json");
  const control = firstNonPrintable(text, isJson);
  if (control !== undefined) {
    const { line, column } = lineAndColumn(text, control);
    const code = `U+${text.charCodeAt(control).toString(16).toUpperCase().padStart(4, "0")}`;
    return { ok: false, reason: `the file holds the control character ${code} at line ${line}, column ${column}: it is not ${isJson ? "JSON" : "YAML"} text (the parser refuses non-printable characters)`, line, column };
  }
  try {
    const settings = parseSettings(text, isJson, documents ?? parseYamlDocuments(text));
    const warnings: string[] = [...settings.warnings];
    const setting = settings.map.get(SUBJECT_NAME_KEY);
    if (setting === undefined) {
      return { ok: true, patterns: [], warnings: [...warnings, `no "${SUBJECT_NAME_KEY}" key: Elasticsearch loads the file and then rejects every peer`], form: "missing", rejectsEveryPeer: true };
    }
    let patterns: SourcePattern[];
    let form: "list" | "scalar";
    if (setting.kind === "list") {
      patterns = [...setting.items];
      form = "list";
    } else {
      patterns = splitScalar(setting);
      form = "scalar";
    }
    if (patterns.length === 0) warnings.push(`"${SUBJECT_NAME_KEY}" is empty: Elasticsearch loads the file and then rejects every peer`);
    return { ok: true, patterns, warnings, form, rejectsEveryPeer: patterns.length === 0 };
  } catch (error) {
    if (error instanceof LoadFailure) {
      return { ok: false, reason: error.reason, ...(error.line !== undefined ? { line: error.line, column: error.column } : {}) };
    }
    if (error instanceof YamlTooLargeError) {
      const { line, column } = lineAndColumn(text, error.offset);
      return { ok: false, reason: error.message, line, column, code: error.code };
    }
    throw error;
  }
}

/**
 * Loads a trust_restrictions file exactly as Elasticsearch loads the setting
 * `xpack.security.transport.ssl.trust_restrictions.path`, and compiles it: any invalid pattern
 * refuses the whole file, as in Elasticsearch.
 *
 * @param input - The file's name (its extension picks YAML or JSON) and text.
 * @param options - Pattern and union state limits.
 * @returns `{ ok: true, patterns, matcher }`, or `{ ok: false, reason }` in Elasticsearch's terms.
 * @example
 * ```ts
 * const loaded = loadTrustRestrictions({ fileName: "trust.yml", text: 'trust.subject_name: ["*.node.c1.cluster.s1.account"]' });
 * if (loaded.ok) loaded.matcher.firstMatch("n1.node.c1.cluster.s1.account");
 * ```
 */
export function loadTrustRestrictions(input: { readonly fileName: string; readonly text: string }, options: MatcherOptions = {}): TrustRestrictionsLoad {
  const read = readTrustRestrictions(input);
  if (!read.ok) return read;
  const budget = options.budget ?? new AutomatonBudget(undefined, `the trust patterns of ${input.fileName}`);
  const compileOptions = { ...options, budget };
  const compiled: CompiledPattern[] = [];
  const byText = new Map<string, CompiledPattern>();
  const warnings = [...read.warnings];
  for (const p of read.patterns) {
    const known = byText.get(p.text);
    if (known !== undefined) {
      compiled.push(known); // the same text again: compiled and reported once
      continue;
    }
    try {
      const c = compilePattern(p.text, compileOptions);
      byText.set(p.text, c);
      compiled.push(c);
      for (const w of c.warnings) warnings.push(`pattern [${p.text}] at line ${p.line}, column ${p.column}: ${w}`);
      // Java/PCRE/JavaScript habits Lucene reads otherwise, where `lint` reports them (regex-dialect).
      if (c.kind === "regex") {
        for (const note of regexDialectNotes(p.text.slice(1, -1))) {
          const at = positionOf(p, note.index + 1) ?? p;
          warnings.push(`pattern [${p.text}] at line ${at.line}, column ${at.column}: ${note.message}`);
        }
      }
    } catch (error) {
      if (!(error instanceof OthernameError)) throw error;
      if (error instanceof PatternSyntaxError) {
        // The character Lucene stopped at (+1 for the opening "/"), as `lint` reports it.
        const at = positionOf(p, error.position + 1) ?? p;
        const cause = dialectCause(p.text.slice(1, -1), error.position);
        return {
          ok: false,
          reason: `invalid trust pattern [${p.text}] at line ${at.line}, column ${at.column}: ${error.message}${cause ? ` (${cause.message})` : ""}`,
          line: at.line,
          column: at.column,
          pattern: p.text,
          code: error.code,
        };
      }
      if (error.code === "TRUST_AUTOMATON_BUDGET") {
        const at = positionOf(p, 0) ?? p;
        return { ok: false, reason: `${error.message}; the budget ran out at pattern [${p.text}] at line ${at.line}, column ${at.column}`, line: at.line, column: at.column, code: error.code };
      }
      const at = positionOf(p, 0) ?? p; // the pattern's first character, as `lint` reports it
      return {
        ok: false,
        reason: `invalid trust pattern [${p.text}] at line ${at.line}, column ${at.column}: ${error.message}`,
        line: at.line,
        column: at.column,
        pattern: p.text,
        code: error.code,
      };
    }
  }
  return { ...read, warnings, compiled, matcher: matcherFor(compiled, compileOptions) };
}

/** Java's `String.split(",")` (trailing empty strings removed) with each piece `trim()`med. */
function splitScalar(setting: Extract<Setting, { kind: "scalar" }>): SourcePattern[] {
  if (setting.value.length === 0) return []; // Strings.splitStringByCommaToArray("") is empty
  const pieces = setting.value.split(",");
  while (pieces.length > 0 && pieces[pieces.length - 1] === "") pieces.pop();
  const out: SourcePattern[] = [];
  let offset = 0;
  for (const piece of pieces) {
    const trimmed = javaTrim(piece);
    const lead = piece.length - piece.replace(/^[\u0000-\u0020]+/, "").length;
    const base = offset + lead;
    out.push(
      located(
        { text: trimmed, line: setting.line, column: setting.plainSingleLine ? setting.column + base : setting.column },
        (i) => (i >= 0 && i <= trimmed.length ? setting.positionOf(base + i) : undefined),
      ),
    );
    offset += piece.length + 1;
  }
  return out;
}

/**
 * Offset of the first character the parser refuses: YAML (SnakeYAML's printable set) allows tab,
 * line feed, carriage return, U+0085 and everything from U+0020 but DEL and the C1 controls;
 * JSON refuses the C0 controls but tab, line feed and carriage return. A binary file fails here.
 */
export function firstNonPrintable(text: string, isJson: boolean): number | undefined {
  // eslint-disable-next-line no-control-regex
  const match = (isJson ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/ : /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/).exec(text);
  return match?.index;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** Java `String.trim()`: strips code units ≤ U+0020 at both ends (not Unicode spaces). */
export function javaTrim(s: string): string {
  return s.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
}

/** Flattens the document into dotted settings keys, as `Settings.fromXContent` does. */
function parseSettings(text: string, isJson: boolean, docs: YamlDocuments): { map: Map<string, Setting>; warnings: string[] } {
  const positions = new TextPositions(text);
  const pos = (offset: number) => {
    const { line, column } = positions.at(offset);
    return { line, col: column };
  };
  const fail = (reason: string, offset?: number): LoadFailure => {
    if (offset === undefined) return new LoadFailure(reason);
    const { line, col } = pos(offset);
    return new LoadFailure(reason, line, col);
  };
  const warnings: string[] = [];
  const map = new Map<string, Setting>();
  /** Where each character of a scalar's value sits (computed only when asked: a refusal or a warning). */
  const positionsIn = (node: Scalar) => {
    let offsets: number[] | undefined | null = null;
    const start = node.range?.[0] ?? 0;
    return (index: number) => {
      if (offsets === null) offsets = sourceMap(scalarText(node), text.slice(start, node.range?.[1] ?? start), styleOf(node));
      const offset = offsets?.[index];
      return offset === undefined ? undefined : positions.at(start + offset);
    };
  };
  const list = docs;
  if (list.length === 0) return { map, warnings }; // empty file, or only comments
  const doc = list[0] as Document.Parsed;
  for (const error of doc.errors) {
    const offset = error.pos[0];
    if (error.code === "DUPLICATE_KEY") throw fail(`duplicate field: ${error.message}`, offset);
    throw fail(`cannot parse ${isJson ? "JSON" : "YAML"}: ${error.message.split("\n")[0]}`, offset);
  }
  if (list.length > 1) {
    const second = list[1] as Document.Parsed;
    throw fail("malformed, expected end of settings but encountered additional content", second.range[0]);
  }
  const root = doc.contents;
  if (root === null || root === undefined) return { map, warnings };
  if (!isMap(root)) {
    throw fail(`expecting token of type [START_OBJECT] but found [${isSeq(root) ? "START_ARRAY" : "VALUE"}]`, root.range?.[0]);
  }

  const refused = firstRefusedAnchorOrAliasKey(doc);
  if (refused !== undefined) throw fail(`${refused.reason}: Elasticsearch refuses the whole file`, refused.offset);
  // Jackson reads an alias as the string of its name, never what its anchor holds (yaml-alias-reading.ts).
  /** How often each alias name is read as a trust pattern (warned once per name; aliases elsewhere do not matter). */
  const aliasUses = new Map<string, number>();
  const fromAlias = new WeakSet<Scalar>();
  const countAlias = (key: string, node: unknown): void => {
    if (key !== SUBJECT_NAME_KEY || !isScalar(node) || !fromAlias.has(node)) return;
    const name = String(node.value);
    aliasUses.set(name, (aliasUses.get(name) ?? 0) + 1);
  };
  const resolve = (node: unknown): unknown => {
    if (!isAlias(node)) return node;
    const offset = node.range?.[0];
    const problem = aliasScanError(node.source);
    if (problem !== undefined) {
      throw fail(
        `an unquoted value starting with '*' is a YAML alias, and Elasticsearch's YAML parser refuses it (while scanning an alias: ${problem}): Elasticsearch refuses the whole file; quote the pattern, e.g. "*${node.source}"`,
        offset,
      );
    }
    const reading = aliasReading(node.source);
    // The string starts after the '*': it is the name exactly as written.
    const scalar = new Scalar(reading);
    scalar.type = "PLAIN";
    const nameStart = (offset ?? 0) + 1;
    scalar.range = [nameStart, nameStart + reading.length, nameStart + reading.length];
    fromAlias.add(scalar);
    return scalar;
  };

  // The settings builder keeps the last value for a key given twice (nested and flat forms).
  const set = (key: string, setting: Setting): void => {
    const previous = map.get(key);
    if (previous !== undefined) {
      warnings.push(`"${key}" is set twice (line ${previous.line} and line ${setting.line}); Elasticsearch keeps only the last one`);
    }
    map.set(key, setting);
  };

  const walk = (node: unknown, prefix: string): void => {
    const m = resolve(node);
    if (!isMap(m)) return;
    for (const pair of m.items) {
      const keyNode = resolve(pair.key);
      const keyText = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const key = prefix + keyText;
      const value = resolve(pair.value);
      const keyOffset = isScalar(keyNode) ? keyNode.range?.[0] : undefined;
      if (isMap(value)) {
        walk(value, `${key}.`);
      } else if (isSeq(value)) {
        const items: SourcePattern[] = [];
        for (const raw of value.items) {
          const item = resolve(raw);
          countAlias(key, item);
          const offset = (item as YamlNode | null)?.range?.[0] ?? (raw as YamlNode | null)?.range?.[0] ?? value.range?.[0];
          if (!isScalar(item) || item.value === null || item.value === undefined) {
            throw fail(`only value lists are allowed in serialized settings: [${key}] holds ${isScalar(item) || item == null ? "a null item" : "a nested object or list"}`, offset);
          }
          const p = pos(item.range?.[0] ?? 0);
          items.push(located({ text: scalarText(item), line: p.line, column: p.col }, positionsIn(item)));
        }
        const p = pos(value.range?.[0] ?? 0);
        set(key, { kind: "list", items, line: p.line, column: p.col });
      } else if (value === null || value === undefined || (isScalar(value) && (value.value === null || value.value === undefined))) {
        const offset = (value as YamlNode | null)?.range?.[0] ?? keyOffset;
        const p = offset === undefined ? undefined : pos(offset);
        throw new LoadFailure(
          `null-valued setting found for key [${key}]${p ? ` found at line number [${p.line}], column number [${p.col}]` : ""}`,
          p?.line,
          p?.col,
        );
      } else if (isScalar(value)) {
        countAlias(key, value);
        const p = pos(value.range?.[0] ?? 0);
        const plainSingleLine = value.type === "PLAIN" && !scalarText(value).includes("\n");
        set(key, { kind: "scalar", value: scalarText(value), line: p.line, column: p.col, plainSingleLine, positionOf: positionsIn(value) });
      }
    }
  };
  walk(root, "");
  // One warning per alias name, however many times it is used.
  for (const [name, uses] of aliasUses) {
    warnings.push(
      `YAML alias *${name}${uses > 1 ? ` (${uses} times)` : ""} is read by Elasticsearch as the string "${name}": its YAML parser does not resolve aliases; quote values starting with '*'`,
    );
  }
  return { map, warnings };
}

/** The text Elasticsearch's parser hands over for a scalar: strings as they are, numbers and booleans as written. */
function scalarText(node: { value: unknown; source?: string }): string {
  if (typeof node.value === "string") return node.value;
  return node.source ?? String(node.value);
}
