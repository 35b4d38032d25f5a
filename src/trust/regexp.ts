import { OthernameError } from "../errors.js";
import {
  DEFAULT_MAX_DFA_STATES,
  MAX_CODE_POINT,
  anyStringDfa,
  charSetDfa,
  complement,
  concatenate,
  emptyDfa,
  emptyStringDfa,
  intersection,
  optional,
  repeat,
  stringDfa,
  tooComplex,
  union,
  type Dfa,
} from "./automaton.js";
import type { AutomatonBudget } from "./automaton-budget.js";

/**
 * Lucene's RegExp syntax with all optional features on (`RegExp.ALL`, which is what
 * Elasticsearch 8 passes for `/…/` trust patterns), parsed the way Lucene 9's recursive-descent
 * parser does, including its quirks (a leading `*` or `|` is a literal character, `[]]` is a class
 * holding `]`, escapes `\d \D \s \S \w \W` are classes also inside `[…]`, a backslash before any
 * other ASCII letter is an error). Positions are 0-based UTF-16 indexes into the regex text,
 * like Lucene's. Precedence, loosest first: `|`, `&`, concatenation, postfix `? * + {}`, `~`.
 */

/** A syntax error in a regular expression, with the 0-based position Lucene reports. */
export class PatternSyntaxError extends OthernameError {
  readonly position: number;
  readonly reason: string;
  constructor(reason: string, position: number) {
    super("PATTERN_SYNTAX", `${reason} at position ${position}`, {
      hint: "Lucene regular expressions reserve . ? + * | { } [ ] ( ) \" \\ # @ & < > ~; escape them with \\ or quote them with \"…\".",
    });
    this.position = position;
    this.reason = reason;
  }
}

export type RegexNode =
  | { readonly kind: "union"; readonly items: readonly RegexNode[] }
  | { readonly kind: "concat"; readonly items: readonly RegexNode[] }
  | { readonly kind: "intersection"; readonly items: readonly RegexNode[] }
  | { readonly kind: "optional"; readonly expr: RegexNode }
  /** `*` is {0,}, `+` is {1,}; `max` undefined = unbounded. */
  | { readonly kind: "repeat"; readonly expr: RegexNode; readonly min: number; readonly max: number | undefined }
  | { readonly kind: "complement"; readonly expr: RegexNode }
  /** One code point from flat sorted (min, max) pairs: characters, `[…]`, `\d`, `.`. */
  | { readonly kind: "charset"; readonly ranges: readonly number[] }
  | { readonly kind: "string"; readonly codePoints: readonly number[] }
  | { readonly kind: "empty" }
  | { readonly kind: "anystring" }
  | { readonly kind: "interval"; readonly min: number; readonly max: number; readonly digits: number };

const ANY_CHAR: readonly number[] = [0, MAX_CODE_POINT];
const JAVA_INT_MAX = 2_147_483_647;
/** Our bound on parenthesis nesting (Lucene has none but the JVM stack); far beyond any real pattern. */
const MAX_NESTING = 200;

