/**
 * What the linter reports: findings as data, with 1-based lines and columns (UTF-16 code units,
 * the unit editors and SARIF's default `columnKind` use) and, for the safe rewrites only, a fix.
 */
export type LintSeverity = "error" | "warning" | "info";

export interface TextEdit {
  /** 1-based start (inclusive) and end (exclusive) of the replaced text. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly text: string;
}

export interface LintFix {
  readonly description: string;
  readonly edits: readonly TextEdit[];
}

export interface LintFinding {
  /** Stable rule id (see LINT_RULES), e.g. "unquoted-alias". */
  readonly rule: string;
  readonly severity: LintSeverity;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly message: string;
  /** Present only for fixes that change nothing but what the finding names (applied by --fix). */
  readonly fix?: LintFix;
}

export interface LintRule {
  readonly id: string;
  readonly severity: LintSeverity;
  readonly description: string;
}

/**
 * The rule catalog. Errors: Elasticsearch refuses the file (or the file trusts nobody).
 * Warnings: the file loads but probably does not mean what was meant. Info: facts for review.
 */
export const LINT_RULES: readonly LintRule[] = [
  { id: "unsupported-extension", severity: "error", description: "Elasticsearch only reads trust_restrictions files named *.yml, *.yaml or *.json" },
  { id: "yaml-syntax", severity: "error", description: "The file is not valid YAML/JSON, so Elasticsearch refuses it" },
  { id: "yaml-limits", severity: "error", description: "The file is longer than 1 MiB or holds more than 50,000 YAML nodes: othername's bound against hostile files (not an Elasticsearch limit), checked before parsing" },
  { id: "unquoted-alias", severity: "error", description: "An unquoted value starting with '*' is a YAML alias whose name Elasticsearch's YAML parser refuses (e.g. *.node.x): it refuses the file" },
  { id: "alias-as-name", severity: "warning", description: "An unquoted *name is a YAML alias; Elasticsearch's parser does not resolve aliases and reads the string name (without the '*')" },
  { id: "null-entry", severity: "error", description: "A null value or empty list item makes Elasticsearch refuse the file" },
  { id: "non-scalar-entry", severity: "error", description: "A list item that is itself a list or mapping makes Elasticsearch refuse the file" },
  { id: "regex-unclosed", severity: "error", description: "A pattern starting with '/' must end with '/'" },
  { id: "regex-invalid", severity: "error", description: "A /regex/ pattern is not valid Lucene RegExp syntax" },
  { id: "regex-dialect", severity: "warning", description: "A /regex/ uses a Java/PCRE/JavaScript construct ((?i), (?:, ^, $, \\b, \\1, #) that Lucene's RegExp reads differently (or refuses)" },
  { id: "pattern-too-complex", severity: "error", description: "A pattern needs more than 10,000 automaton states (TooComplexToDeterminizeException)" },
  { id: "automaton-budget", severity: "error", description: "The patterns together need more than 100,000 automaton states (whole-file bound; see xpack.security.automata.max_determinized_states)" },
  { id: "subject-name-missing", severity: "error", description: "trust.subject_name is missing or empty: the file loads and then rejects every peer" },
  { id: "misspelled-key", severity: "warning", description: "A key that looks like a misspelled trust.subject_name (e.g. trust.subject_names, trust.subjectName): Elasticsearch ignores it" },
  { id: "load-refused", severity: "error", description: "Elasticsearch refuses to load the file" },
  { id: "doc-callout", severity: "warning", description: "A documentation callout such as ' <1>' was copied into a pattern" },
  { id: "placeholder", severity: "warning", description: "A documentation placeholder such as <CLUSTER_FQDN> was left in a pattern" },
  { id: "quoted-whitespace", severity: "warning", description: "A quoted pattern has leading or trailing spaces, which Elasticsearch keeps" },
  { id: "empty-pattern", severity: "warning", description: "An empty pattern matches only the empty name" },
  { id: "duplicate-pattern", severity: "warning", description: "The same pattern appears more than once" },
  { id: "redundant-pattern", severity: "warning", description: "Every name this pattern matches is matched by another pattern" },
  { id: "match-everything", severity: "warning", description: "The pattern matches every name: any certificate from the CA is trusted" },
  { id: "uppercase", severity: "warning", description: "Upper-case letters in a pattern: matching is case-sensitive and node names are lower-case" },
  { id: "comma-split", severity: "warning", description: "A single string value is split on ',' into several patterns" },
  { id: "no-convention-match", severity: "warning", description: "No name of the form {node}.node.{cluster}.cluster.{scope} can match this pattern" },
  { id: "cert-accepted", severity: "info", description: "A certificate from --certs is accepted by the file" },
  { id: "cert-rejected", severity: "info", description: "A certificate from --certs is accepted by no pattern" },
  { id: "dead-pattern", severity: "info", description: "A pattern accepts none of the certificates from --certs" },
];

export function lintRule(id: string): LintRule | undefined {
  return LINT_RULES.find((r) => r.id === id);
}

/** Findings in reading order: line, column, then rule id. */
/**
 * Findings in file order, each reported once: a node reached through several YAML aliases
 * would otherwise be reported once per alias, at the same place with the same words.
 */
export function sortFindings(findings: readonly LintFinding[]): LintFinding[] {
  const seen = new Set<string>();
  const unique = findings.filter((finding) => {
    const key = `${finding.rule}\u0000${finding.line}\u0000${finding.column}\u0000${finding.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}
