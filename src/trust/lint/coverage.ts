import { run } from "../automaton.js";
import type { LintFinding } from "./finding.js";
import type { CompiledEntry } from "./pattern-rules.js";
import type { TrustSource } from "./trust-source.js";

/**
 * `--certs DIR`: which of the given certificates the file accepts, and which patterns accept
 * none of them (dead patterns). Names are those Elasticsearch reads by default
 * (subjectAltName.otherName.commonName); a certificate without one is accepted by nothing,
 * not even `*`. All findings are information.
 */
export interface CertificateNames {
  /** Where the certificate came from, e.g. `certs/node1.p12`. */
  readonly source: string;
  readonly subject: string;
  readonly names: readonly string[];
}

export function coverageFindings(source: TrustSource, compiled: readonly CompiledEntry[], certificates: readonly CertificateNames[]): LintFinding[] {
  const findings: LintFinding[] = [];
  const usable = compiled.filter((c) => c.compiled !== undefined);
  const accepting = new Set<number>();
  const keyAt = source.positions.at(source.keyAt?.start ?? 0);
  for (const cert of certificates) {
    let hit: { entry: CompiledEntry; name: string } | undefined;
    for (const c of usable) {
      for (const name of cert.names) {
        if (run(c.compiled!.dfa, name) >= 0) {
          accepting.add(c.index);
          hit ??= { entry: c, name };
        }
      }
    }
    if (hit) {
      const at = source.positions.at(hit.entry.entry.start);
      findings.push({
        rule: "cert-accepted",
        severity: "info",
        line: at.line,
        column: at.column,
        message: `certificate ${cert.source} (${cert.subject}) is accepted: its name ${hit.name} matches [${hit.entry.entry.text}]`,
      });
    } else {
      findings.push({
        rule: "cert-rejected",
        severity: "info",
        line: keyAt.line,
        column: keyAt.column,
        message:
          cert.names.length === 0
            ? `certificate ${cert.source} (${cert.subject}) has no otherName common name: Elasticsearch rejects it whatever the patterns`
            : `certificate ${cert.source} (${cert.subject}) is accepted by no pattern: names [${cert.names.join(", ")}]`,
      });
    }
  }
  if (certificates.length > 0) {
    for (const c of usable) {
      if (accepting.has(c.index)) continue;
      const at = source.positions.at(c.entry.start);
      findings.push({
        rule: "dead-pattern",
        severity: "info",
        line: at.line,
        column: at.column,
        message: `pattern [${c.entry.text}] accepts none of the ${certificates.length} certificate(s) given`,
      });
    }
  }
  return findings;
}
