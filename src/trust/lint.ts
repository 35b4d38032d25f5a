import { isMap, isScalar } from "yaml";
import { parseInstances } from "../instances/validate.js";
import { parseYamlDocuments, type YamlDocuments } from "./yaml-documents.js";
import { YamlTooLargeError } from "./yaml-node-bound.js";
import { indentationTabs, RepairedPositions, replaceTabs, TAB_WIDTHS } from "./lint/tab-indent.js";
import { firstNonPrintable, readTrustRestrictions, SUBJECT_NAME_KEY } from "./restrictions.js";
import { TextPositions } from "./lint/positions.js";
import { applyFixes } from "./lint/apply-fixes.js";
import { coverageFindings, type CertificateNames } from "./lint/coverage.js";
import { sortFindings, type LintFinding } from "./lint/finding.js";
import { patternFindings } from "./lint/pattern-rules.js";
import { readTrustSource, type TrustSource } from "./lint/trust-source.js";

/**
 * `othername lint` over one file: trust_restrictions files (rules in ./lint/) and instances
 * files (the instances validator's diagnostics), told apart by content. Pure: text in, findings out.
 */
export type { CertificateNames } from "./lint/coverage.js";
export type { LintFinding, LintFix, LintRule, LintSeverity, TextEdit } from "./lint/finding.js";
export { LINT_RULES, lintRule, sortFindings } from "./lint/finding.js";
export { applyFixes } from "./lint/apply-fixes.js";

export interface LintInput {
  /** The file's name: Elasticsearch picks the parser from its extension. */
  readonly fileName: string;
  readonly text: string;
}

export interface LintOptions {
  /** Certificates to check the file against (`--certs`): adds cert-accepted/cert-rejected/dead-pattern info. */
  readonly certificates?: readonly CertificateNames[];
}

export type LintedKind = "trust_restrictions" | "instances";

export interface LintResult {
  readonly kind: LintedKind;
  /** In reading order. */
  readonly findings: readonly LintFinding[];
}

/**
 * Lints a trust_restrictions file or an instances file (told apart by content): findings with rule
 * id, severity, line, column and, where safe, a fix.
 *
 * @param input - The file's name (Elasticsearch picks the parser from its extension) and text.
 * @param options - Certificates to check the file against (`lint --certs`).
 * @returns The kind of file and its findings in reading order.
 * @example
 * ```ts
 * const { findings } = lintFile({ fileName: "trust.yml", text });
 * const lines = findings.map((f) => `trust.yml:${f.line}:${f.column}: ${f.severity} ${f.rule}: ${f.message}`);
 * ```
 */
export function lintFile(input: LintInput, options: LintOptions = {}): LintResult {
  // One parse, shared by the file-kind test and every rule (a 100,000-alias file is large to parse).
  let documents: YamlDocuments | undefined;
  if (input.text.includes("instances")) {
    try {
      documents = parseYamlDocuments(input.text);
    } catch (error) {
      if (!(error instanceof YamlTooLargeError)) throw error;
      // Past the trust file's bound: an instances file has a larger one of its own (yaml-tree.ts).
      if (INSTANCES_KEY.test(input.text)) return { kind: "instances", findings: lintInstances(input.text) };
      return { kind: "trust_restrictions", findings: lintTrustRestrictions(input, options) }; // reports the bound
    }
    if (isInstancesFile(input.text, documents)) return { kind: "instances", findings: lintInstances(input.text) };
  }
  return { kind: "trust_restrictions", findings: lintTrustRestrictions(input, options, documents) };
}

/**
 * An instances file has a top-level `instances:` key (a trust_restrictions file never does).
 *
 * @param text - The file's text.
 * @param documents - The text already parsed (`parseYamlDocuments`), to avoid a second parse.
 */
export function isInstancesFile(text: string, documents?: YamlDocuments): boolean {
  if (!text.includes("instances")) return false; // no such key can be written without the word: skip a parse
  const doc = (documents ?? parseYamlDocuments(text))[0];
  if (doc === undefined) return false;
  if (doc.errors.length === 0) return isMap(doc.contents) && doc.contents.items.some((p) => isScalar(p.key) && p.key.value === "instances");
  return INSTANCES_KEY.test(text);
}

/** A top-level `instances:` key, as a line of text (for files not parsed). */
const INSTANCES_KEY = /^instances[ \t]*:/m;

/**
 * The instances validator's diagnostics, as lint findings (same rule ids; the YAML path joins the message).
 *
 * @param text - An instances.yaml's text.
 * @returns The findings in reading order.
 * @example
 * ```ts
 * lintInstances("instances:\n  - name: node1\n    ip: 10.0.0.300\n")[0]?.rule; // the invalid-IP rule
 * ```
 */
