import { OthernameError } from "../errors.js";
import {
  DEFAULT_MAX_DFA_STATES,
  MAX_CODE_POINT,
  NfaBuilder,
  anyStringDfa,
  determinize,
  minimize,
  run,
  step,
  stringDfa,
  tooComplex,
  type Dfa,
} from "./automaton.js";
import type { AutomatonBudget } from "./automaton-budget.js";
import { PatternSyntaxError, nodeToDfa, parseRegExp, type RegexNode } from "./regexp.js";

/**
 * One trust pattern as Elasticsearch's `Automatons.pattern` reads it: `/…/` is a Lucene regular
 * expression; anything else is a wildcard where `*` is any string (dots included, empty
 * included), `?` one code point, `\x` the literal x and a trailing lone `\` a literal backslash.
 * Patterns are never translated to JavaScript RegExp: everything compiles to automata.
 */
export interface CompiledPattern {
  readonly text: string;
  readonly kind: "wildcard" | "regex";
  /** The minimal DFA of the pattern (label 0 on accepting states). */
  readonly dfa: Dfa;
  /** Things that behave surprisingly in Elasticsearch, for the linter and explanations. */
  readonly warnings: readonly string[];
}

export interface PatternOptions {
  /** Per-pattern determinization limit (Lucene's default work limit, 10,000). */
  readonly maxStates?: number;
  /** The whole file's bound (automaton-budget.ts): each state created is spent from it. */
  readonly budget?: AutomatonBudget;
}

/** Elasticsearch's message for a pattern that starts with `/` but is not closed by one. */
export function unclosedRegexReason(text: string): string {
  return (
    `invalid pattern [${text}]. patterns starting with '/' indicate regular expression pattern and therefore must also end with '/'.` +
    " other patterns (those that do not start with '/') will be treated as simple wildcard patterns"
  );
}

/**
 * Compiles one trust pattern as Elasticsearch does: a wildcard (`*`, `?`, `\\x`) or a `/…/` Lucene
 * regular expression, to a bounded automaton over code points (never a backtracking RegExp).
 *
 * @param text - The pattern.
 * @param options - The determinization limit (default 10,000 states, Lucene's).
 * @returns The compiled pattern: its text, kind, minimal DFA and Elasticsearch surprises (`warnings`).
 * @throws OthernameError PATTERN_UNCLOSED_REGEX, PATTERN_SYNTAX (with the position inside the regex) or
 *   PATTERN_TOO_COMPLEX.
 * @example
 * ```ts
 * compilePattern("/n<1-12>\\.node\\.c1/").kind;    // "regex"
 * compilePattern("𝕏.node.*").warnings;           // a literal outside the BMP never matches in Elasticsearch
 * ```
 */
export function compilePattern(text: string, options: PatternOptions = {}): CompiledPattern {
  const maxStates = options.maxStates ?? DEFAULT_MAX_DFA_STATES;
  const bounds = { maxStates, what: `pattern ${text}`, ...(options.budget ? { budget: options.budget } : {}) };
  if (text.startsWith("/")) {
    if (text.length === 1 || !text.endsWith("/")) {
      throw new OthernameError("PATTERN_UNCLOSED_REGEX", unclosedRegexReason(text), {
        hint: "Close the regular expression with '/', or escape the leading slash (\\/) if you meant a wildcard pattern.",
      });
    }
    const source = text.slice(1, -1);
    return { text, kind: "regex", dfa: nodeToDfa(parseRegExp(source), bounds), warnings: [] };
  }
  const warnings: string[] = [];
  if (/[\u{10000}-\u{10FFFF}]/u.test(text)) {
    warnings.push(
      "a literal character outside the Basic Multilingual Plane never matches in an Elasticsearch wildcard: " +
        "Elasticsearch compiles wildcard literals per UTF-16 unit but matches names per code point (use ? or a /regex/)",
    );
  }
  return { text, kind: "wildcard", dfa: wildcardToDfa(text, bounds), warnings };
}

/**
 * Elasticsearch `Automatons.wildcard`: walks the pattern by UTF-16 unit (`charAt`), so a literal
 * surrogate pair becomes two transitions on the surrogate values and never matches a name,
 * which is run by code point; `?` is any one code point.
 */
