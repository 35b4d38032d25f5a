import { describe, expect, it } from "vitest";
import { accepts } from "../../src/trust/automaton.js";
import { PatternSyntaxError } from "../../src/trust/regexp.js";
import { compileMatcher, compilePattern } from "../../src/trust/pattern.js";

const matches = (pattern: string, name: string) => accepts(compilePattern(pattern).dfa, name);

// [pattern, name, expected]
const wildcardTable: [string, string, boolean][] = [
  ["node1.node.abc.cluster.s1", "node1.node.abc.cluster.s1", true],
  ["node1.node.abc.cluster.s1", "Node1.node.abc.cluster.s1", false], // case-sensitive
  ["node1.node.abc.cluster.s1", "node1.node.abc.cluster.s1x", false], // whole string
  ["*", "", true],
  ["*", "anything.at.all", true],
  ["*.cluster3.example", "n1.cluster3.example", true],
  ["*.cluster3.example", "a.b.c.cluster3.example", true], // * crosses dots
  ["*.cluster3.example", ".cluster3.example", true], // * matches empty
  ["*.cluster3.example", "n1.cluster31.example", false],
  ["*.node.*.cluster.s1", "n.node.x.y.cluster.s1", true],
  ["node?", "node1", true],
  ["node?", "node", false],
  ["node?", "node12", false],
  ["node?", "node😀", true], // ? is one code point, even outside the BMP
  ["?", "😀", true],
  ["??", "😀", false],
  ["a\\*b", "a*b", true], // escaped star is literal
  ["a\\*b", "axb", false],
  ["a\\?b", "a?b", true],
  ["a\\?b", "axb", false],
  ["a\\\\b", "a\\b", true], // \\ is one backslash
  ["a\\b", "ab", true], // \b is just b
  ["a\\", "a\\", true], // trailing lone backslash is literal
  ["a\\", "a", false],
  ["\\/x/", "/x/", true], // \/ escapes the leading slash: a wildcard, not a regex
  ["😀", "😀", false], // Elasticsearch compiles wildcard literals per UTF-16 unit: never matches
  ["[ab]", "[ab]", true], // brackets are literal in wildcards
  ["a.b", "axb", false], // . is literal in wildcards
];

// [regex pattern, name, expected]
const regexTable: [string, string, boolean][] = [
  ["/node[0-9]+\\.c1/", "node12.c1", true],
  ["/node[0-9]+\\.c1/", "node.c1", false],
  ["/node[0-9]+\\.c1/", "node1xc1", false],
  ["/node./", "node😀", true], // . is one code point
  ["/a|b/", "b", true],
  ["/ab|cd/", "ab", true],
  ["/ab|cd/", "ad", false],
  ["/(ab)?c/", "c", true],
  ["/(ab)?c/", "abc", true],
  ["/a{3}/", "aaa", true],
  ["/a{3}/", "aa", false],
  ["/a{2,}/", "aaaaa", true],
  ["/a{2,}/", "a", false],
  ["/a{2,3}/", "aaa", true],
  ["/a{2,3}/", "aaaa", false],
  ["/a{0}/", "", true],
  ["/a+/", "", false],
  ["/a*/", "", true],
  ["/[a-c]x/", "bx", true],
  ["/[a-c]x/", "dx", false],
  ["/[^a-c]x/", "dx", true],
  ["/[^a-c]x/", "ax", false],
  ["/[^a-c]x/", "😀x", true],
  ["/[]]/", "]", true], // ] first in a class is literal
  ["/[\\d_]+/", "12_3", true],
  ["/[\\d_]+/", "12a", false],
  ["/\\d\\D/", "1a", true],
  ["/\\d\\D/", "12", false],
  ["/\\s\\S/", " x", true],
  ["/\\w+\\W/", "ab_9-", true],
  ["/\\w+\\W/", "ab_9z", false],
  ["/\\./", ".", true],
  ["/\\./", "x", false],
  ["/a\\/b/", "a/b", true], // \/ inside a regex
  ["/\"a.b*\"/", "a.b*", true], // quoted literal string
  ["/\"a.b*\"/", "axb", false],
  ["/@/", "", true],
  ["/@/", "any.thing", true],
  ["/@\\.s1/", "x.y.s1", true],
  ["/#/", "", false],
  ["/#|x/", "x", true],
  ["/@&~(.*bad.*)/", "good.node", true], // intersection with a complement
  ["/@&~(.*bad.*)/", "a.bad.node", false],
  ["/~(abc)/", "abd", true],
  ["/~(abc)/", "abc", false],
  ["/~abc/", "abc", false], // ~ binds tighter than concatenation: (~a)bc
  ["/~abc/", "xbc", true],
  ["/~abc/", "bc", true],
  ["/node<1-12>/", "node1", true],
  ["/node<1-12>/", "node12", true],
  ["/node<1-12>/", "node012", true], // different widths: any leading zeros
  ["/node<1-12>/", "node13", false],
  ["/node<1-12>/", "node0", false],
  ["/node<01-12>/", "node01", true], // same width: fixed width
  ["/node<01-12>/", "node1", false],
  ["/node<01-12>/", "node001", false],
  ["/<12-1>/", "7", true], // bounds in either order
  ["/a.c&...&a@/", "abc", true],
  ["/a.c&...&a@/", "abcd", false],
  ["/*a/", "*a", true], // a leading * is a literal character in Lucene
  ["//", "", true], // empty regex: the empty string
  ["//", "x", false],
  ["/()/", "", true],
  ["/a\\\\b/", "a\\b", true],
  ["/é\\é/", "éé", true], // backslash before a non-ASCII letter is literal
];