export function lintInstances(text: string): LintFinding[] {
  const result = parseInstances(text);
  return sortFindings(
    result.diagnostics.map((d) => ({
      rule: d.rule,
      severity: d.severity,
      line: d.line,
      column: d.column,
      message: d.path ? `${d.message} (at ${d.path})` : d.message,
    })),
  );
}

/**
 * Lints a trust_restrictions file: whether Elasticsearch would load it (extension, YAML, unquoted
 * `*` aliases, nulls, invalid patterns) and the mistakes that make it trust the wrong peers
 * (placeholders, match-everything and redundant patterns, patterns no convention name can match, …).
 *
 * @param input - The file's name and text.
 * @param options - Certificates to check the patterns against.
 * @param parsed - The text already parsed (`parseYamlDocuments`); parsed here when absent.
 * @returns The findings in reading order.
 * @example
 * ```ts
 * const findings = lintTrustRestrictions({ fileName: "trust_restrictions.yml", text: "trust.subject_name: [ '*.node.c1.cluster.s1.account' ]" });
 * ```
 */
export function lintTrustRestrictions(input: LintInput, options: LintOptions = {}, parsed?: YamlDocuments): LintFinding[] {
  const { fileName, text } = input;
  const findings: LintFinding[] = [];
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const isJson = base.endsWith(".json");
  if (!(isJson || base.endsWith(".yml") || base.endsWith(".yaml"))) {
    findings.push({
      rule: "unsupported-extension",
      severity: "error",
      line: 1,
      column: 1,
      message: `Elasticsearch refuses ${base}: "unable to detect content type from resource name"; name the file *.yml, *.yaml or *.json`,
    });
  }
  const control = firstNonPrintable(text, isJson);
  if (control !== undefined) {
    // A binary file, or text with terminal escapes: one finding, and nothing of it is quoted back.
    const positions = new TextPositions(text);
    const at = positions.at(control);
    const code = `U+${text.charCodeAt(control).toString(16).toUpperCase().padStart(4, "0")}`;
    findings.push({
      rule: "yaml-syntax",
      severity: "error",
      line: at.line,
      column: at.column,
      message: `the file holds the control character ${code}: it is not ${isJson ? "JSON" : "YAML"} text, and Elasticsearch refuses the whole file (nothing else was checked)`,
    });
    return sortFindings(findings);
  }
  let documents: YamlDocuments;
  try {
    documents = parsed ?? parseYamlDocuments(text);
  } catch (error) {
    if (!(error instanceof YamlTooLargeError)) throw error;
    // othername's own bound, checked before parsing: nothing else can be checked.
    const at = new TextPositions(text).at(error.offset);
    findings.push({ rule: "yaml-limits", severity: "error", line: at.line, column: at.column, message: `${error.message} (nothing else was checked)` });
    return sortFindings(findings);
  }
  const source = readSourceRepairingTabs(text, documents);
  findings.push(...source.findings);
  // The rules that can still run do, over the patterns read as written (all of them unless the YAML is broken).
  const patterns = patternFindings(source);
  findings.push(...patterns.findings);
  if (options.certificates && !source.syntaxBroken) findings.push(...coverageFindings(source, patterns.compiled, options.certificates));
  if (source.misspelledKey) {
    const { key, start, end } = source.misspelledKey;
    const a = source.positions.at(start);
    const b = source.positions.at(end);
    findings.push({
      rule: "misspelled-key",
      severity: "warning",
      line: a.line,
      column: a.column,
      endLine: b.line,
      endColumn: b.column,
      message: source.keyAt
        ? `key "${key}" is not read by Elasticsearch (did you mean ${SUBJECT_NAME_KEY}?): the patterns under it are ignored`
        : `key "${key}" is not read by Elasticsearch (did you mean ${SUBJECT_NAME_KEY}?): without "${SUBJECT_NAME_KEY}" it rejects every peer; the patterns under it are linted as if the key were right`,
    });
  }
  // Whatever else makes Elasticsearch refuse the content (a top-level list, a second document…),
  // as the loader itself says it.
  if (!findings.some((f) => f.severity === "error" && f.rule !== "unsupported-extension")) {
    const read = readTrustRestrictions({ fileName: isJson ? "lint.json" : "lint.yml", text }, documents);
    if (!read.ok) {
      findings.push({ rule: "load-refused", severity: "error", line: read.line ?? 1, column: read.column ?? 1, message: `Elasticsearch refuses the file: ${read.reason}` });
    } else if (read.rejectsEveryPeer) {
      const at = source.keyAt ? source.positions.at(source.keyAt.start) : { line: 1, column: 1 };
      findings.push({
        rule: "subject-name-missing",
        severity: "error",
        ...at,
        message: source.keyAt
          ? `"${SUBJECT_NAME_KEY}" is empty: Elasticsearch loads the file and then rejects every peer`
          : `no "${SUBJECT_NAME_KEY}" key${source.misspelledKey ? ` (did you mean ${SUBJECT_NAME_KEY} instead of "${source.misspelledKey.key}"?)` : ""}: Elasticsearch loads the file and then rejects every peer`,
      });
    }
  }
  return sortFindings(findings);
}