export function wildcardToDfa(text: string, options: { maxStates: number; what: string; budget?: AutomatonBudget }): Dfa {
  if (text === "*") return anyStringDfa();
  if (!/[*?\\]/.test(text)) {
    // A plain name: its DFA is the chain of its UTF-16 units, already minimal, built in time
    // linear in the text (so it spends nothing from the file's automaton budget).
    if (text.length >= options.maxStates) throw tooComplex(options.what, options.maxStates);
    return stringDfa(Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)));
  }
  const nfa = new NfaBuilder();
  const start = nfa.addState();
  let current = start;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0x2a /* * */) {
      const loop = nfa.addState();
      nfa.addEpsilon(current, loop);
      nfa.addTransition(loop, 0, MAX_CODE_POINT, loop);
      current = loop;
      continue;
    }
    const next = nfa.addState();
    if (unit === 0x3f /* ? */) {
      nfa.addTransition(current, 0, MAX_CODE_POINT, next);
    } else if (unit === 0x5c /* \ */ && i + 1 < text.length) {
      const escaped = text.charCodeAt(++i);
      nfa.addTransition(current, escaped, escaped, next);
    } else {
      // Includes a trailing lone backslash, taken literally (Elasticsearch's lenient parsing).
      nfa.addTransition(current, unit, unit, next);
    }
    current = next;
  }
  nfa.labels[current] = 0;
  return minimize(determinize(nfa, start, options));
}

// ---------------------------------------------------------------------------------------------
// The compiled matcher for a whole file

export interface MatcherOptions extends PatternOptions {
  /**
   * State budget for the union DFA. Elasticsearch itself evaluates each trust pattern on its
   * own (one predicate per pattern), so the union is only our speed-up: past this budget we
   * fall back to one DFA per pattern, which is still linear per pattern. Default 100,000, the
   * default of Elasticsearch's `xpack.security.automata.max_determinized_states`.
   */
  readonly maxUnionStates?: number;
}

export interface PatternMatcher {
  readonly patterns: readonly CompiledPattern[];
  /** "union": one DFA answers for all patterns; "per-pattern": the fallback loop. */
  readonly strategy: "union" | "per-pattern" | "empty";
  /** File-order index of the first pattern that matches `name`, or -1. One pass over `name`. */
  firstMatch(name: string): number;
  /** True when any pattern matches `name`. */
  matches(name: string): boolean;
  /** Whether one given pattern matches (for per-pattern verdicts). */
  matchesPattern(index: number, name: string): boolean;
  /** States of the union DFA (0 unless strategy is "union"). */
  readonly unionStates: number;
}

export const DEFAULT_MAX_UNION_STATES = 100_000;
/** Past this many (state × interval) cells the union DFA is trimmed, not minimized. */
const MAX_UNION_MINIMIZE_CELLS = 1_000_000;

/**
 * Compiles every pattern of a file (any invalid one throws, as Elasticsearch refuses the whole file)
 * and their union, so a name is matched once against all patterns and the first pattern in file
 * order that matches is named.
 *
 * @param texts - The patterns in file order.
 * @param options - Per-pattern and union state limits.
 * @returns The matcher: `firstMatch(name)` (file-order index or -1), `matches(name)` and the compiled patterns.
 * @throws OthernameError as `compilePattern`.
 * @example
 * ```ts
 * const matcher = compileMatcher(["*.node.eu.cluster.s1.account", "*.node.us.cluster.s1.account"]);
 * matcher.firstMatch("n1.node.us.cluster.s1.account"); // 1
 * matcher.matches("n1.node.ap.cluster.s1.account");    // false
 * ```
 */
export function compileMatcher(texts: readonly string[], options: MatcherOptions = {}): PatternMatcher {
  const patterns = texts.map((text) => compilePattern(text, options));
  return matcherFor(patterns, options);
}