describe("wildcard patterns (Elasticsearch Automatons.wildcard)", () => {
  it.each(wildcardTable)("%j vs %j → %s", (pattern, name, expected) => {
    expect(matches(pattern, name)).toBe(expected);
  });

  it("warns about literal characters outside the BMP", () => {
    expect(compilePattern("😀*").warnings[0]).toMatch(/never matches/);
    expect(compilePattern("?*").warnings).toEqual([]);
  });
});

describe("regex patterns (Lucene RegExp)", () => {
  it.each(regexTable)("%j vs %j → %s", (pattern, name, expected) => {
    expect(matches(pattern, name)).toBe(expected);
  });

  it.each([
    ["/", "PATTERN_UNCLOSED_REGEX"],
    ["/abc", "PATTERN_UNCLOSED_REGEX"],
    ["/abc\\/", "PATTERN_SYNTAX"], // the final slash closes; the regex then ends in a lone backslash
  ])("%j is refused with %s", (pattern, code) => {
    expect(() => compilePattern(pattern)).toThrowError(expect.objectContaining({ code }));
  });

  it("keeps Elasticsearch's wording for an unclosed regex", () => {
    expect(() => compilePattern("/abc")).toThrowError(/invalid pattern \[\/abc\]\. patterns starting with '\/' indicate regular expression pattern/);
  });

  it.each([
    ["a(b", 3, "expected ')'"],
    ["[ab", 3, "expected ']'"],
    ["[]", 2, "expected ']'"],
    ["a{", 2, "integer expected"],
    ["a{2", 3, "expected '}'"],
    ["a{3,2}", 5, "invalid repetition range(out of order): 3..2"],
    ["[z-a]", 1, "invalid range"],
    ["\\q", 0, "invalid character class \\q"],
    ["a\\", 2, "unexpected end-of-string"],
    ["a|", 2, "unexpected end-of-string"],
    ["\"abc", 4, "expected '\"'"],
    ["a)", 1, "end-of-string expected"],
    ["<1-2", 4, "expected '>'"],
    ["<1-2-3>", 6, "interval syntax error"],
    ["<a-b>", 4, "interval syntax error"],
    ["<name>", 0, "'name' not found"],
    ["~", 1, "unexpected end-of-string"],
  ])("regex %j fails at position %i: %s", (source, position, reason) => {
    let error: unknown;
    try {
      compilePattern(`/${source}/`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PatternSyntaxError);
    expect((error as PatternSyntaxError).position).toBe(position);
    expect((error as PatternSyntaxError).reason).toContain(reason);
  });

  it("refuses a regex whose DFA explodes, instead of hanging", () => {
    expect(() => compilePattern("/(a|b)*a(a|b){20}/")).toThrowError(expect.objectContaining({ code: "PATTERN_TOO_COMPLEX" }));
    expect(() => compilePattern("/a{100000}/")).toThrowError(expect.objectContaining({ code: "PATTERN_TOO_COMPLEX" }));
    // A wildcard can explode too: "the 21st code point from the end is an a".
    expect(() => compilePattern(`*a${"?".repeat(20)}`)).toThrowError(expect.objectContaining({ code: "PATTERN_TOO_COMPLEX" }));
  });

  it("ends hostile inputs with a typed error, never a crash", () => {
    const code = (pattern: string) => {
      try {
        compilePattern(pattern);
        return "ok";
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    expect(code(`/${"(".repeat(100_000)}a${")".repeat(100_000)}/`)).toBe("PATTERN_SYNTAX");
    expect(code(`/${"(".repeat(150)}a${")".repeat(150)}/`)).toBe("ok");
    expect(code(`/${Array.from({ length: 4_000 }, (_, i) => [...String(10_000_000 + i)].reverse().join("")).join("|")}/`)).toBe("PATTERN_TOO_COMPLEX");
    expect(code(`/${"~".repeat(100_001)}a/`)).toBe("ok"); // an odd number of ~ is one complement
    expect(accepts(compilePattern(`/${"~".repeat(100_001)}a/`).dfa, "a")).toBe(false);
    expect(code(`/"${"x".repeat(20_000)}"/`)).toBe("PATTERN_TOO_COMPLEX");
    expect(code("x".repeat(20_000))).toBe("PATTERN_TOO_COMPLEX");
    expect(code("*?".repeat(3_000))).toBe("PATTERN_TOO_COMPLEX"); // quadratic subsets: the work bound stops it
    expect(code("/(.{0,50}){50}/")).toBe("PATTERN_TOO_COMPLEX");
    expect(code(`/${"a&".repeat(5_000)}a/`)).toBe("ok");
  });

  it("matches *a*a*a*a*a*a*a*a*a*b against a 100,000-character name by linear automaton", () => {
    const p = compilePattern("*a*a*a*a*a*a*a*a*a*b");
    expect(accepts(p.dfa, "a".repeat(100_000))).toBe(false);
    expect(accepts(p.dfa, `${"a".repeat(100_000)}b`)).toBe(true);
    expect(accepts(p.dfa, `${"ab".repeat(4)}b`)).toBe(false); // only 4 a's
  });
});

describe("compiled matcher for a file", () => {
  const file = [
    "node1.node.abc.cluster.s1", // 0
    "*.node.abc.cluster.s1", // 1
    "/node[0-9]\\.node\\.def\\.cluster\\.s1/", // 2
    "/.*\\.node\\.ghi\\.cluster\\.s1/", // 3
    "*.s1", // 4
    "exact", // 5
  ];
  const matcher = compileMatcher(file);

  it("uses one union DFA and names the first matching pattern in file order", () => {
    expect(matcher.strategy).toBe("union");
    expect(matcher.firstMatch("node1.node.abc.cluster.s1")).toBe(0);
    expect(matcher.firstMatch("node2.node.abc.cluster.s1")).toBe(1);
    expect(matcher.firstMatch("node7.node.def.cluster.s1")).toBe(2);
    expect(matcher.firstMatch("nodeX.node.def.cluster.s1")).toBe(4);
    expect(matcher.firstMatch("a.b.node.ghi.cluster.s1")).toBe(3);
    expect(matcher.firstMatch("exact")).toBe(5);
    expect(matcher.firstMatch("exact.s2")).toBe(-1);
    expect(matcher.matches("whatever.s1")).toBe(true);
  });

  it("agrees with the per-pattern fallback", () => {
    const fallback = compileMatcher(file, { maxUnionStates: 5 });
    expect(fallback.strategy).toBe("per-pattern");
    for (const name of ["node1.node.abc.cluster.s1", "nodeX.node.def.cluster.s1", "a.b.node.ghi.cluster.s1", "exact", "nope", "", "é.s1", "😀.s1"]) {
      expect(fallback.firstMatch(name)).toBe(matcher.firstMatch(name));
    }
  });

  it("rejects everything without patterns", () => {
    const empty = compileMatcher([]);
    expect(empty.strategy).toBe("empty");
    expect(empty.matches("")).toBe(false);
  });

  it("refuses the whole file when one pattern is invalid", () => {
    expect(() => compileMatcher(["ok", "/broken"])).toThrowError(expect.objectContaining({ code: "PATTERN_UNCLOSED_REGEX" }));
  });
});