/**
 * The file read for the rules. A tab in the indentation derails the YAML parser into a cascade
 * of errors about the lines after it: it is reported once, at the first tab, and the rules run on
 * the text read with the tabs as spaces (the first width that parses cleanly), with positions (and
 * so the fixes' edits) in the original text.
 */
function readSourceRepairingTabs(text: string, documents: YamlDocuments): TrustSource {
  const tabError = documents.some((d) => d.errors.some((e) => e.code === "TAB_AS_INDENT"));
  const tabs = tabError ? indentationTabs(text) : [];
  if (tabs.length === 0) return readTrustSource(text, documents);
  const original = new TextPositions(text);
  let repaired: TrustSource | undefined;
  for (const width of TAB_WIDTHS) {
    const repairedText = replaceTabs(text, tabs, width);
    let repairedDocuments: YamlDocuments;
    try {
      repairedDocuments = parseYamlDocuments(repairedText);
    } catch (error) {
      if (error instanceof YamlTooLargeError) break; // wider tabs made the text too long: report on the original
      throw error;
    }
    const attempt = readTrustSource(repairedText, repairedDocuments, new RepairedPositions(repairedText, original, tabs, width));
    repaired ??= attempt; // when no width parses cleanly, the first one's findings are the best guess
    if (!attempt.syntaxBroken) {
      repaired = attempt;
      break;
    }
  }
  const source = repaired ?? readTrustSource(text, documents);
  const first = original.at(tabs[0] as number);
  const lines = [...new Set(tabs.map((t) => original.at(t).line))];
  const tabFinding: LintFinding = {
    rule: "yaml-syntax",
    severity: "error",
    line: first.line,
    column: first.column,
    endLine: first.line,
    endColumn: first.column + 1,
    message:
      `a tab in the indentation${lines.length > 1 ? ` (also on line${lines.length > 2 ? "s" : ""} ${lines.slice(1, 6).join(", ")}${lines.length > 6 ? ", …" : ""})` : ""}: ` +
      `YAML allows only spaces there ("found character '\\t' that cannot start any token"), so Elasticsearch refuses the whole file; indent with spaces ` +
      `(the other findings read the tabs as spaces)`,
  };
  return { ...source, syntaxBroken: true, findings: [tabFinding, ...source.findings] };
}

export interface FixOutcome {
  /** The text after every safe fix (equal to the input when nothing applied). */
  readonly text: string;
  readonly applied: readonly LintFinding[];
  /** The lint of the fixed text: what remains for the user. */
  readonly result: LintResult;
}

/** Rounds of fix-and-relint: an alias is quoted in one round, its callout removed in the next. */
const MAX_FIX_ROUNDS = 8;

/**
 * Applies the safe fixes (quote an alias item, remove a documentation callout, trim spaces in a
 * quoted pattern, drop an exact duplicate), keeping comments, re-linting after each round. A round
 * that would leave more errors than before is discarded.
 *
 * @param input - The file's name and text.
 * @param options - As for `lintFile`.
 * @returns The fixed text, the findings fixed, and the lint of the fixed text.
 * @example
 * ```ts
 * const { text: fixed, applied } = fixFile({ fileName: "trust.yml", text });
 * if (applied.length > 0) await writeFile("trust.yml", fixed);
 * ```
 */
export function fixFile(input: LintInput, options: LintOptions = {}): FixOutcome {
  let text = input.text;
  let result = lintFile(input, options);
  const applied: LintFinding[] = [];
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const fixable = result.findings.filter((f) => f.fix !== undefined);
    if (fixable.length === 0) break;
    const next = applyFixes(text, fixable);
    if (next.applied.length === 0 || next.text === text) break;
    const relinted = lintFile({ fileName: input.fileName, text: next.text }, options);
    const errors = (r: LintResult) => r.findings.filter((f) => f.severity === "error").length;
    if (errors(relinted) > errors(result)) break;
    text = next.text;
    result = relinted;
    applied.push(...next.applied);
  }
  return { text, applied, result };
}
