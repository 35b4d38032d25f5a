import { isAlias, isMap, isScalar, isSeq, type Node as YamlNode, type Scalar } from "yaml";
import { SUBJECT_NAME_KEY, javaTrim } from "../restrictions.js";
import type { LintFinding, TextEdit } from "./finding.js";
import { aliasReading, aliasScanError, firstRefusedAnchorOrAliasKey } from "../yaml-alias-reading.js";
import { parseYamlDocuments, type YamlDocuments } from "../yaml-documents.js";
import { misspelledSubjectNameKey } from "./misspelled-key.js";
import { TextPositions } from "./positions.js";
import { sourceMap, styleOf, type ScalarStyle } from "../scalar-source.js";

/** AsciiDoc callouts as Elastic's documentation prints them after a line: ` <1>`. */
export const CALLOUT = /[ \t]+<\d{1,3}>[ \t]*$/;

/**
 * YAML errors that concern one node only (a bad escape, a duplicate key): the parser reads the
 * rest of the file as written. After any other error it is guessing the structure.
 */
const LOCAL_YAML_ERRORS: ReadonlySet<string> = new Set([
  "ALIAS_PROPS",
  "BAD_ALIAS",
  "BAD_DQ_ESCAPE",
  "BAD_PROP_ORDER",
  "DUPLICATE_KEY",
  "KEY_OVER_1024_CHARS",
  "MULTIPLE_ANCHORS",
  "MULTIPLE_TAGS",
  "NON_STRING_KEY",
  "TAG_RESOLVE_FAILED",
]);

/**
 * A trust_restrictions file read for linting: the patterns with where each character of each
 * pattern sits in the source (so findings point inside a pattern and fixes edit exact ranges),
 * plus the structural findings (syntax, aliases, nulls, missing key). Keys flatten the way
 * Elasticsearch's settings loader flattens them (`trust: {subject_name: …}` = `trust.subject_name`).
 */
export type { ScalarStyle } from "../scalar-source.js";

export interface PatternEntry {
  /** The pattern text: what Elasticsearch reads, or for an unquoted alias, what the user wrote. */
  readonly text: string;
  /** Offsets of the whole YAML node in the source. */
  readonly start: number;
  readonly end: number;
  readonly style: ScalarStyle;
  /** "list": an item of a YAML list; "scalar": a piece of a comma-separated string value. */
  readonly form: "list" | "scalar";
  /** The item sits in a flow sequence (`[a, b]`). */
  readonly flow: boolean;
  /** Source offset of character `index` of `text` (0..text.length), when the mapping is exact. */
  readonly sourceOffset: (index: number) => number | undefined;
}

export interface ScalarSetting {
  readonly start: number;
  readonly end: number;
  readonly value: string;
  readonly pieces: number;
}

export interface TrustSource {
  readonly positions: TextPositions;
  readonly findings: readonly LintFinding[];
  readonly entries: readonly PatternEntry[];
  /**
   * YAML errors not explained by an alias finding: the file is refused. The entries keep only
   * the patterns read as written (before the first structural error, not inside a broken node),
   * so the pattern rules still run on them.
   */
  readonly syntaxBroken: boolean;
  readonly form: "list" | "scalar" | "missing";
  /** Offsets of the `trust.subject_name` key (or its last path segment), when present. */
  readonly keyAt?: { readonly start: number; readonly end: number };
  /** A key that looks like a misspelled `trust.subject_name` (used for the patterns when the real key is missing). */
  readonly misspelledKey?: { readonly key: string; readonly start: number; readonly end: number };
  readonly scalar?: ScalarSetting;
}

/**
 * Reads a trust_restrictions file for the rules.
 *
 * @param text - The file's text.
 * @param documents - The text already parsed (`parseYamlDocuments`), so the file is parsed once per lint.
 * @param positions - Where offsets are reported (a repaired text reports the original's lines and columns).
 */
