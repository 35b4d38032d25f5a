import type { LintFinding, TextEdit } from "./finding.js";
import { TextPositions } from "./positions.js";

/**
 * Applies the fixes of `findings` to `text` by replacing source ranges (never by re-serializing
 * the document, so comments and formatting elsewhere stay as they are). A finding whose edits
 * overlap an edit already taken is left for the next round.
 */
export function applyFixes(text: string, findings: readonly LintFinding[]): { text: string; applied: LintFinding[] } {
  const positions = new TextPositions(text);
  const taken: { from: number; to: number; text: string }[] = [];
  const applied: LintFinding[] = [];
  const overlaps = (from: number, to: number) => taken.some((t) => from < t.to && t.from < to || (from === to && from === t.from) || (t.from === t.to && t.from === from));
  for (const finding of findings) {
    if (!finding.fix) continue;
    const edits = finding.fix.edits.map((e: TextEdit) => ({ from: positions.offset(e.line, e.column), to: positions.offset(e.endLine, e.endColumn), text: e.text }));
    if (edits.some((e) => e.to < e.from || overlaps(e.from, e.to))) continue;
    taken.push(...edits);
    applied.push(finding);
  }
  taken.sort((a, b) => b.from - a.from);
  let out = text;
  for (const e of taken) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return { text: out, applied };
}
