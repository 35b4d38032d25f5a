import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accepts } from "../../src/trust/automaton.js";
import { compileMatcher, compilePattern } from "../../src/trust/pattern.js";

type Token = { star: true } | { any: true } | { literal: string };

/** Reference semantics of an Elasticsearch wildcard, written independently: tokens + memoized recursion. */
function tokenize(pattern: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") out.push({ star: true });
    else if (c === "?") out.push({ any: true });
    else if (c === "\\" && i + 1 < pattern.length) out.push({ literal: pattern[++i] as string });
    else out.push({ literal: c });
  }
  return out;
}

function referenceMatch(pattern: string, name: string): boolean {
  const tokens = tokenize(pattern);
  const chars = [...name]; // code points
  const memo = new Map<number, boolean>();
  const go = (t: number, n: number): boolean => {
    const key = t * (chars.length + 1) + n;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let result: boolean;
    const token = tokens[t];
    if (token === undefined) result = n === chars.length;
    else if ("star" in token) result = go(t + 1, n) || (n < chars.length && go(t, n + 1));
    else if ("any" in token) result = n < chars.length && go(t + 1, n + 1);
    else result = n < chars.length && chars[n] === token.literal && go(t + 1, n + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

// Small alphabets so that random patterns and names actually meet.
const patternChar = fc.constantFrom("a", "b", ".", "*", "?", "\\", "é");
const nameChar = fc.constantFrom("a", "b", ".", "*", "?", "\\", "é", "😀");
const pattern = fc.array(patternChar, { maxLength: 10 }).map((cs) => cs.join("")).filter((p) => !p.startsWith("/"));
const name = fc.array(nameChar, { maxLength: 12 }).map((cs) => cs.join(""));

describe("wildcard matcher against a reference implementation", () => {
  it("agrees on random patterns and names", () => {
    fc.assert(
      fc.property(pattern, fc.array(name, { minLength: 1, maxLength: 8 }), (p, names) => {
        const dfa = compilePattern(p).dfa;
        for (const n of names) expect(accepts(dfa, n)).toBe(referenceMatch(p, n));
      }),
      { numRuns: 400 },
    );
  });

  it("the union matcher names the first pattern the reference matches", () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 6 }), fc.array(name, { minLength: 1, maxLength: 8 }), (patterns, names) => {
        const matcher = compileMatcher(patterns);
        for (const n of names) expect(matcher.firstMatch(n)).toBe(patterns.findIndex((p) => referenceMatch(p, n)));
      }),
      { numRuns: 200 },
    );
  });
});

describe("automaton set operations on random patterns", () => {
  it("obey the set laws, and minimization is idempotent", async () => {
    const { complement, intersection, isEmpty, isSubsetOf, minimize, union } = await import("../../src/trust/automaton.js");
    fc.assert(
      fc.property(pattern, pattern, (p, q) => {
        const a = compilePattern(p).dfa;
        const b = compilePattern(q).dfa;
        const ab = union([a, b]);
        expect(isSubsetOf(a, ab)).toBe(true);
        expect(isSubsetOf(b, ab)).toBe(true);
        expect(isEmpty(intersection(a, complement(a)))).toBe(true);
        const back = complement(complement(a));
        expect(isSubsetOf(back, a) && isSubsetOf(a, back)).toBe(true);
        expect(back.stateCount).toBe(a.stateCount); // minimal DFAs of one language have one size
        expect(minimize(a).stateCount).toBe(a.stateCount);
        expect(isSubsetOf(intersection(a, b), a)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
