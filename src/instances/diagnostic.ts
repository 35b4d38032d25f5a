/**
 * One problem found in an instances file, as data: the `cert`/`csr` commands print them as
 * `FILE:LINE:COL: severity rule: message`, and `othername lint` reuses them unchanged.
 */
export type Severity = "error" | "warning";

export interface Diagnostic {
  /** Stable rule id, e.g. "invalid-ip". */
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** 1-based line of the offending YAML node. */
  readonly line: number;
  /** 1-based column of the offending YAML node. */
  readonly column: number;
  /** YAML path of the node, e.g. `instances[2].ip[0]`. */
  readonly path: string;
}

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/**
 * One diagnostic in the form compilers and linters use: `FILE:LINE:COL: severity rule: message (at PATH)`.
 *
 * @param source - The file name to show.
 * @param d - The diagnostic.
 * @param severity - The word shown for its severity (`cert` shows some warnings as "note").
 * @returns One line of text.
 * @example
 * ```ts
 * formatDiagnostic("instances.yml", parsed.diagnostics[0]!); // "instances.yml:4:11: error ip-invalid: … (at instances[0].ip[0])"
 * ```
 */
export function formatDiagnostic(source: string, d: Diagnostic, severity: string = d.severity): string {
  const where = d.path ? ` (at ${d.path})` : "";
  return `${source}:${d.line}:${d.column}: ${severity} ${d.rule}: ${d.message}${where}`;
}

/**
 * Rules that are a warning in `lint` but only a note while generating (`cert`, `csr`): what is
 * written is still what certutil would write.
 */
export const NOTE_WHILE_GENERATING: ReadonlySet<string> = new Set(["no-othername"]);