export function readTrustSource(text: string, documents: YamlDocuments = parseYamlDocuments(text), positions: TextPositions = new TextPositions(text)): TrustSource {
  const doc = documents[0];
  const findings: LintFinding[] = [];
  const range = (start: number, end: number) => {
    const a = positions.at(start);
    const b = positions.at(end);
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  };
  const aliasLines = new Set<number>();
  const entries: PatternEntry[] = [];
  type Setting = { form: "list" | "scalar"; keyAt: { start: number; end: number }; entries: PatternEntry[]; scalar?: ScalarSetting };
  let setting: Setting | undefined;
  let misspelled: (Setting & { key: string }) | undefined;
  /** Records the value of `trust.subject_name`, or of the first key that looks like a misspelling of it. */
  const record = (key: string, value: Setting): void => {
    if (key === SUBJECT_NAME_KEY) setting = value;
    else if (misspelled === undefined && misspelledSubjectNameKey(key)) misspelled = { ...value, key };
  };

  const aliasesRead = new Map<string, { start: number; end: number; written: string; quoted: string; uses: number; edits: TextEdit[] }>();
  /**
   * An unquoted `*…` item or value: a YAML alias. Elasticsearch's parser (Jackson) reads it as the
   * string of its name, or refuses the file when SnakeYAML cannot scan the name (yaml-alias-reading.ts).
   */
  const aliasEntry = (node: YamlNode, flow: boolean, form: "list" | "scalar"): PatternEntry => {
    const start = node.range?.[0] ?? 0;
    const end = aliasExtent(text, start, flow, positions);
    const written = text.slice(start, end);
    aliasLines.add(positions.at(start).line);
    // A documentation callout after it (` <1>`) is left outside the quotes: it is never part of the pattern.
    const callout = CALLOUT.exec(written);
    const quoted = quoteYaml(callout ? written.slice(0, callout.index) : written);
    const name = isAlias(node) ? node.source : written.slice(1);
    const fix = { description: `quote the pattern: ${quoted}${callout ? `, dropping "${callout[0].trim()}"` : ""}`, edits: [{ ...range(start, end), text: quoted }] };
    const problem = aliasScanError(name);
    if (problem !== undefined) {
      findings.push({
        rule: "unquoted-alias",
        severity: "error",
        ...range(start, end),
        message:
          `unquoted value ${written} starts with '*', which YAML reads as an alias, and Elasticsearch's YAML parser refuses it (while scanning an alias: ${problem}): ` +
          `Elasticsearch refuses the whole file; quote it: ${quoted}${callout ? ` (without the callout "${callout[0].trim()}")` : ""}`,
        fix,
      });
      return { text: written, start, end, style: "alias", form, flow, sourceOffset: (i) => (i >= 0 && i <= written.length ? start + i : undefined) };
    }
    const reading = aliasReading(name);
    // Reported once per name (10,000 uses of *p are one finding), with one fix quoting every use.
    const known = aliasesRead.get(reading);
    if (known) {
      known.uses++;
      known.edits.push(...fix.edits);
    } else {
      aliasesRead.set(reading, { start, end, written, quoted, uses: 1, edits: [...fix.edits] });
    }
    return { text: reading, start, end, style: "alias", form, flow, sourceOffset: (i) => (i >= 0 && i <= reading.length ? start + 1 + i : undefined) };
  };

  const nullFinding = (node: YamlNode | null | undefined, fallback: number, what: string) => {
    const start = node?.range?.[0] ?? fallback;
    findings.push({
      rule: "null-entry",
      severity: "error",
      ...range(start, Math.max(start, node?.range?.[1] ?? start)),
      message: `${what} is null (empty or "null"/"~"): Elasticsearch refuses the whole file ("null-valued setting"); remove it or give a value`,
    });
  };

  const walk = (node: unknown, prefix: string): void => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      const keyText = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const key = prefix + keyText;
      const keyStart = keyNode?.range?.[0] ?? 0;
      const keyEnd = keyNode?.range?.[1] ?? keyStart;
      const value = pair.value as YamlNode | null;
      if (isAlias(value)) {
        if (key === SUBJECT_NAME_KEY || misspelledSubjectNameKey(key)) {
          const entry = aliasEntry(value, false, "scalar");
          record(key, { form: "scalar", keyAt: { start: keyStart, end: keyEnd }, entries: entry.text === "" ? [] : splitEntry(entry) });
        } else if (aliasScanError(value.source) !== undefined) {
          aliasEntry(value, false, "scalar"); // under any key, an alias the scanner refuses refuses the file
        }
        continue;
      }
      if (isMap(value)) {
        walk(value, `${key}.`);
      } else if (isSeq(value)) {
        const items: PatternEntry[] = [];
        for (const raw of value.items) {
          const item = raw as YamlNode | null;
          if (isAlias(item)) {
            // Under another key an alias matters only when the scanner refuses it (the whole file is refused).
            if (key === SUBJECT_NAME_KEY || misspelledSubjectNameKey(key) || aliasScanError(item.source) !== undefined) items.push(aliasEntry(item, value.flow === true, "list"));
            continue;
          }
          if (item === null || (isScalar(item) && (item.value === null || item.value === undefined))) {
            nullFinding(item, value.range?.[0] ?? keyStart, `an item of [${key}]`);
          } else if (!isScalar(item)) {
            const start = item.range?.[0] ?? 0;
            findings.push({
              rule: "non-scalar-entry",
              severity: "error",
              ...range(start, start),
              message: `an item of [${key}] is a ${isSeq(item) ? "list" : "mapping"}: Elasticsearch refuses the whole file ("only value lists are allowed in serialized settings")`,
            });
          } else {
            items.push(scalarEntry(item, text, "list", value.flow === true));
          }
        }
        record(key, { form: "list", keyAt: { start: keyStart, end: keyEnd }, entries: items });
      } else if (value === null || (isScalar(value) && (value.value === null || value.value === undefined))) {
        nullFinding(value, keyStart, `the value of [${key}]`);
      } else if (isScalar(value) && (key === SUBJECT_NAME_KEY || misspelledSubjectNameKey(key))) {
        const whole = scalarEntry(value, text, "scalar", false);
        const pieces = splitEntry(whole);
        record(key, {
          form: "scalar",
          keyAt: { start: keyStart, end: keyEnd },
          entries: pieces,
          scalar: { start: whole.start, end: whole.end, value: whole.text, pieces: pieces.length },
        });
      }
    }
  };
  if (doc && doc.contents !== null) walk(doc.contents, "");
  const refusedAnchor = doc ? firstRefusedAnchorOrAliasKey(doc) : undefined;
  if (refusedAnchor !== undefined) {
    findings.push({ rule: "yaml-syntax", severity: "error", ...range(refusedAnchor.offset, refusedAnchor.offset), message: `${refusedAnchor.reason}: Elasticsearch refuses the whole file` });
  }
  // With the real key missing, a misspelled one's patterns are what was meant: lint them.
  const used = setting ?? misspelled;
  if (used) entries.push(...used.entries);

  for (const [reading, use] of aliasesRead) {
    const more = use.uses > 1 ? ` (${use.uses} uses)` : "";
    findings.push({
      rule: "alias-as-name",
      severity: "warning",
      ...range(use.start, use.end),
      message: `unquoted value ${use.written}${more} is a YAML alias: Elasticsearch's YAML parser does not resolve aliases and reads the string "${reading}"; if you meant a pattern, quote it: ${use.quoted}`,
      fix: { description: use.uses > 1 ? `quote the ${use.uses} uses: ${use.quoted}` : `quote the pattern: ${use.quoted}`, edits: use.edits },
    });
  }

  let syntaxBroken = false;
  /** Where the parser started guessing the structure; what follows it is not linted. */
  let structureLostAt = Number.POSITIVE_INFINITY;
  const brokenNodes: [number, number][] = [];
  for (const error of doc?.errors ?? []) {
    const at = positions.at(error.pos[0]);
    if (aliasLines.has(at.line)) continue; // "Unexpected scalar at node end" after `*alias <1>`: the alias finding explains it
    syntaxBroken = true;
    if (LOCAL_YAML_ERRORS.has(error.code)) brokenNodes.push([error.pos[0], Math.max(error.pos[0], error.pos[1])]);
    else structureLostAt = Math.min(structureLostAt, error.pos[0]);
    findings.push({
      rule: "yaml-syntax",
      severity: "error",
      ...range(error.pos[0], Math.max(error.pos[0], error.pos[1])),
      message: `${error.message.split("\n")[0] ?? error.message}: Elasticsearch refuses the whole file`,
    });
  }
  const readAsWritten = (start: number, end: number) => end <= structureLostAt && !brokenNodes.some(([a, b]) => start < Math.max(b, a + 1) && a < Math.max(end, start + 1));
  const kept = syntaxBroken ? entries.filter((e) => readAsWritten(e.start, e.end)) : entries;
  // Findings about the structure after the parser lost it are the cascade, not the file's problems.
  const lost = Number.isFinite(structureLostAt) ? positions.at(structureLostAt) : undefined;
  const structural = lost
    ? findings.filter((f) => f.rule === "yaml-syntax" || f.rule === "unquoted-alias" || f.line < lost.line || (f.line === lost.line && f.column < lost.column))
    : findings;
  return {
    positions,
    findings: structural,
    entries: kept,
    syntaxBroken,
    form: used?.form ?? "missing",
    ...(setting ? { keyAt: setting.keyAt } : {}),
    ...(used?.scalar ? { scalar: used.scalar } : {}),
    ...(misspelled ? { misspelledKey: { key: misspelled.key, start: misspelled.keyAt.start, end: misspelled.keyAt.end } } : {}),
  };
}