/** Sorted, merged union of flat range lists. */
function unionRanges(a: readonly number[], b: readonly number[]): number[] {
  const pairs: [number, number][] = [];
  for (const r of [a, b]) for (let i = 0; i < r.length; i += 2) pairs.push([r[i] as number, r[i + 1] as number]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] as number) + 1) out[last] = Math.max(out[last] as number, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** Code points 0..0x10FFFF not in `r`. */
function negateRanges(r: readonly number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < r.length; i += 2) {
    if ((r[i] as number) > next) out.push(next, (r[i] as number) - 1);
    next = (r[i + 1] as number) + 1;
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
  return out;
}

const DIGIT = [0x30, 0x39];
const SPACE = unionRanges([0x09, 0x0a, 0x0d, 0x0d], [0x20, 0x20]); // [ \t\n\r], Lucene's \s
const WORD = unionRanges(unionRanges([0x30, 0x39], [0x41, 0x5a]), unionRanges([0x5f, 0x5f], [0x61, 0x7a]));
const PREDEFINED: Readonly<Record<string, readonly number[]>> = {
  d: DIGIT,
  D: negateRanges(DIGIT),
  s: SPACE,
  S: negateRanges(SPACE),
  w: WORD,
  W: negateRanges(WORD),
};
/** ASCII letters that are not a class escape: Lucene 9 rejects `\` before them (like java.util.regex). */
const BAD_ESCAPE_LETTERS = "abcefghijklmnopqrtuvxyzABCEFGHIJKLMNOPQRTUVXYZ";

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  more(): boolean {
    return this.pos < this.s.length;
  }
  peekIn(chars: string): boolean {
    return this.more() && chars.includes(String.fromCodePoint(this.s.codePointAt(this.pos) as number));
  }
  match(c: string): boolean {
    if (this.more() && this.s.codePointAt(this.pos) === c.codePointAt(0)) {
      this.pos += c.length;
      return true;
    }
    return false;
  }
  next(): number {
    if (!this.more()) throw new PatternSyntaxError("unexpected end-of-string", this.pos);
    const c = this.s.codePointAt(this.pos) as number;
    this.pos += c > 0xffff ? 2 : 1;
    return c;
  }

  /** Parenthesis nesting so far; bounded so hostile input cannot exhaust the stack. */
  depth = 0;

  // Lucene recurses for `|` and `&` (right-associative); both are associative, so loops give
  // the same language without one stack frame per operator.
  parseUnion(): RegexNode {
    const items = [this.parseInter()];
    while (this.match("|")) items.push(this.parseInter());
    return items.length === 1 ? (items[0] as RegexNode) : { kind: "union", items };
  }

  parseInter(): RegexNode {
    const items = [this.parseConcat()];
    while (this.match("&")) items.push(this.parseConcat());
    return items.length === 1 ? (items[0] as RegexNode) : { kind: "intersection", items };
  }

  parseConcat(): RegexNode {
    const items: RegexNode[] = [this.parseRepeat()];
    while (this.more() && !this.peekIn(")|&")) items.push(this.parseRepeat());
    return items.length === 1 ? (items[0] as RegexNode) : { kind: "concat", items };
  }

  parseRepeat(): RegexNode {
    let e = this.parseCompl();
    while (this.peekIn("?*+{")) {
      if (this.match("?")) e = { kind: "optional", expr: e };
      else if (this.match("*")) e = { kind: "repeat", expr: e, min: 0, max: undefined };
      else if (this.match("+")) e = { kind: "repeat", expr: e, min: 1, max: undefined };
      else if (this.match("{")) {
        const n = this.parseInt();
        let m: number | undefined = n;
        if (this.match(",")) m = this.peekIn("0123456789") ? this.parseInt() : undefined;
        if (!this.match("}")) throw new PatternSyntaxError("expected '}'", this.pos);
        // Lucene 9.x (Elasticsearch 8.x) rejects {n,m} with n > m.
        if (m !== undefined && n > m) throw new PatternSyntaxError(`invalid repetition range(out of order): ${n}..${m}`, this.pos - 1);
        e = { kind: "repeat", expr: e, min: n, max: m };
      }
    }
    return e;
  }

  parseInt(): number {
    const start = this.pos;
    while (this.peekIn("0123456789")) this.pos++;
    if (start === this.pos) throw new PatternSyntaxError("integer expected", this.pos);
    const value = Number(this.s.slice(start, this.pos));
    if (value > JAVA_INT_MAX) throw new PatternSyntaxError("repetition count too large", start);
    return value;
  }

  parseCompl(): RegexNode {
    let count = 0;
    while (this.match("~")) count++;
    let e = this.parseCharClassExp();
    for (let i = 0; i < count; i++) e = { kind: "complement", expr: e };
    return e;
  }

  parseCharClassExp(): RegexNode {
    if (this.match("[")) {
      const negate = this.match("^");
      let ranges = this.parseCharClass();
      while (this.more() && !this.peekIn("]")) ranges = unionRanges(ranges, this.parseCharClass());
      if (!this.match("]")) throw new PatternSyntaxError("expected ']'", this.pos);
      return { kind: "charset", ranges: negate ? negateRanges(ranges) : ranges };
    }
    return this.parseSimple();
  }

  parseCharClass(): number[] {
    const predefined = this.matchPredefined();
    if (predefined) return [...predefined];
    const at = this.pos;
    const from = this.parseCharExp();
    if (this.match("-")) {
      const to = this.parseCharExp();
      if (from > to) throw new PatternSyntaxError(`invalid range: from (${from}) cannot be > to (${to})`, at);
      return [from, to];
    }
    return [from, from];
  }

  /** `\d \D \s \S \w \W` → the class; `\\` → backslash; `\` + other ASCII letter → error. */
  matchPredefined(): readonly number[] | undefined {
    if (!this.match("\\")) return undefined;
    if (this.peekIn("dDwWsS")) return PREDEFINED[String.fromCodePoint(this.next())];
    if (this.peekIn("\\")) return [this.next(), 0x5c];
    if (this.peekIn(BAD_ESCAPE_LETTERS)) {
      const at = this.pos - 1;
      throw new PatternSyntaxError(`invalid character class \\${String.fromCodePoint(this.next())}`, at);
    }
    // Backslash consumed; the next character is taken literally by parseCharExp.
    return undefined;
  }

  parseSimple(): RegexNode {
    if (this.match(".")) return { kind: "charset", ranges: ANY_CHAR };
    if (this.match("#")) return { kind: "empty" };
    if (this.match("@")) return { kind: "anystring" };
    if (this.match('"')) {
      const start = this.pos;
      while (this.more() && !this.peekIn('"')) this.next();
      if (!this.match('"')) throw new PatternSyntaxError("expected '\"'", this.pos);
      return { kind: "string", codePoints: [...this.s.slice(start, this.pos - 1)].map((c) => c.codePointAt(0) as number) };
    }
    if (this.match("(")) {
      if (this.match(")")) return { kind: "string", codePoints: [] };
      if (++this.depth > MAX_NESTING) throw new PatternSyntaxError(`more than ${MAX_NESTING} nested parentheses`, this.pos - 1);
      const e = this.parseUnion();
      this.depth--;
      if (!this.match(")")) throw new PatternSyntaxError("expected ')'", this.pos);
      return e;
    }
    if (this.match("<")) return this.parseAngle();
    const predefined = this.matchPredefined();
    if (predefined) return { kind: "charset", ranges: predefined };
    const c = this.parseCharExp();
    return { kind: "charset", ranges: [c, c] };
  }

  /** `<n-m>` numeric interval; `<name>` would be a named automaton, which Elasticsearch never provides. */
  parseAngle(): RegexNode {
    const start = this.pos;
    while (this.more() && !this.peekIn(">")) this.next();
    if (!this.match(">")) throw new PatternSyntaxError("expected '>'", this.pos);
    const body = this.s.slice(start, this.pos - 1);
    const dash = body.indexOf("-");
    if (dash === -1) throw new PatternSyntaxError(`'${body}' not found (named automata are not available in Elasticsearch patterns)`, start - 1);
    const syntaxError = () => new PatternSyntaxError("interval syntax error", this.pos - 1);
    if (dash === 0 || dash === body.length - 1 || dash !== body.lastIndexOf("-")) throw syntaxError();
    const smin = body.slice(0, dash);
    const smax = body.slice(dash + 1);
    const javaParseInt = (text: string): number => {
      // Integer.parseInt: optional '+', decimal digits, at most 2^31-1.
      if (!/^\+?[0-9]+$/.test(text)) throw syntaxError();
      const v = Number(text);
      if (v > JAVA_INT_MAX) throw syntaxError();
      return v;
    };
    let min = javaParseInt(smin);
    let max = javaParseInt(smax);
    // Same width on both sides means fixed width (leading zeros required); else any leading zeros.
    const digits = smin.length === smax.length ? smin.length : 0;
    if (min > max) [min, max] = [max, min];
    return { kind: "interval", min, max, digits };
  }

  parseCharExp(): number {
    this.match("\\");
    return this.next();
  }
}

