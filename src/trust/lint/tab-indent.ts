import { TextPositions } from "./positions.js";

/**
 * Tabs in indentation. YAML forbids them (YAML 1.2 §6.1; SnakeYAML, which Elasticsearch uses,
 * says "found character '\t' that cannot start any token"), and one tab derails the parser, which
 * then reports a cascade of errors about the lines after it. The linter reports the tab once and
 * reads the file again with the tabs replaced by spaces, so the other rules still run.
 */

/** Offsets of the tabs in each line's leading blanks (the indentation), in order. */
export function indentationTabs(text: string): number[] {
  const tabs: number[] = [];
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) lineStart = true;
    else if (c === 0x09 && lineStart) tabs.push(i);
    else if (c !== 0x20) lineStart = false;
  }
  return tabs;
}

/** Widths tried for a tab, most common first: the first that parses without errors is kept. */
export const TAB_WIDTHS: readonly number[] = [2, 4, 8, 1, 3];

/**
 * Positions over a text where each of `tabs` (offsets in `original`) was replaced by `width`
 * spaces: offsets of the repaired text report the line and column of the original text.
 */
export class RepairedPositions extends TextPositions {
  private readonly repairedTabs: number[];
  constructor(
    repairedText: string,
    private readonly original: TextPositions,
    private readonly tabs: readonly number[],
    private readonly width: number,
  ) {
    super(repairedText);
    // Where each tab's spaces start in the repaired text.
    this.repairedTabs = tabs.map((t, k) => t + k * (width - 1));
  }

  override at(offset: number): { line: number; column: number } {
    // The last replaced tab starting at or before `offset` (binary search).
    let lo = 0;
    let hi = this.repairedTabs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.repairedTabs[mid] as number) <= offset) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    if (k < 0) return this.original.at(offset);
    const tabAt = this.repairedTabs[k] as number;
    if (offset < tabAt + this.width) return this.original.at(this.tabs[k] as number);
    return this.original.at(offset - (k + 1) * (this.width - 1));
  }
}

/** The text with each tab at `tabs` replaced by `width` spaces. */
export function replaceTabs(text: string, tabs: readonly number[], width: number): string {
  const spaces = " ".repeat(width);
  let out = "";
  let from = 0;
  for (const t of tabs) {
    out += text.slice(from, t) + spaces;
    from = t + 1;
  }
  return out + text.slice(from);
}
