import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, it } from "vitest";
import { OthernameError } from "../../src/errors.js";
import { parseInstances } from "../../src/instances/index.js";
import { fixFile, lintFile } from "../../src/trust/lint.js";
import { compilePattern } from "../../src/trust/pattern.js";
import { loadTrustRestrictions } from "../../src/trust/restrictions.js";

/**
 * Bad input never crashes (DESIGN.md quality bars), for the text parsers: trust_restrictions
 * loading and linting, instances files and patterns. Seeds are the lint fixtures (one per rule,
 * an alias bomb among them) mutated at the character level; only OthernameError may escape.
 */
const dir = join(import.meta.dirname, "../../fixtures/lint");
// automaton-budget.yml is heavy by design (it passes the whole-file bound): test/trust/file-budget.test.ts covers it.
const seeds = readdirSync(dir)
  .filter((name) => name !== "automaton-budget.yml")
  .map((name) => readFileSync(join(dir, name), "utf8"));
const YAML_CHARS = [..."*&!|>-:,[]{}#'\"\\/ \n\t.?@~<>0123456789abcxyzNODE"];

const mutatedText = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(fc.record({ at: fc.nat(), cut: fc.nat(6), insert: fc.array(fc.constantFrom(...YAML_CHARS), { maxLength: 6 }) }), { minLength: 1, maxLength: 5 }),
  )
  .map(([seed, edits]) => {
    let text = seed;
    for (const edit of edits) {
      const at = text.length === 0 ? 0 : edit.at % text.length;
      text = text.slice(0, at) + edit.insert.join("") + text.slice(at + edit.cut);
    }
    return text;
  });

function onlyTyped(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof OthernameError)) throw error;
  }
}

describe("hostile text input ends in results or OthernameError, never a crash", () => {
  it("trust_restrictions: load, lint and fix", () => {
    fc.assert(
      fc.property(mutatedText, fc.constantFrom("t.yml", "t.json", "t.yaml"), (text, fileName) => {
        onlyTyped(() => loadTrustRestrictions({ fileName, text }));
        onlyTyped(() => lintFile({ fileName, text }));
        onlyTyped(() => fixFile({ fileName, text }));
      }),
      { numRuns: 1_500 },
    );
  });

  it("instances files", () => {
    fc.assert(fc.property(mutatedText, (text) => onlyTyped(() => parseInstances(`instances:\n${text}`))), { numRuns: 1_500 });
  });

  it("patterns: random wildcards and /regex/ text", () => {
    const patternChar = fc.constantFrom(...[..."*?\\/.()[]{}|&~#@<>-^\"+0123456789abcNOD,"]);
    const pattern = fc.array(patternChar, { maxLength: 40 }).map((chars) => chars.join(""));
    fc.assert(fc.property(pattern, fc.boolean(), (text, regex) => onlyTyped(() => compilePattern(regex ? `/${text}/` : text))), { numRuns: 5_000 });
  });
});
