import type { ScanReport } from "../../fleet/scan.js";
import { linkOf, type MeshReport } from "../../fleet/mesh.js";

/**
 * Text output of `othername scan` and `othername mesh`. Values read from certificates and files
 * may hold control characters meant for a terminal: they are shown as `\xNN`, never sent raw.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** Columns padded to their widest cell (the last column is not padded). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? "")].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + " ".repeat(Math.max(0, (widths[i] ?? 0) - [...cell].length))))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

export function scanLines(report: ScanReport): string[] {
  if (report.certificates.length === 0) return ["no certificate found"];
  const rows = report.certificates.map((c) => [
    String(c.daysLeft),
    c.notAfter,
    terminalSafe(c.subject) + (c.ca ? " (CA)" : ""),
    terminalSafe(c.sources.length > 1 ? `${c.source} (+${c.sources.length - 1})` : c.source),
    c.findings.map((f) => f.code).join(", ") || "ok",
  ]);
  const lines = table(["days", "not after", "subject", "found in", "findings"], rows);
  const details = report.certificates.flatMap((c) =>
    c.findings.filter((f) => f.code !== "EXPIRES_SOON" && f.code !== "EXPIRED").map((f) => `${terminalSafe(c.subject)}: ${f.code}: ${terminalSafe(f.message)}`),
  );
  lines.push("");
  lines.push(
    `${report.certificates.length} certificate${report.certificates.length === 1 ? "" : "s"} at ${report.at}: ${report.expired} expired, ${report.expiring - report.expired} expiring within ${report.warnDays} days`,
  );
  if (details.length > 0) lines.push(...details);
  return lines;
}

const CELL: Readonly<Record<string, string>> = { connectable: "yes <->", "one-way": "yes ->", "reverse-only": "no", none: "no", self: "" };

/** The matrix: row = the accepting cluster, column = the cluster whose nodes it accepts. */
export function meshLines(report: MeshReport): string[] {
  const rows = report.clusters.map((from) => [
    terminalSafe(from),
    ...report.clusters.map((to) => {
      const pair = report.pairs.find((p) => p.from === from && p.to === to);
      const link = linkOf(report, from, to);
      if (link === "self") return pair?.accepted ? "yes (own)" : "NO (own)";
      return CELL[link] ?? "";
    }),
  ]);
  const lines = table(["accepts \\ nodes of", ...report.clusters.map(terminalSafe)], rows);
  lines.push("");
  lines.push(`connectable: ${report.connectable.length === 0 ? "none" : report.connectable.map(([a, b]) => `${terminalSafe(a)} <-> ${terminalSafe(b)}`).join(", ")}`);
  for (const p of report.pairs.filter((x) => !x.accepted)) {
    lines.push(`${terminalSafe(p.from)} refuses ${terminalSafe(p.to)}${p.node ? ` (node ${terminalSafe(p.node)})` : ""}: ${terminalSafe(p.reason ?? "")}`);
  }
  for (const x of report.expectations) {
    lines.push(`expect ${terminalSafe(x.expect)}: ${x.holds ? "holds" : `DOES NOT HOLD: ${terminalSafe(x.reason ?? "")}`}`);
  }
  return lines;
}
