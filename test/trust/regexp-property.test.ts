import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accepts, complement, intersection, isEmpty, isSubsetOf } from "../../src/trust/automaton.js";
import { regExpToDfa } from "../../src/trust/regexp.js";

// Random regexes from the subset where Lucene RegExp and JavaScript RegExp mean the same thing
// (JavaScript's engine serves only as the test's reference, anchored, on short inputs).
const { regex } = fc.letrec<{ regex: string; atom: string }>((tie) => ({
  atom: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("a", "b", ".", "[ab]", "[^a]", "\\d", "\\.", "()"),
    tie("regex").map((r) => `(${r})`),
  ),
  regex: fc.oneof(
    { depthSize: "small" },
    tie("atom"),
    fc.tuple(tie("atom"), fc.constantFrom("*", "+", "?", "{2}", "{0,2}", "{1,}")).map(([a, op]) => `${a}${op}`),
    fc.tuple(tie("regex"), tie("regex")).map(([x, y]) => `${x}${y}`),
    fc.tuple(tie("regex"), tie("regex")).map(([x, y]) => `${x}|${y}`),
  ),
}));
const input = fc.array(fc.constantFrom("a", "b", ".", "1", "x", "😀"), { maxLength: 7 }).map((cs) => cs.join(""));

describe("Lucene RegExp parser against a reference on the common subset", () => {
  it("agrees with an anchored JavaScript RegExp", () => {
    fc.assert(
      fc.property(regex, fc.array(input, { minLength: 1, maxLength: 10 }), (source, names) => {
        let dfa;
        try {
          dfa = regExpToDfa(source);
        } catch (error) {
          if ((error as { code?: string }).code === "PATTERN_TOO_COMPLEX") return; // bounded, fine
          throw error;
        }
        const reference = new RegExp(`^(?:${source.replace(/\(\)/g, "(?:)")})$`, "u");
        for (const name of names) expect(accepts(dfa, name), `${source} vs ${name}`).toBe(reference.test(name));
      }),
      { numRuns: 300 },
    );
  });
});

describe("isSubsetOf on random regexes", () => {
  it("answers as 'A and not B is empty' does, both ways round", () => {
    const answers = new Set<boolean>();
    fc.assert(
      fc.property(regex, regex, (p, q) => {
        let a, b;
        try {
          a = regExpToDfa(p);
          b = regExpToDfa(q);
        } catch (error) {
          if ((error as { code?: string }).code === "PATTERN_TOO_COMPLEX") return;
          throw error;
        }
        for (const [x, y] of [[a, b], [b, a], [a, a]] as const) {
          const expected = isEmpty(intersection(x, complement(y)));
          expect(isSubsetOf(x, y), `${p} ⊆ ${q}`).toBe(expected);
          answers.add(expected);
        }
      }),
      { numRuns: 300 },
    );
    expect([...answers].sort()).toEqual([false, true]); // both answers were exercised
  });
});
