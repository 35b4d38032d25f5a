#!/usr/bin/env node
// `npm run conformance`: the public suites in ../shared/conformance (read in place, never copied)
// against the built CLI, with a ratchet. Suites:
//   limbo-verify  x509-limbo, plain `verify` against limbo's expected results (run.mjs --no-openssl)
//   limbo-jdk     x509-limbo, `verify --as both` against the JDK's stored verdicts (--jdk-verdicts)
//   p12-corpus    164 real-world PKCS#12 files read with `inspect` (p12-corpus/run.mjs)
// Each suite prints its runner's summary line; the script exits 1 when a count falls below the
// minimum in scripts/conformance-floor.json (raise the floor when a change raises a count), 0 when
// every suite holds, and 0 with a skip message when ../shared/conformance is absent.
// Options: --only SUITE[,SUITE] runs some suites; --log DIR keeps each runner's full output.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const shared = resolve(root, "../shared/conformance");
const floorFile = join(root, "scripts/conformance-floor.json");
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

if (!existsSync(shared)) {
  console.log(`conformance: skipped, ${shared} is absent (the suites live in ../shared beside the checkout)`);
  process.exit(0);
}
if (!existsSync(join(root, "dist/cli/main.js"))) {
  console.error("conformance: dist/cli/main.js is missing; run `npm run build` first");
  process.exit(2);
}

const suites = [
  {
    name: "limbo-verify",
    argv: [join(shared, "limbo/run.mjs"), root, "--no-openssl"],
    summary: /^limbo: (\d+)\/(\d+) applicable cases agree/m,
  },
  {
    name: "limbo-jdk",
    argv: [join(shared, "limbo/run.mjs"), root, "--no-openssl", "--jdk-verdicts", "--verify-arg", "--as", "--verify-arg", "both"],
    summary: /^limbo vs JDK: (\d+)\/(\d+) cases othername agrees with the JDK/m,
  },
  {
    name: "p12-corpus",
    argv: [join(shared, "p12-corpus/run.mjs"), root],
    summary: /^p12-corpus: (\d+)\/(\d+) files read as expected/m,
  },
];

const only = option("--only")?.split(",");
const selected = suites.filter((s) => !only || only.includes(s.name));
if (selected.length === 0) {
  console.error(`conformance: no suite named ${only?.join(",")}; suites: ${suites.map((s) => s.name).join(", ")}`);
  process.exit(2);
}
const floor = JSON.parse(readFileSync(floorFile, "utf8"));
const logDir = option("--log");
if (logDir) mkdirSync(logDir, { recursive: true });

function run(suite) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, suite.argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on("close", (code) => {
      if (logDir) writeFileSync(join(logDir, `${suite.name}.log`), out);
      const match = suite.summary.exec(out);
      const seconds = Math.round((Date.now() - started) / 1000);
      done({ suite, code, seconds, line: match?.[0], count: match ? Number(match[1]) : undefined, total: match ? Number(match[2]) : undefined, tail: out.trim().split("\n").slice(-5).join("\n") });
    });
  });
}

// The runners share two cores: limbo's two runs one after the other, the p12 corpus (mostly
// waiting on process start-up) beside them.
const limbo = selected.filter((s) => s.name.startsWith("limbo"));
const others = selected.filter((s) => !s.name.startsWith("limbo"));
const results = [];
await Promise.all([
  (async () => {
    for (const suite of limbo) results.push(await run(suite));
  })(),
  ...others.map(async (suite) => results.push(await run(suite))),
]);

let failed = 0;
for (const { suite, code, seconds, line, count, total, tail } of selected.map((s) => results.find((r) => r.suite === s))) {
  const minimum = floor[suite.name];
  if (line) console.log(line);
  if (count === undefined) {
    failed++;
    console.log(`conformance ${suite.name}: FAILED, no summary line (exit ${code}, ${seconds} s):\n${tail}`);
  } else if (minimum !== undefined && count < minimum) {
    failed++;
    console.log(`conformance ${suite.name}: FAILED, ${count}/${total} is below the floor of ${minimum} (scripts/conformance-floor.json) (${seconds} s)`);
  } else {
    const raise = minimum !== undefined && count > minimum ? `; above the floor of ${minimum}: raise it in scripts/conformance-floor.json` : "";
    console.log(`conformance ${suite.name}: ok, ${count}/${total} (floor ${minimum ?? "none"}${raise}) (${seconds} s)`);
  }
}
process.exit(failed === 0 ? 0 : 1);
