import { OthernameError } from "../../errors.js";
import { intersection, isEmpty, isSubsetOf, isUniversal, type Dfa } from "../automaton.js";
import { AutomatonBudget } from "../automaton-budget.js";
import { compilePattern, PatternSyntaxError, type CompiledPattern } from "../pattern.js";
import { regExpToDfa } from "../regexp.js";
import { dialectCause, regexDialectNotes } from "../regex-dialect.js";
import type { LintFinding, LintSeverity, TextEdit } from "./finding.js";
import { CALLOUT, type PatternEntry, type TrustSource } from "./trust-source.js";

/**
 * The rules over the patterns themselves: compile errors (Elasticsearch refuses the file) and
 * the warnings about patterns that load but probably do not mean what was meant.
 */

/** Documentation placeholders: `<CLUSTER_FQDN>`, `<NODE1_FQDN>`, `<deployment-id>`. */
const PLACEHOLDER = /<[A-Za-z][A-Za-z0-9_.-]*>/;
/** Budget of pairwise inclusion checks for the redundancy rule (n² grows fast). */
const MAX_INCLUSION_CHECKS = 20_000;

/**
 * The names of the convention, `{node}.node.{cluster}.cluster.{scope}`: labels from
 * [a-z0-9-]+, the scope one or more such labels joined by dots (Lucene RegExp syntax).
 */
const CONVENTION_REGEX = "[a-z0-9\\-]+\\.node\\.[a-z0-9\\-]+\\.cluster\\.[a-z0-9\\-]+(\\.[a-z0-9\\-]+)*";
let conventionDfa: Dfa | undefined;
function convention(): Dfa {
  conventionDfa ??= regExpToDfa(CONVENTION_REGEX, { what: "the convention's names" });
  return conventionDfa;
}

export interface CompiledEntry {
  readonly entry: PatternEntry;
  readonly index: number;
  readonly compiled?: CompiledPattern;
}