/** Builds the matcher for patterns already compiled. */
export function matcherFor(patterns: readonly CompiledPattern[], options: MatcherOptions = {}): PatternMatcher {
  const matchesPattern = (index: number, name: string): boolean => {
    const p = patterns[index];
    return p !== undefined && run(p.dfa, name) >= 0;
  };
  if (patterns.length === 0) {
    return { patterns, strategy: "empty", firstMatch: () => -1, matches: () => false, matchesPattern, unionStates: 0 };
  }
  // A pattern given again (often through a YAML alias) can never be the first match: leave it out.
  // Plain names go to a hash map, as Elasticsearch's StringMatcher keeps exact strings in a set
  // (only names of BMP, non-surrogate units, where both readings agree); the rest to automata.
  const seen = new Set<string>();
  const distinct: number[] = [];
  const exact = new Map<string, number>();
  patterns.forEach((p, i) => {
    if (seen.has(p.text)) return;
    seen.add(p.text);
    if (p.kind === "wildcard" && /^[^*?\\\ud800-\udfff]*$/.test(p.text)) exact.set(p.text, i);
    else distinct.push(i);
  });
  const exactIndex = (name: string): number => exact.get(name) ?? -1;
  const first = (a: number, b: number): number => (a < 0 ? b : b < 0 ? a : Math.min(a, b));
  let union: Dfa | undefined;
  try {
    union = unionDfa(patterns, distinct, options.maxUnionStates ?? DEFAULT_MAX_UNION_STATES, options.maxStates ?? DEFAULT_MAX_DFA_STATES, options.budget);
  } catch (error) {
    // The union is only a speed-up: past its own bound, or the file's budget, match pattern by pattern.
    if (!(error instanceof OthernameError && (error.code === "PATTERN_TOO_COMPLEX" || error.code === "TRUST_AUTOMATON_BUDGET"))) throw error;
  }
  if (union === undefined) {
    const firstMatch = (name: string): number => {
      const e = exactIndex(name);
      for (const i of distinct) {
        if (e >= 0 && i > e) break;
        if (run((patterns[i] as CompiledPattern).dfa, name) >= 0) return i;
      }
      return e;
    };
    return { patterns, strategy: "per-pattern", firstMatch, matches: (name) => firstMatch(name) >= 0, matchesPattern, unionStates: 0 };
  }
  const table = tableRunner(union);
  const runner = exact.size === 0 ? table : (name: string): number => first(exactIndex(name), table(name));
  return { patterns, strategy: "union", firstMatch: runner, matches: (name) => runner(name) >= 0, matchesPattern, unionStates: union.stateCount };
}

/**
 * The union of all patterns as one DFA whose accepting states carry the lowest file-order index
 * they accept. Patterns led by an any-string (`*x`, `/.*x/`, `/@x/`) are the costly ones to
 * unite (they stay alive on every input), so, as Elasticsearch's `Automatons` does for sets of
 * patterns, their tails are united first and a single any-string loop is put in front:
 * ⋃ (Σ* · Xᵢ) = Σ* · (⋃ Xᵢ), keeping each Xᵢ's label.
 */
function unionDfa(patterns: readonly CompiledPattern[], indices: readonly number[], maxStates: number, perPatternStates: number, budget: AutomatonBudget | undefined): Dfa {
  // Our own speed-up with a fallback, so it may work harder than one pattern may (50 × states).
  const opts = { maxStates, maxEffort: maxStates * 50, what: "the union of the trust patterns", ...(budget ? { budget } : {}) };
  const tails: Dfa[] = [];
  const tailLabels: number[] = [];
  const others: number[] = [];
  indices.forEach((i) => {
    const p = patterns[i] as CompiledPattern;
    const tail = anyStringTail(p, perPatternStates, budget);
    if (tail) {
      tails.push(tail);
      tailLabels.push(i);
    } else others.push(i);
  });
  const nfa = new NfaBuilder();
  const start = nfa.addState();
  if (tails.length > 0) {
    const tailNfa = new NfaBuilder();
    const tailStart = tailNfa.addState();
    tails.forEach((t, k) => tailNfa.addEpsilon(tailStart, tailNfa.embed(t, { relabel: () => tailLabels[k] as number })));
    const tailUnion = determinize(tailNfa, tailStart, opts);
    const led = new NfaBuilder();
    const ledStart = led.addState();
    led.addTransition(ledStart, 0, MAX_CODE_POINT, ledStart);
    led.addEpsilon(ledStart, led.embed(tailUnion));
    nfa.addEpsilon(start, nfa.embed(determinize(led, ledStart, opts)));
  }
  for (const i of others) nfa.addEpsilon(start, nfa.embed((patterns[i] as CompiledPattern).dfa, { relabel: () => i }));
  // Minimized (Hopcroft) once at the end: fewer states, a smaller table, better cache use; a
  // large union is only trimmed (minimizing it would cost more than it saves).
  return minimize(determinize(nfa, start, opts), { maxCells: MAX_UNION_MINIMIZE_CELLS });
}

