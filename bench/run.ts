/**
 * `npm run bench [-- NAME... [--quick]]`: runs every benchmark in bench/ (or the named ones),
 * one process each so they do not disturb each other, and prints their reports.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const args = process.argv.slice(2);
const flags = args.filter((arg) => arg.startsWith("-"));
const names = args.filter((arg) => !arg.startsWith("-"));
const all = readdirSync(dir)
  .filter((file) => file.endsWith(".ts") && file !== "run.ts")
  .map((file) => file.slice(0, -3))
  .sort();
const chosen = names.length > 0 ? names : all;
let failed = 0;
for (const name of chosen) {
  if (!all.includes(name)) {
    console.error(`bench: no benchmark named ${name} (have: ${all.join(", ")})`);
    failed++;
    continue;
  }
  console.log(`\n== ${name} ==`);
  const result = spawnSync(process.execPath, ["--import", "tsx", `${dir}${name}.ts`, ...flags], { stdio: "inherit" });
  if (result.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