export function patternFindings(source: TrustSource): { findings: LintFinding[]; compiled: CompiledEntry[] } {
  const { positions, entries } = source;
  const findings: LintFinding[] = [];
  const at = (entry: PatternEntry, from?: number, to?: number) => {
    const a = positions.at((from === undefined ? undefined : entry.sourceOffset(from)) ?? entry.start);
    const b = positions.at((to === undefined ? undefined : entry.sourceOffset(to)) ?? entry.end);
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  };
  const deletion = (entry: PatternEntry, from: number, to: number): TextEdit | undefined => {
    const a = entry.sourceOffset(from);
    const b = entry.sourceOffset(to);
    if (a === undefined || b === undefined || entry.style === "alias") return undefined;
    const pa = positions.at(a);
    const pb = positions.at(b);
    return { line: pa.line, column: pa.column, endLine: pb.line, endColumn: pb.column, text: "" };
  };
  const lineOf = (entry: PatternEntry) => positions.at(entry.start).line;

  // Each distinct text is compiled once (aliases repeat them), all from one whole-file budget, as
  // `match` and `check` load the file; the analyses below get a budget of their own.
  const budget = new AutomatonBudget(undefined, "the trust patterns of this file");
  const analysis = new AutomatonBudget(budget.limit, "the lint analyses");
  const byText = new Map<string, CompiledPattern | undefined>();
  /** The dialect construct a regex-invalid finding already explains. */
  const explained = new Map<PatternEntry, { index: number }>();
  let outOfBudget = false;
  const compiled: CompiledEntry[] = entries.map((entry, index) => {
    if (byText.has(entry.text)) {
      const known = byText.get(entry.text);
      return known ? { entry, index, compiled: known } : { entry, index };
    }
    if (outOfBudget) return { entry, index };
    try {
      const c = compilePattern(entry.text, { budget });
      byText.set(entry.text, c);
      return { entry, index, compiled: c };
    } catch (error) {
      if (!(error instanceof OthernameError)) throw error;
      byText.set(entry.text, undefined);
      if (error.code === "TRUST_AUTOMATON_BUDGET") {
        outOfBudget = true;
        findings.push({
          rule: "automaton-budget",
          severity: "error",
          ...at(entry, 0, entry.text.length),
          message: `${error.message}; the budget ran out at pattern [${entry.text}], and the patterns after it were not checked`,
        });
        return { entry, index };
      }
      if (error instanceof PatternSyntaxError) {
        // The position counts in the regex between the slashes; +1 for the opening "/".
        const cause = dialectCause(entry.text.slice(1, -1), error.position);
        if (cause) explained.set(entry, cause);
        findings.push({
          rule: "regex-invalid",
          severity: "error",
          ...at(entry, error.position + 1, error.position + 2),
          message: `invalid regular expression in pattern [${entry.text}]: ${error.reason} at position ${error.position} of the regex${cause ? ` (${cause.message})` : ": Elasticsearch refuses the whole file"}`,
        });
      } else if (error.code === "PATTERN_UNCLOSED_REGEX") {
        findings.push({
          rule: "regex-unclosed",
          severity: "error",
          ...at(entry, 0, entry.text.length),
          message: `pattern [${entry.text}] starts with '/' but does not end with '/': Elasticsearch refuses the whole file (close the regex, or write \\/ for a literal slash in a wildcard)`,
        });
      } else if (error.code === "PATTERN_TOO_COMPLEX") {
        findings.push({
          rule: "pattern-too-complex",
          severity: "error",
          ...at(entry, 0, entry.text.length),
          message: `pattern [${entry.text}] needs more than 10,000 automaton states to compile (TooComplexToDeterminizeException): Elasticsearch refuses the whole file`,
        });
      } else throw error;
      return { entry, index };
    }
  });

  // Entries with a problem already named (copied documentation, spaces, capitals, empty): the
  // redundancy and convention findings would only repeat it.
  const documentation = new Set<number>();
  const named = new Set<number>();
  const linted = new Set<PatternEntry>();
  for (const { entry, index, compiled: c } of compiled) {
    // An entry reached through many aliases is linted once (its other uses are duplicates).
    if (linted.has(entry)) continue;
    linted.add(entry);
    const text = entry.text;
    const callout = CALLOUT.exec(text);
    if (callout) {
      documentation.add(index);
      const edit = deletion(entry, callout.index, text.length);
      findings.push({
        rule: "doc-callout",
        severity: "warning",
        ...at(entry, callout.index, text.length),
        message: `pattern [${text}] ends with the documentation callout "${callout[0].trim()}": Elasticsearch makes it part of the pattern, so no name matches; remove it`,
        ...(edit ? { fix: { description: `remove "${callout[0]}"`, edits: [edit] } } : {}),
      });
    }
    const placeholder = c?.kind === "regex" ? null : PLACEHOLDER.exec(text);
    if (placeholder && !/^<\d+>$/.test(placeholder[0])) {
      documentation.add(index);
      findings.push({
        rule: "placeholder",
        severity: "warning",
        ...at(entry, placeholder.index, placeholder.index + placeholder[0].length),
        message: `pattern [${text}] still holds the documentation placeholder ${placeholder[0]}: replace it with the real name`,
      });
    }
    if (text.length === 0) {
      named.add(index);
      findings.push({
        rule: "empty-pattern",
        severity: "warning",
        ...at(entry),
        message: "an empty pattern matches only the empty name, which no certificate carries: remove it",
      });
    }
    if (entry.style === "single" || entry.style === "double") {
      const lead = /^[ \t]+/.exec(text)?.[0].length ?? 0;
      const trail = /[ \t]+$/.exec(text)?.[0].length ?? 0;
      if ((lead > 0 || trail > 0) && lead < text.length) {
        named.add(index);
        const edits = [lead > 0 ? deletion(entry, 0, lead) : undefined, trail > 0 ? deletion(entry, text.length - trail, text.length) : undefined];
        const complete = edits.every((e, k) => e !== undefined || (k === 0 ? lead === 0 : trail === 0));
        findings.push({
          rule: "quoted-whitespace",
          severity: "warning",
          ...(lead > 0 ? at(entry, 0, lead) : at(entry, text.length - trail, text.length)),
          message: `quoted pattern [${text}] has ${lead > 0 && trail > 0 ? "leading and trailing" : lead > 0 ? "leading" : "trailing"} spaces: Elasticsearch keeps them, so names without them never match`,
          ...(complete ? { fix: { description: "trim the spaces inside the quotes", edits: edits.filter((e): e is TextEdit => e !== undefined) } } : {}),
        });
      }
    }
    // Java/PCRE/JavaScript constructs in a /regex/: what Lucene reads instead.
    if (text.length >= 2 && text.startsWith("/") && text.endsWith("/")) {
      for (const note of regexDialectNotes(text.slice(1, -1))) {
        if (explained.get(entry)?.index === note.index) continue;
        named.add(index);
        findings.push({
          rule: "regex-dialect",
          severity: note.refused ? "error" : "warning",
          ...at(entry, note.index + 1, note.index + 1 + note.length),
          message: `pattern [${text}]: ${note.message}`,
        });
      }
    }
    const upper = firstUpperCase(text, c?.kind === "regex", placeholder ? [placeholder.index, placeholder.index + placeholder[0].length] : undefined);
    if (upper >= 0) {
      named.add(index);
      findings.push({
        rule: "uppercase",
        severity: "warning",
        ...at(entry, upper, upper + 1),
        message: `pattern [${text}] has upper-case letters: matching is case-sensitive and node names are lower-case, so this probably never matches`,
      });
    }
  }

  // Duplicates: the same text again (the later ones are reported; dropping them changes nothing).
  const firstByText = new Map<string, CompiledEntry>();
  const duplicates = new Set<number>();
  const reported = new Set<PatternEntry>();
  for (const ce of compiled) {
    const first = firstByText.get(ce.entry.text);
    if (first === undefined) {
      firstByText.set(ce.entry.text, ce);
      continue;
    }
    duplicates.add(ce.index);
    // The same alias used again (`*p, *p, …`): the alias-as-name finding already covers every use.
    if (ce.entry.style === "alias" && first.entry.style === "alias") continue;
    if (reported.has(ce.entry)) continue;
    reported.add(ce.entry);
    const edit = ce.entry.form === "list" && ce.entry.style !== "alias" ? dropItem(source, ce.entry) : undefined;
    findings.push({
      rule: "duplicate-pattern",
      severity: "warning",
      ...at(ce.entry, 0, ce.entry.text.length),
      message: `pattern [${ce.entry.text}] is a duplicate of line ${lineOf(first.entry)}`,
      ...(edit ? { fix: { description: "remove the duplicate item", edits: [edit] } } : {}),
    });
  }

  // Match-everything, redundancy and the convention, over the patterns that compiled.
  const live = compiled.filter((c): c is CompiledEntry & { compiled: CompiledPattern } => c.compiled !== undefined && !duplicates.has(c.index));
  const everything = new Set<number>();
  for (const ce of live) {
    if (isUniversal(ce.compiled.dfa)) {
      everything.add(ce.index);
      findings.push({
        rule: "match-everything",
        severity: "warning",
        ...at(ce.entry, 0, ce.entry.text.length),
        message: `pattern [${ce.entry.text}] matches every name: every certificate the CA signed is trusted${live.length > 1 ? ", and every other pattern is redundant" : ""}`,
      });
    }
  }
  // Past the file's budget the analyses would only add to the work: the budget finding says it all.
  const candidates = outOfBudget ? [] : live.filter((c) => !documentation.has(c.index));
  let checks = 0;
  const included = (a: Dfa, b: Dfa): boolean | undefined => {
    if (++checks > MAX_INCLUSION_CHECKS || analysis.exhausted) return undefined;
    try {
      return isSubsetOf(a, b, { budget: analysis });
    } catch (error) {
      if (error instanceof OthernameError && (error.code === "PATTERN_TOO_COMPLEX" || error.code === "TRUST_AUTOMATON_BUDGET")) return undefined;
      throw error;
    }
  };
  const spent = () => checks >= MAX_INCLUSION_CHECKS || analysis.exhausted;
  for (const a of candidates) {
    // Once the checks are spent every further pair would answer "unknown": stop walking them
    // (10,000 patterns are 10⁸ pairs, seconds of looping for nothing).
    if (spent()) break;
    if (everything.has(a.index)) continue;
    for (const b of candidates) {
      if (spent()) break;
      if (a === b || everything.has(b.index)) continue;
      if (included(a.compiled.dfa, b.compiled.dfa) !== true) continue;
      // Same language under two spellings: only the later one is redundant.
      if (b.index > a.index && included(b.compiled.dfa, a.compiled.dfa) === true) continue;
      findings.push({
        rule: "redundant-pattern",
        severity: "warning",
        ...at(a.entry, 0, a.entry.text.length),
        message: `pattern [${a.entry.text}] is redundant: every name it matches is also matched by [${b.entry.text}] on line ${lineOf(b.entry)}`,
      });
      break;
    }
  }

  const othersTargeted = targetsOtherNames(entries);
  const severity: LintSeverity = othersTargeted ? "info" : "warning";
  for (const ce of candidates) {
    if (named.has(ce.index)) continue;
    let none: boolean;
    if (analysis.exhausted) break;
    try {
      none = isEmpty(intersection(ce.compiled.dfa, convention(), { budget: analysis }));
    } catch (error) {
      if (error instanceof OthernameError && (error.code === "PATTERN_TOO_COMPLEX" || error.code === "TRUST_AUTOMATON_BUDGET")) continue;
      throw error;
    }
    if (!none) continue;
    findings.push({
      rule: "no-convention-match",
      severity,
      ...at(ce.entry, 0, ce.entry.text.length),
      message:
        `no name of the form {node}.node.{cluster}.cluster.{scope} (lower-case labels) can match pattern [${ce.entry.text}]` +
        (othersTargeted ? " (the file targets other names: no pattern mentions node or cluster)" : ""),
    });
  }

  if (source.scalar && source.scalar.value.includes(",")) {
    const a = positions.at(source.scalar.start);
    const b = positions.at(source.scalar.end);
    findings.push({
      rule: "comma-split",
      severity: "warning",
      line: a.line,
      column: a.column,
      endLine: b.line,
      endColumn: b.column,
      message: `Elasticsearch splits this string on ',' into ${source.scalar.pieces} pattern(s): ${entries.map((e) => `[${e.text}]`).join(", ")}; write a YAML list to say what you mean`,
    });
  }
  return { findings, compiled };
}