/** For `*X` wildcards and `/.*X/` or `/@X/` regexes, the DFA of X (else undefined). */
function anyStringTail(p: CompiledPattern, maxStates: number, budget: AutomatonBudget | undefined): Dfa | undefined {
  const what = { maxStates, what: `pattern ${p.text}`, ...(budget ? { budget } : {}) };
  if (p.kind === "wildcard") return p.text.length > 1 && p.text.startsWith("*") ? wildcardToDfa(p.text.slice(1), what) : undefined;
  const node = parseRegExp(p.text.slice(1, -1));
  if (node.kind !== "concat") return undefined;
  const [first, ...rest] = node.items as RegexNode[];
  if (!first || !isAnyString(first)) return undefined;
  return nodeToDfa(rest.length === 1 ? (rest[0] as RegexNode) : { kind: "concat", items: rest }, what);
}

function isAnyString(n: RegexNode): boolean {
  if (n.kind === "anystring") return true;
  return n.kind === "repeat" && n.min === 0 && n.max === undefined && n.expr.kind === "charset" && n.expr.ranges.length === 2 && n.expr.ranges[0] === 0 && n.expr.ranges[1] === MAX_CODE_POINT;
}

/**
 * A fast runner for the union DFA: ASCII code points go through a dense table indexed by
 * (state, character class), where classes group the ASCII characters every state treats alike;
 * other code points use the state's sorted ranges.
 */
function tableRunner(dfa: Dfa): (name: string) => number {
  // Character classes over 0..127: cut at every range boundary inside ASCII.
  const cuts = new Uint8Array(129);
  cuts[0] = 1;
  for (let t = 0; t < dfa.mins.length; t++) {
    const lo = dfa.mins[t] as number;
    const hi = (dfa.maxs[t] as number) + 1;
    if (lo < 128) cuts[lo] = 1;
    if (hi < 128) cuts[hi] = 1;
  }
  const classOf = new Uint8Array(128);
  let classes = 0;
  const sample: number[] = [];
  for (let c = 0; c < 128; c++) {
    if (cuts[c]) {
      classes++;
      sample.push(c);
    }
    classOf[c] = classes - 1;
  }
  // Rows in depth-first order, so the states along one name sit close together in memory.
  const order = depthFirstOrder(dfa);
  const rowOf = new Int32Array(dfa.stateCount);
  order.forEach((state, index) => {
    rowOf[state] = index * classes;
  });
  // Entries hold the next state's row offset (index × classes), or -1.
  const table = new Int32Array(dfa.stateCount * classes);
  const labels = new Int32Array(dfa.stateCount);
  for (let r = 0; r < order.length; r++) {
    const s = order[r] as number;
    labels[r] = dfa.labels[s] as number;
    for (let k = 0; k < classes; k++) {
      const next = step(dfa, s, sample[k] as number);
      table[r * classes + k] = next < 0 ? -1 : (rowOf[next] as number);
    }
  }
  return (name: string): number => {
    let row = 0;
    const n = name.length;
    for (let i = 0; i < n; i++) {
      let c = name.charCodeAt(i);
      if (c < 128) {
        row = table[row + (classOf[c] as number)] as number;
      } else {
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
          const d = name.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
            i++;
          }
        }
        const next = step(dfa, order[row / classes] as number, c);
        row = next < 0 ? -1 : (rowOf[next] as number);
      }
      if (row < 0) return -1;
    }
    return labels[row / classes] as number;
  };
}

/** States in depth-first preorder from the start (first transition first). */
function depthFirstOrder(dfa: Dfa): Int32Array {
  const order = new Int32Array(dfa.stateCount);
  const seen = new Uint8Array(dfa.stateCount);
  const stack = [0];
  let count = 0;
  while (stack.length > 0) {
    const s = stack.pop() as number;
    if (seen[s]) continue;
    seen[s] = 1;
    order[count++] = s;
    for (let t = (dfa.offsets[s + 1] as number) - 1; t >= (dfa.offsets[s] as number); t--) {
      const to = dfa.targets[t] as number;
      if (!seen[to]) stack.push(to);
    }
  }
  for (let s = 0; s < dfa.stateCount; s++) if (!seen[s]) order[count++] = s; // unreachable: keep a row anyway
  return order;
}

export { PatternSyntaxError };
