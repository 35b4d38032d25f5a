/**
 * Trust-pattern matching: one union DFA for a whole trust_restrictions file against a loop over
 * the patterns' own DFAs (the baseline: what evaluating each pattern separately costs, as
 * Elasticsearch does with one predicate per pattern), measured in the same run.
 *
 *   npx tsx bench/match.ts            1,000 patterns, 1,000,000 names
 *   npx tsx bench/match.ts --quick    1,000 patterns, 100,000 names
 *
 * Patterns are ECE-style: per-cluster wildcards, explicit node names and regexes over
 * `{node}.node.{cluster}.cluster.{scope}.account`. Half the names belong to a trusted cluster.
 */
import { performance } from "node:perf_hooks";
import { step, type Dfa } from "../src/trust/automaton.js";
import { compileMatcher } from "../src/trust/pattern.js";

const quick = process.argv.includes("--quick");
const PATTERNS = 1_000;
const NAMES = quick ? 100_000 : 1_000_000;
/** The per-pattern loop is slow; it is timed on a sample of the same names. */
const BASELINE_SAMPLE = quick ? 2_000 : 10_000;

// Deterministic pseudo-random numbers (mulberry32), so runs are comparable.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(random() * 16)]).join("");
const node = () => `instance-${String(Math.floor(random() * 100)).padStart(10, "0")}`;

const scopes = ["ece-region-a", "ece-region-b", "eu-west-1", "us-east-1", "ap-south-1"];
const clusters = Array.from({ length: 700 }, () => ({ id: hex(32), scope: pick(scopes) }));
const esc = (s: string) => s.replace(/\./g, "\\.");

const patterns: string[] = [];
for (let i = 0; i < PATTERNS; i++) {
  const c = pick(clusters);
  const r = random();
  if (r < 0.5) patterns.push(`*.node.${c.id}.cluster.${c.scope}.account`);
  else if (r < 0.75) patterns.push(`${node()}.node.${c.id}.cluster.${c.scope}.account`);
  else if (r < 0.9) patterns.push(`/instance-00000000[0-9][0-9]${esc(`.node.${c.id}.cluster.${c.scope}.account`)}/`);
  else patterns.push(`/.*\\.node\\.(${c.id}|${pick(clusters).id})${esc(`.cluster.${c.scope}.account`)}/`);
}
const names: string[] = [];
for (let i = 0; i < NAMES; i++) {
  const c = random() < 0.5 ? pick(clusters) : { id: hex(32), scope: pick(scopes) };
  names.push(`${node()}.node.${c.id}.cluster.${c.scope}.account`);
}

function time<T>(fn: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = fn();
  return { result, ms: performance.now() - start };
}

const compiled = time(() => compileMatcher(patterns));
const matcher = compiled.result;
const perPattern = matcher.patterns.map((p) => p.dfa);

function runDfa(dfa: Dfa, text: string): boolean {
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    state = step(dfa, state, text.charCodeAt(i)); // names are ASCII here
    if (state < 0) return false;
  }
  return (dfa.labels[state] as number) >= 0;
}
function loopFirstMatch(name: string): number {
  for (let i = 0; i < perPattern.length; i++) if (runDfa(perPattern[i] as Dfa, name)) return i;
  return -1;
}

// Warm up both paths, and check they agree on the sample.
const sample = names.slice(0, BASELINE_SAMPLE);
for (const name of sample) {
  if (matcher.firstMatch(name) !== loopFirstMatch(name)) throw new Error(`union and loop disagree on ${name}`);
}

// Best of three passes: this machine is shared and noisy.
let trusted = 0;
let union = { result: undefined as void, ms: Infinity };
for (let pass = 0; pass < 3; pass++) {
  trusted = 0;
  const t = time(() => {
    for (const name of names) if (matcher.firstMatch(name) >= 0) trusted++;
  });
  if (t.ms < union.ms) union = t;
}
let loopTrusted = 0;
const loop = time(() => {
  for (const name of sample) if (loopFirstMatch(name) >= 0) loopTrusted++;
});

const unionRate = NAMES / (union.ms / 1000);
const loopRate = BASELINE_SAMPLE / (loop.ms / 1000);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
console.log(`trust pattern matching (${quick ? "quick" : "full"} run)`);
console.log(`  patterns: ${PATTERNS} (wildcards, explicit names, regexes); names: ${fmt(NAMES)} (${fmt(trusted)} trusted)`);
console.log(`  compile (parse, per-pattern DFAs, union DFA): ${fmt(compiled.ms)} ms; strategy: ${matcher.strategy} (${fmt(matcher.unionStates)} DFA states)`);
console.log(`  union DFA:          ${fmt(unionRate).padStart(12)} names/s (best of 3 passes)`);
console.log(`  per-pattern loop:   ${fmt(loopRate).padStart(12)} names/s (on ${fmt(BASELINE_SAMPLE)} of the names)`);
console.log(`  ratio union / loop: ${(unionRate / loopRate).toFixed(1)}×   (targets: ≥ 2,000,000 names/s and ≥ 20×)`);
