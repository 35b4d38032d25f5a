/**
 * Startup cost: wall time of `othername --version` against `node -e 0` on this machine, in the
 * same run (issue: at most 2×). Alternating runs, median of each, so noise hits both sides alike.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const runs = Number(process.env.BENCH_RUNS ?? (process.argv.includes("--quick") ? 10 : 30));
const bin = fileURLToPath(new URL("../bin/othername.js", import.meta.url));

function time(args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: "ignore" });
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const baseline: number[] = [];
const version: number[] = [];
const help: number[] = [];
time(["-e", "0"]);
time([bin, "--version"]);
for (let i = 0; i < runs; i++) {
  baseline.push(time(["-e", "0"]));
  version.push(time([bin, "--version"]));
  help.push(time([bin, "--help"]));
}
const base = median(baseline);
console.log(`startup (${runs} runs each, medians)`);
console.log(`  node -e 0             ${base.toFixed(1)} ms   1.00×`);
console.log(`  othername --version   ${median(version).toFixed(1)} ms   ${(median(version) / base).toFixed(2)}×  (target ≤ 2×)`);
console.log(`  othername --help      ${median(help).toFixed(1)} ms   ${(median(help) / base).toFixed(2)}×`);