/**
 * Where an unquoted alias item the user meant as a pattern ends: in a flow sequence at the next
 * `,` `]` or `}`, otherwise at the end of the line, before a ` #` comment and trailing blanks.
 */
function aliasExtent(text: string, start: number, flow: boolean, positions: TextPositions): number {
  const lineEnd = positions.lineEnd(start);
  let end = lineEnd;
  for (let i = start; i < lineEnd; i++) {
    const c = text[i];
    if (flow && (c === "," || c === "]" || c === "}")) {
      end = i;
      break;
    }
    if (c === "#" && i > start && (text[i - 1] === " " || text[i - 1] === "\t")) {
      end = i;
      break;
    }
  }
  while (end > start && (text[end - 1] === " " || text[end - 1] === "\t")) end--;
  return end;
}

/** The pattern as a YAML scalar that reads back as exactly `value`: double quotes, or single quotes when it holds `\` or `"`. */
export function quoteYaml(value: string): string {
  if (!/["\\\u0000-\u001f\u007f]/.test(value)) return `"${value}"`;
  return `'${value.replace(/'/g, "''")}'`;
}

/** The text Elasticsearch gets for a scalar: strings as they are, numbers and booleans as written. */
function scalarText(node: Scalar): string {
  if (typeof node.value === "string") return node.value;
  return node.source ?? String(node.value);
}

function scalarEntry(node: Scalar, text: string, form: "list" | "scalar", flow: boolean): PatternEntry {
  const start = node.range?.[0] ?? 0;
  const end = node.range?.[1] ?? start;
  const value = scalarText(node);
  const style = styleOf(node);
  const map = sourceMap(value, text.slice(start, end), style);
  return { text: value, start, end, style, form, flow, sourceOffset: (i) => (map && i >= 0 && i < map.length ? start + (map[i] as number) : undefined) };
}

/**
 * Elasticsearch's reading of a string value: split on ",", trailing empty pieces dropped, each
 * piece trimmed (Java `trim`). Each piece keeps its exact source mapping.
 */
function splitEntry(entry: PatternEntry): PatternEntry[] {
  if (entry.text.length === 0) return [];
  const pieces = entry.text.split(",");
  while (pieces.length > 0 && pieces[pieces.length - 1] === "") pieces.pop();
  const out: PatternEntry[] = [];
  let offset = 0;
  for (const piece of pieces) {
    const trimmed = javaTrim(piece);
    const lead = piece.length - piece.replace(/^[\u0000-\u0020]+/, "").length;
    const base = offset + lead;
    out.push({ ...entry, text: trimmed, form: "scalar", sourceOffset: (i) => (i >= 0 && i <= trimmed.length ? entry.sourceOffset(base + i) : undefined) });
    offset += piece.length + 1;
  }
  return out;
}
