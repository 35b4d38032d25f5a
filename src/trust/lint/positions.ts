/**
 * Offsets ↔ 1-based line and column (UTF-16 code units) over one text. Lines end at "\n"; a
 * "\r" before it belongs to the line's end, as editors count.
 */
export class TextPositions {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x0a) this.lineStarts.push(i + 1);
  }

  /** 1-based line and column of a 0-based offset (clamped to the text). */
  at(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.lineStarts[mid] as number) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - (this.lineStarts[lo] as number) + 1 };
  }

  /** The 0-based offset of a 1-based line and column (clamped to the text). */
  offset(line: number, column: number): number {
    const start = this.lineStarts[Math.max(0, Math.min(line - 1, this.lineStarts.length - 1))] as number;
    return Math.min(start + column - 1, this.text.length);
  }

  /** Offset of the start of the line holding `offset`. */
  lineStart(offset: number): number {
    return this.offset(this.at(offset).line, 1);
  }

  /** Offset of the "\n" ending the line holding `offset` (or the text's end); a "\r" before it is excluded. */
  lineEnd(offset: number): number {
    let i = this.text.indexOf("\n", offset);
    if (i < 0) i = this.text.length;
    return i > 0 && this.text.charCodeAt(i - 1) === 0x0d ? i - 1 : i;
  }
}
