import type { LintFinding, LintRule, LintSeverity } from "../../trust/lint.js";

/**
 * Lint findings as a SARIF 2.1.0 log (OASIS SARIF v2.1.0), so code-scanning CI can show them:
 * one run, the rule catalog in tool.driver.rules, one result per finding with its region
 * (1-based lines; columns in UTF-16 code units, SARIF's default columnKind) and fixes where the
 * finding has one.
 */
export const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

export interface SarifFile {
  readonly path: string;
  readonly findings: readonly LintFinding[];
}

export interface SarifOptions {
  readonly toolVersion: string;
  readonly rules: readonly LintRule[];
}

const LEVEL: Readonly<Record<LintSeverity, "error" | "warning" | "note">> = { error: "error", warning: "warning", info: "note" };

export function renderSarif(files: readonly SarifFile[], options: SarifOptions): unknown {
  const rules: LintRule[] = [...options.rules];
  // Rules not in the catalog (the instances validator's) are described from their id.
  for (const file of files) {
    for (const f of file.findings) {
      if (!rules.some((r) => r.id === f.rule)) rules.push({ id: f.rule, severity: f.severity, description: `instances file: ${f.rule.replace(/-/g, " ")}` });
    }
  }
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = files.flatMap((file) => {
    const artifactLocation = { uri: toUri(file.path) };
    return file.findings.map((f) => ({
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule) as number,
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation, region: region(f) } }],
      ...(f.fix
        ? {
            fixes: [
              {
                description: { text: f.fix.description },
                artifactChanges: [
                  {
                    artifactLocation,
                    replacements: f.fix.edits.map((e) => ({
                      deletedRegion: { startLine: e.line, startColumn: e.column, endLine: e.endLine, endColumn: e.endColumn },
                      insertedContent: { text: e.text },
                    })),
                  },
                ],
              },
            ],
          }
        : {}),
    }));
  });
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "othername",
            version: options.toolVersion,
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.description },
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        columnKind: "utf16CodeUnits",
        artifacts: files.map((f) => ({ location: { uri: toUri(f.path) } })),
        results,
      },
    ],
  };
}

function region(f: LintFinding): Record<string, number> {
  return {
    startLine: f.line,
    startColumn: f.column,
    ...(f.endLine !== undefined && f.endColumn !== undefined ? { endLine: f.endLine, endColumn: f.endColumn } : {}),
  };
}

/** A relative path stays a relative URI reference (`/` separators, percent-encoded); an absolute one becomes file://. */
function toUri(path: string): string {
  const slashed = path.replace(/\\/g, "/");
  const encoded = slashed.split("/").map(encodeURIComponent).join("/");
  if (/^[A-Za-z]:\//.test(slashed)) return `file:///${encoded.replace(/^([A-Za-z])%3A/, "$1:")}`;
  return slashed.startsWith("/") ? `file://${encoded}` : encoded;
}
