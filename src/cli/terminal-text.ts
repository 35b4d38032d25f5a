/**
 * Untrusted text (names, subjects, entries from a server, excerpts of files) on its way to a
 * terminal: controls that move the cursor, retitle the window, ring the bell or reorder what is
 * shown (C0 and C1 controls, DEL, the Unicode bidi and line-separator controls) are printed as
 * escapes, `\x1b` or `\u202e`, so what the reader sees is what the data holds. JSON output keeps
 * the true values (JSON.stringify escapes what JSON must).
 */

/** Everything unsafe except tab and line feed, which text output itself uses. */
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** Within one field (a name on its line, a message): tab and line feed too. */
const UNSAFE_IN_FIELD = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** The safety net of every text line othername prints: keeps `\n` and `\t`, escapes the rest. */
export function escapeTerminal(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, escapeOne);
}

/** One untrusted field in a line: also escapes `\n`, `\r` and `\t`, so it cannot fake more lines or columns. */
export function escapeField(text: string): string {
  return text.replace(UNSAFE_IN_FIELD, escapeOne);
}