/** Parses Lucene RegExp syntax (the text between the slashes) into a syntax tree. */
export function parseRegExp(source: string): RegexNode {
  if (source.length === 0) return { kind: "string", codePoints: [] };
  const parser = new Parser(source);
  const node = parser.parseUnion();
  if (parser.more()) throw new PatternSyntaxError("end-of-string expected", parser.pos);
  return node;
}

export interface RegExpCompileOptions {
  readonly maxStates?: number;
  readonly what?: string;
  readonly budget?: AutomatonBudget;
}

/** Compiles a Lucene regular expression (without the slashes) to a minimal DFA. */
export function regExpToDfa(source: string, options: RegExpCompileOptions = {}): Dfa {
  return nodeToDfa(parseRegExp(source), {
    maxStates: options.maxStates ?? DEFAULT_MAX_DFA_STATES,
    what: options.what ?? `/${source}/`,
    ...(options.budget ? { budget: options.budget } : {}),
  });
}

/** The bounds every step of a regex's compilation honours. */
export interface NodeOptions {
  readonly maxStates: number;
  readonly what: string;
  readonly budget?: AutomatonBudget;
}

/** Builds each node's minimal DFA bottom-up, bounded at every step as Lucene's toAutomaton is. */
export function nodeToDfa(node: RegexNode, options: NodeOptions): Dfa {
  const sub = (n: RegexNode) => nodeToDfa(n, options);
  switch (node.kind) {
    case "union":
      return union(node.items.map(sub), options);
    case "concat":
      return concatenate(mergeStrings(node.items).map(sub), options);
    case "intersection": {
      let acc = sub(node.items[0] as RegexNode);
      for (const item of node.items.slice(1)) acc = intersection(acc, sub(item), options);
      return acc;
    }
    case "optional":
      return optional(sub(node.expr), options);
    case "repeat": {
      const a = sub(node.expr);
      // Lucene refuses up front when the copies alone would pass the limit.
      const copies = node.max ?? node.min;
      if ((a.stateCount - 1) * copies > options.maxStates) throw tooComplex(options.what, options.maxStates);
      return repeat(a, node.min, node.max, options);
    }
    case "complement": {
      // ~~x is x: peel pairs without recursing once per tilde.
      let inner: RegexNode = node.expr;
      let odd = true;
      while (inner.kind === "complement") {
        inner = inner.expr;
        odd = !odd;
      }
      return odd ? complement(sub(inner)) : sub(inner);
    }
    case "charset":
      return charSetDfa(node.ranges);
    case "string":
      // Bounded like every other construction (states = length + 1).
      if (node.codePoints.length >= options.maxStates) throw tooComplex(options.what, options.maxStates);
      return stringDfa(node.codePoints);
    case "empty":
      return emptyDfa();
    case "anystring":
      return anyStringDfa();
    case "interval":
      return decimalInterval(node.min, node.max, node.digits, options);
  }
}

