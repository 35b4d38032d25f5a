#!/usr/bin/env node
// Mutation check, run on demand (`npm run mutants`, or `node scripts/mutants.mjs NAME...`): each
// mutant below is a small bug put into the source, and the named test must FAIL with it in place.
// The source is restored after each mutant, also when the run is interrupted.
// Add a mutant with the test that catches it whenever a test is written to catch a real bug.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

/** { name, file, find, replace, test, title }: `find` must occur exactly once in `file`. */
const MUTANTS = [
  {
    name: "bundle-link-refusal",
    why: "without --force, a file that appears after the pre-check must be refused (link, EEXIST), not replaced (rename)",
    file: "src/io/output-stage.ts",
    find: "else await link(step.from, step.to);",
    replace: "else await rename(step.from, step.to);",
    test: "test/io/output-stage.test.ts",
    title: "appeared after the pre-check",
  },
];

const selected = process.argv.slice(2);
const mutants = selected.length > 0 ? MUTANTS.filter((m) => selected.includes(m.name)) : MUTANTS;
let survivors = 0;
for (const mutant of mutants) {
  const original = readFileSync(mutant.file, "utf8");
  const at = original.indexOf(mutant.find);
  if (at < 0 || original.indexOf(mutant.find, at + 1) >= 0) {
    console.error(`${mutant.name}: the text to mutate is not found exactly once in ${mutant.file}; update this script`);
    survivors++;
    continue;
  }
  const restore = () => writeFileSync(mutant.file, original);
  process.once("SIGINT", () => {
    restore();
    process.exit(130);
  });
  writeFileSync(mutant.file, original.slice(0, at) + mutant.replace + original.slice(at + mutant.find.length));
  let result;
  try {
    result = spawnSync("npx", ["vitest", "run", mutant.test, "-t", mutant.title], { encoding: "utf8" });
  } finally {
    restore();
  }
  const killed = result.status !== 0;
  if (!killed) survivors++;
  console.log(`${killed ? "killed  " : "SURVIVED"} ${mutant.name}: ${mutant.why}`);
}
console.log(`${mutants.length - survivors}/${mutants.length} mutants killed`);
process.exitCode = survivors === 0 ? 0 : 1;
