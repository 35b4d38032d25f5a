/**
 * Startup cost: wall time of `othername --version` against `node -e 0` on this machine, in the
 * same run (issue: at most 2×). Alternating runs, median of each, so noise hits both sides alike.
 * The single executable (`npm run sea`, build/othername-<platform>-<arch>) is timed in the same
 * loop when it has been built, and so is `--help` (which loads yargs).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const runs = Number(process.env.BENCH_RUNS ?? (process.argv.includes("--quick") ? 10 : 30));
const bin = fileURLToPath(new URL("../bin/othername.js", import.meta.url));

const sea = fileURLToPath(new URL(`../build/othername-${process.platform}-${process.arch}`, import.meta.url));
const haveSea = existsSync(sea);

function time(args: string[], program = process.execPath): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(program, args, { stdio: "ignore" });
  if (result.status !== 0) throw new Error(`${program} ${args.join(" ")} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const baseline: number[] = [];
const version: number[] = [];
const help: number[] = [];
const seaVersion: number[] = [];
time(["-e", "0"]);
time([bin, "--version"]);
if (haveSea) time(["--version"], sea);
for (let i = 0; i < runs; i++) {
  baseline.push(time(["-e", "0"]));
  version.push(time([bin, "--version"]));
  help.push(time([bin, "--help"]));
  if (haveSea) seaVersion.push(time(["--version"], sea));
}
const base = median(baseline);
console.log(`startup (${runs} runs each, medians)`);
console.log(`  node -e 0             ${base.toFixed(1)} ms   1.00×`);
console.log(`  othername --version   ${median(version).toFixed(1)} ms   ${(median(version) / base).toFixed(2)}×  (target ≤ 2×)`);
console.log(`  othername --help      ${median(help).toFixed(1)} ms   ${(median(help) / base).toFixed(2)}×`);
if (haveSea) {
  console.log(`  single executable --version   ${median(seaVersion).toFixed(1)} ms   ${(median(seaVersion) / base).toFixed(2)}×`);
} else {
  console.log("  single executable: not built (npm run sea), not timed");
}