/** Runs of single characters in a concatenation become one string (fewer automata to glue). */
function mergeStrings(items: readonly RegexNode[]): RegexNode[] {
  const out: RegexNode[] = [];
  for (const item of items) {
    const single = item.kind === "charset" && item.ranges.length === 2 && item.ranges[0] === item.ranges[1] ? [item.ranges[0] as number] : item.kind === "string" ? item.codePoints : undefined;
    const last = out[out.length - 1];
    if (single && last?.kind === "string") out[out.length - 1] = { kind: "string", codePoints: [...last.codePoints, ...single] };
    else if (single) out.push({ kind: "string", codePoints: [...single] });
    else out.push(item);
  }
  return out;
}

/**
 * Lucene `Automata.makeDecimalInterval`: decimal strings whose value is in [min, max]. With
 * `digits` > 0 exactly that many digits (zero-padded); otherwise any number of leading zeros.
 */
export function decimalInterval(min: number, max: number, digits: number, options: NodeOptions): Dfa {
  const width = digits > 0 ? digits : String(max).length;
  if (digits > 0) return fixedWidthRange(String(min).padStart(width, "0"), String(max).padStart(width, "0"), options);
  // Strings of length L (leading zeros allowed within) for every L up to the width of max,
  // and 0* before the full-width ones.
  const parts: Dfa[] = [];
  for (let len = 1; len <= width; len++) {
    const hi = Math.min(max, 10 ** len - 1);
    if (min > hi) continue;
    const dfa = fixedWidthRange(String(min).padStart(len, "0"), String(hi).padStart(len, "0"), options);
    parts.push(len === width ? concatenate([repeat(charSetDfa([0x30, 0x30]), 0, undefined, options), dfa], options) : dfa);
  }
  return parts.length === 0 ? emptyDfa() : union(parts, options);
}

/** Equal-length digit strings between lo and hi inclusive. */
function fixedWidthRange(lo: string, hi: string, options: NodeOptions): Dfa {
  if (lo.length === 0) return emptyStringDfa();
  const digit = (a: number, b: number) => charSetDfa([0x30 + a, 0x30 + b]);
  const anyDigits = (n: number) => stringOf(n, () => digit(0, 9), options);
  const l0 = Number(lo[0]);
  const h0 = Number(hi[0]);
  const restLo = lo.slice(1);
  const restHi = hi.slice(1);
  if (l0 === h0) return concatenate([digit(l0, l0), fixedWidthRange(restLo, restHi, options)], options);
  const parts = [
    concatenate([digit(l0, l0), fixedWidthRange(restLo, "9".repeat(restLo.length), options)], options),
    concatenate([digit(h0, h0), fixedWidthRange("0".repeat(restHi.length), restHi, options)], options),
  ];
  if (h0 - l0 > 1) parts.push(concatenate([digit(l0 + 1, h0 - 1), anyDigits(restLo.length)], options));
  return union(parts, options);
}

function stringOf(n: number, piece: () => Dfa, options: NodeOptions): Dfa {
  return n === 0 ? emptyStringDfa() : repeat(piece(), n, n, options);
}
