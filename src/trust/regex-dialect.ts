/**
 * Regex habits from Java (java.util.regex), PCRE and JavaScript that Lucene's RegExp (what
 * Elasticsearch compiles `/…/` trust patterns with, regexp.ts) reads differently. Each note says
 * what that parser actually does with the construct, so a pattern that loads but never matches,
 * or a file refused for a "bad character class", explains itself.
 */
export interface DialectNote {
  /** 0-based index in the regex text (between the slashes) and the length of the construct. */
  readonly index: number;
  readonly length: number;
  /** The construct as written, e.g. `(?i)`. */
  readonly construct: string;
  /** What Lucene reads instead. */
  readonly message: string;
  /** True when Lucene refuses it (the parser throws at `index`): the file is refused. */
  readonly refused: boolean;
}

/** Escapes of other dialects that Lucene 9 refuses (a backslash before an ASCII letter that is not d D s S w W). */
const REFUSED_ESCAPES: Readonly<Record<string, string>> = {
  b: "a word boundary",
  B: "a non-word boundary",
  A: "the start of input",
  z: "the end of input",
  Z: "the end of input",
  G: "the end of the previous match",
  Q: "the start of a quoted section",
  E: "the end of a quoted section",
  p: "a Unicode property class",
  P: "a negated Unicode property class",
  n: "a line feed",
  t: "a tab",
  r: "a carriage return",
  f: "a form feed",
  e: "an escape character",
  a: "a bell character",
  x: "a hexadecimal character",
  u: "a Unicode character",
  c: "a control character",
  h: "a horizontal whitespace class",
  H: "a non-horizontal-whitespace class",
  v: "a vertical whitespace class",
  V: "a non-vertical-whitespace class",
  R: "a line break",
  X: "a grapheme cluster",
  k: "a named back-reference",
  K: "a match reset",
};

/**
 * The constructs of other regex dialects in a Lucene regex (the text between the slashes), in order.
 *
 * @param regex - The regex without its slashes.
 * @returns One note per construct, with what Lucene reads instead.
 * @example
 * ```ts
 * regexDialectNotes("(?i)node1\\..*")[0]?.construct; // "(?i)"
 * ```
 */
export function regexDialectNotes(regex: string): DialectNote[] {
  const notes: DialectNote[] = [];
  const note = (index: number, construct: string, message: string, refused = false) => notes.push({ index, length: construct.length, construct, message, refused });
  let i = 0;
  while (i < regex.length) {
    const c = regex[i] as string;
    if (c === "\\") {
      const next = regex[i + 1];
      if (next === undefined) break;
      const refusedAs = Object.hasOwn(REFUSED_ESCAPES, next) ? REFUSED_ESCAPES[next] : undefined;
      if (refusedAs !== undefined) {
        note(i, `\\${next}`, `\\${next} is ${refusedAs} in Java/PCRE/JavaScript; Lucene's RegExp has no such escape and refuses the pattern ("invalid character class"), so Elasticsearch refuses the whole file`, true);
      } else if (next >= "1" && next <= "9") {
        note(i, `\\${next}`, `\\${next} is a back-reference in Java/PCRE/JavaScript; Lucene's RegExp has none and reads it as the digit "${next}"`);
      }
      i += 2;
      continue;
    }
    if (c === '"') {
      // A quoted string: every character in it is literal.
      const end = regex.indexOf('"', i + 1);
      i = end < 0 ? regex.length : end + 1;
      continue;
    }
    if (c === "[") {
      // A class: its first character (after an optional ^) is always a member, even `]`.
      i += regex[i + 1] === "^" ? 3 : 2;
      while (i < regex.length && regex[i] !== "]") i += regex[i] === "\\" ? 2 : 1;
      i += 1;
      continue;
    }
    if (c === "(" && regex[i + 1] === "?") {
      const group = /^\(\?(?:<[=!]|[:=!>|]|P?<[A-Za-z][A-Za-z0-9_]*>|[a-zA-Z]*(?:-[a-zA-Z]+)?[:)])/.exec(regex.slice(i));
      const construct = group ? group[0] : "(?";
      note(i, construct, groupMessage(construct));
      i += construct.length;
      continue;
    }
    if (c === "^") note(i, "^", `^ anchors the start in Java/PCRE/JavaScript; Lucene's RegExp reads it as a literal "^" character (a pattern always matches the whole name, so no anchor is needed): drop it`);
    else if (c === "$") note(i, "$", `$ anchors the end in Java/PCRE/JavaScript; Lucene's RegExp reads it as a literal "$" character (a pattern always matches the whole name, so no anchor is needed): drop it`);
    else if (c === "#") note(i, "#", `# is a literal "#" in Java/PCRE/JavaScript; Lucene's RegExp reads it as the empty language, which matches nothing: write \\# for the character`);
    i += 1;
  }
  return notes;
}

/** What Lucene reads for `(?…`: the `?` right after `(` is a literal character, the rest follows from there. */
function groupMessage(construct: string): string {
  const rest = construct.slice(2);
  const literal = (text: string) => `a group starting with the literal characters "?${text}"`;
  if (rest === ":") return `(?: is a non-capturing group in Java/PCRE/JavaScript; Lucene's RegExp reads ${literal(":")}, which names never start with: write (…) (Lucene groups do not capture)`;
  if (rest === "=" || rest === "!" || rest === "<=" || rest === "<!") {
    return `${construct} is a lookaround in Java/PCRE/JavaScript; Lucene's RegExp has none and reads ${literal(rest)}${rest.startsWith("<") ? " (then < opens a numeric interval <n-m>, which this is not)" : ""}`;
  }
  if (rest.startsWith("<") || rest.startsWith("P<")) {
    return `${construct} is a named group in Java/PCRE/JavaScript; Lucene's RegExp reads a literal "?"${rest.startsWith("P") ? ' and "P"' : ""}, then <…> as a named automaton, which Elasticsearch does not have, so it refuses the pattern`;
  }
  if (rest === ">" || rest === "|") return `${construct} is an atomic or branch-reset group in PCRE; Lucene's RegExp reads ${literal(rest)}`;
  if (/^[a-zA-Z-]*[:)]$/.test(rest)) {
    const flags = rest.slice(0, -1);
    const read = rest.endsWith(")") ? `"${construct}" as the literal characters "?${flags}"` : literal(rest);
    return (
      `${construct} sets the inline flag${flags.replace("-", "").length > 1 ? "s" : ""} "${flags}" in Java/PCRE/JavaScript; Lucene's RegExp has no flags and reads ${read}, ` +
      `so only names holding them there match${/i/.test(flags) ? "; matching is always case-sensitive (node names are lower-case)" : ""}`
    );
  }
  return `(? starts a special group in Java/PCRE/JavaScript; Lucene's RegExp reads a group starting with the literal character "?"`;
}

/**
 * The note explaining a Lucene syntax error at `position` of the regex, when a construct of
 * another dialect caused it.
 */
export function dialectCause(regex: string, position: number): DialectNote | undefined {
  return regexDialectNotes(regex).find((n) => position >= n.index && position < n.index + Math.max(n.length, 1) + (n.construct.startsWith("(?") ? 64 : 0) && (n.refused || n.construct.startsWith("(?")));
}