/**
 * The heuristic for "this file is about other names": no pattern mentions "node" or "cluster"
 * (e.g. DNS-style names checked through subjectAltName.dnsName). Then the convention finding is
 * information, not a warning.
 */
export function targetsOtherNames(entries: readonly PatternEntry[]): boolean {
  return entries.length > 0 && entries.every((e) => !/node|cluster/i.test(e.text));
}

/** Index of the first upper-case ASCII letter that is a literal (not `\W`-style class escapes, not in `skip`), or -1. */
function firstUpperCase(text: string, regex: boolean, skip: readonly [number, number] | undefined): number {
  for (let i = 0; i < text.length; i++) {
    if (skip && i >= skip[0] && i < skip[1]) continue;
    const c = text.charCodeAt(i);
    if (text[i] === "\\") {
      if (regex) i++; // `\W \D \S` are classes in Lucene RegExp; the letter after a backslash is not a literal
      continue;
    }
    if (c >= 0x41 && c <= 0x5a) return i;
  }
  return -1;
}

/**
 * The edit removing one list item: in a block list the whole `- item` line (only when nothing
 * else, such as a comment, shares that line); in a flow list the item and one adjoining comma.
 */
function dropItem(source: TrustSource, entry: PatternEntry): TextEdit | undefined {
  const { positions } = source;
  const text = positions.text;
  let from: number;
  let to: number;
  if (entry.flow) {
    let after = entry.end;
    while (text[after] === " " || text[after] === "\t") after++;
    if (text[after] === ",") {
      after++;
      while (text[after] === " " || text[after] === "\t") after++;
      from = entry.start;
      to = after;
    } else {
      let before = entry.start;
      while (before > 0 && (text[before - 1] === " " || text[before - 1] === "\t")) before--;
      if (text[before - 1] !== ",") return undefined;
      from = before - 1;
      to = entry.end;
    }
  } else {
    const lineStart = positions.lineStart(entry.start);
    const lineEnd = positions.lineEnd(entry.start);
    if (!/^[ \t]*-[ \t]+$/.test(text.slice(lineStart, entry.start))) return undefined;
    if (!/^[ \t]*$/.test(text.slice(entry.end, lineEnd))) return undefined;
    from = lineStart;
    to = text.indexOf("\n", lineEnd);
    to = to < 0 ? text.length : to + 1;
  }
  const a = positions.at(from);
  const b = positions.at(to);
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column, text: "" };
}
