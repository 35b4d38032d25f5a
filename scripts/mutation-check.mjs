#!/usr/bin/env node
// Mutation check (issue 13, item 8): each mutant below is a small bug that a named test file
// must catch. The repository is copied once to a temporary directory (node_modules linked,
// ../shared linked when present); each test file is run there unmutated (it must pass), then
// each mutant is applied in the copy, its test file run with vitest, and the file restored. The
// mutant is "killed" when that run fails. The working tree is never modified.
//
//   npm run mutation               all mutants
//   npm run mutation -- NAME...    only the named ones
//
// Exit 0 when every mutant is killed, 1 when one survives, 2 when a mutant no longer applies
// (its search text is not found exactly once: update the entry with the code it guards) or its
// test file fails even without the mutant.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** @type {{ name: string, file: string, search: string, replace: string, test: string }[]} */
const MUTANTS = [
  {
    name: "signature-leaf-only",
    file: "src/pki/chain/validate-path.ts",
    search: "if (!signature.ok) {",
    replace: "if (!signature.ok && i === 1) {",
    test: "test/chain/mutation-guards.test.ts",
  },
  {
    name: "anchor-key-usage-skipped",
    file: "src/pki/chain/validate-path.ts",
    search: 'if (cert.keyUsage !== undefined && !cert.keyUsage.includes("keyCertSign")) {',
    replace: 'if (cert.keyUsage !== undefined && !cert.keyUsage.includes("keyCertSign") && !(shape.anchored && i === top)) {',
    test: "test/chain/mutation-guards.test.ts",
  },
  {
    name: "pkcs12-mac-first-byte",
    file: "src/pki/pkcs12/mac.ts",
    search: "return actual.length === expected.length && timingSafeEqual(actual, expected);",
    replace: "return actual.length === expected.length && actual[0] === expected[0];",
    test: "test/pkcs12/mac-compare.test.ts",
  },
  {
    // Without --force, a file that appears after the pre-check must be refused (link: EEXIST), not replaced.
    name: "bundle-link-refusal",
    file: "src/io/output-stage.ts",
    search: "else await link(step.from, step.to);",
    replace: "else await rename(step.from, step.to);",
    test: "test/io/output-stage.test.ts",
  },
  {
    name: "pkcs12-gost-mac-first-byte",
    file: "src/pki/pkcs12/gost/mac.ts",
    search: "return actual.length === mac.digest.length && timingSafeEqual(actual, mac.digest);",
    replace: "return actual.length === mac.digest.length && actual[0] === mac.digest[0];",
    test: "test/pkcs12/gost-file.test.ts",
  },
];

const wanted = process.argv.slice(2);
const selected = wanted.length === 0 ? MUTANTS : MUTANTS.filter((m) => wanted.includes(m.name));
if (selected.length === 0) {
  console.error(`no mutant named ${wanted.join(", ")}; known: ${MUTANTS.map((m) => m.name).join(", ")}`);
  process.exit(2);
}

const SKIP = new Set(["node_modules", "dist", ".git", "coverage"]);
const shared = resolve(root, "..", "shared");
const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
const work = mkdtempSync(join(tmpdir(), "othername-mutants-"));
const copy = join(work, "repo");
let survived = 0;
let stale = 0;
let broken = 0;
try {
  cpSync(root, copy, { recursive: true, filter: (src) => !SKIP.has(relative(root, src).split(/[\\/]/)[0] ?? "") });
  symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir");
  if (existsSync(shared)) symlinkSync(shared, join(work, "shared"), "dir");
  const runTest = (test) => spawnSync(process.execPath, [vitest, "run", test], { cwd: copy, encoding: "utf8" });

  // Each test file must pass on the unmutated copy, or a "kill" would prove nothing.
  const healthy = new Set();
  for (const test of new Set(selected.map((m) => m.test))) {
    if (!existsSync(join(copy, test))) {
      console.log(`BROKEN   ${test} does not exist`);
    } else if (runTest(test).status === 0) {
      healthy.add(test);
    } else {
      console.log(`BROKEN   ${test} fails without any mutant`);
    }
  }
  for (const mutant of selected) {
    if (!healthy.has(mutant.test)) {
      broken++;
      continue;
    }
    const path = join(copy, mutant.file);
    const original = readFileSync(path, "utf8");
    const count = original.split(mutant.search).length - 1;
    if (count !== 1) {
      console.log(`STALE    ${mutant.name}: search text found ${count} times in ${mutant.file}`);
      stale++;
      continue;
    }
    writeFileSync(path, original.replace(mutant.search, mutant.replace));
    try {
      if (runTest(mutant.test).status === 0) {
        survived++;
        console.log(`SURVIVED ${mutant.name}: ${mutant.test} passes with ${mutant.file} mutated`);
      } else {
        console.log(`killed   ${mutant.name} (${mutant.test})`);
      }
    } finally {
      writeFileSync(path, original);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const killed = selected.length - survived - stale - broken;
console.log(`${killed} killed, ${survived} survived, ${stale} stale, ${broken} not run (broken test), of ${selected.length}`);
process.exit(stale + broken > 0 ? 2 : survived > 0 ? 1 : 0);
