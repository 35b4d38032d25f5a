import { describe, expect, it } from "vitest";
import {
  MAX_CODE_POINT,
  NfaBuilder,
  accepts,
  anyStringDfa,
  charSetDfa,
  complement,
  concatenate,
  determinize,
  divergence,
  emptyDfa,
  intersection,
  isEmpty,
  isSubsetOf,
  isUniversal,
  minimize,
  repeat,
  run,
  shortestAccepted,
  stringDfa,
  union,
} from "../../src/trust/automaton.js";

const str = (s: string) => stringDfa([...s].map((c) => c.codePointAt(0) as number));
const anyChar = charSetDfa([0, MAX_CODE_POINT]);
const ab = charSetDfa([0x61, 0x62]);

describe("automaton", () => {
  it("accepts exactly a string", () => {
    const d = str("node1");
    expect(accepts(d, "node1")).toBe(true);
    expect(accepts(d, "node")).toBe(false);
    expect(accepts(d, "node12")).toBe(false);
    expect(accepts(d, "")).toBe(false);
  });

  it("concatenates, unions and repeats", () => {
    const d = concatenate([str("x"), repeat(ab, 2, 3), union([str("!"), str("?")])]);
    expect(accepts(d, "xab!")).toBe(true);
    expect(accepts(d, "xaba?")).toBe(true);
    expect(accepts(d, "xa!")).toBe(false);
    expect(accepts(d, "xabab!")).toBe(false);
    const star = repeat(str("ab"), 0, undefined);
    expect(accepts(star, "")).toBe(true);
    expect(accepts(star, "ababab")).toBe(true);
    expect(accepts(star, "aba")).toBe(false);
    expect(isEmpty(repeat(str("a"), 3, 2))).toBe(true);
  });

  it("steps over code points, including those outside the BMP", () => {
    const d = concatenate([str("a"), anyChar, str("b")]);
    expect(accepts(d, "a😀b")).toBe(true); // one code point, two UTF-16 units
    expect(accepts(d, "axb")).toBe(true);
    expect(accepts(d, "ab")).toBe(false);
  });

  it("complements over the whole code-point alphabet", () => {
    const notAbc = complement(str("abc"));
    expect(accepts(notAbc, "abc")).toBe(false);
    expect(accepts(notAbc, "")).toBe(true);
    expect(accepts(notAbc, "abcd")).toBe(true);
    expect(accepts(notAbc, "\u{10FFFF}")).toBe(true);
    expect(isEmpty(complement(anyStringDfa()))).toBe(true);
    expect(accepts(complement(emptyDfa()), "anything")).toBe(true);
  });

  it("tells a universal language without building its complement, as the complement would", () => {
    const notA = complement(str("a"));
    const unminimized = determinize(
      (() => {
        // Two accepting states that both loop over everything: universal, though not minimal.
        const nfa = new NfaBuilder();
        const s0 = nfa.addState(0);
        const s1 = nfa.addState(0);
        nfa.addTransition(s0, 0, 0x60, s1);
        nfa.addTransition(s0, 0x61, MAX_CODE_POINT, s0);
        nfa.addTransition(s1, 0, MAX_CODE_POINT, s0);
        return nfa;
      })(),
      0,
    );
    const cases = [anyStringDfa(), unminimized, union([notA, str("a")]), notA, emptyDfa(), str(""), concatenate([anyStringDfa(), str("a")]), repeat(anyChar, 0, 5), charSetDfa([0, MAX_CODE_POINT - 1])];
    expect(cases.map(isUniversal)).toEqual([true, true, true, false, false, false, false, false, false]);
    for (const d of cases) expect(isUniversal(d)).toBe(isEmpty(complement(d)));
  });

  it("intersects, tests emptiness and inclusion", () => {
    const endsA = concatenate([anyStringDfa(), str("a")]);
    const startsB = concatenate([str("b"), anyStringDfa()]);
    const both = intersection(endsA, startsB);
    expect(accepts(both, "ba")).toBe(true);
    expect(accepts(both, "bxxa")).toBe(true);
    expect(accepts(both, "a")).toBe(false);
    expect(isEmpty(intersection(str("a"), str("b")))).toBe(true);
    expect(isSubsetOf(str("ba"), both)).toBe(true);
    expect(isSubsetOf(both, endsA)).toBe(true);
    expect(isSubsetOf(endsA, both)).toBe(false);
  });

  it("minimizes to the smallest DFA", () => {
    // (a|b)*abb has a 4-state minimal DFA.
    const d = concatenate([repeat(ab, 0, undefined), str("abb")]);
    expect(d.stateCount).toBe(4);
    expect(accepts(d, "babb")).toBe(true);
    expect(accepts(d, "abba")).toBe(false);
  });

  it("keeps the lowest label of a union's patterns", () => {
    const nfa = new NfaBuilder();
    const start = nfa.addState();
    nfa.addEpsilon(start, nfa.embed(concatenate([anyStringDfa(), str("x")]), { relabel: () => 2 }));
    nfa.addEpsilon(start, nfa.embed(str("ax"), { relabel: () => 1 }));
    nfa.addEpsilon(start, nfa.embed(str("zz"), { relabel: () => 0 }));
    const d = minimize(determinize(nfa, start));
    expect(run(d, "ax")).toBe(1);
    expect(run(d, "bx")).toBe(2);
    expect(run(d, "zz")).toBe(0);
    expect(run(d, "zy")).toBe(-1);
  });

  it("refuses to explode: (a|b)*a(a|b){20} is too complex, quickly", () => {
    expect(() => concatenate([repeat(ab, 0, undefined), str("a"), repeat(ab, 20, 20)])).toThrowError(
      expect.objectContaining({ code: "PATTERN_TOO_COMPLEX" }),
    );
    // The same shape with a short tail is fine.
    const small = concatenate([repeat(ab, 0, undefined), str("a"), repeat(ab, 3, 3)]);
    expect(small.stateCount).toBe(16);
  });

  it("finds the shortest accepted string and where a string leaves", () => {
    const d = concatenate([str("node"), repeat(charSetDfa([0x30, 0x39]), 1, undefined), str(".x")]);
    expect(shortestAccepted(d)).toBe("node0.x");
    expect(shortestAccepted(emptyDfa())).toBeUndefined();
    expect(divergence(d, "node12.x")).toEqual({ kind: "accepted" });
    const miss = divergence(d, "nodeA.x");
    expect(miss).toMatchObject({ kind: "mismatch", offset: 4, codePointIndex: 4, found: 0x41, expected: [0x30, 0x39] });
    const short = divergence(d, "node1.");
    expect(short).toMatchObject({ kind: "incomplete", offset: 6, completion: "x" });
  });
});
