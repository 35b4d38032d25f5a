/**
 * Certificate generation speed (issue 4), in one run:
 *  (a) `othername cert` for N RSA-2048 node certificates, PEM output, through the built CLI;
 *  (b) the floor: the same N RSA-2048 keys alone, same parallelism (UV_THREADPOOL_SIZE = --jobs);
 *  (c) a shell loop of `openssl genpkey` + `openssl req` + `openssl x509` per node, run on a
 *      sample and scaled per node;
 *  and EC P-256 certificates per second: through the CLI into a directory (process start and
 *  2 files per node written atomically included), and in-process (keys, signed and verified
 *  certificates, PEM files in memory: the generation itself, without the disk).
 * Targets: (a)/(b) ≤ 1.15, (c)/(a) ≥ 2, EC ≥ 500/s.
 *
 * Usage: npx tsc -p tsconfig.build.json && npx tsx bench/generate.ts [--count 1000] [--sample 50] [--ec-count 1000]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateBundle } from "../src/instances/generate.js";
import { parseInstances, planGeneration } from "../src/instances/index.js";
import { parseCertificate } from "../src/pki/certificate.js";
import { createCaCertificate, prepareIssuer } from "../src/pki/issue.js";
import { generateKey } from "../src/pki/keys.js";

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive whole number`);
  return value;
}

const count = flag("count", 1000);
const sample = Math.min(flag("sample", 50), count);
const ecCount = flag("ec-count", 1000);
const jobs = flag("jobs", availableParallelism());
const repo = resolve(import.meta.dirname, "..");
const cli = join(repo, "bin", "othername.js");
const work = mkdtempSync(join(tmpdir(), "othername-bench-"));
const env = { ...process.env, UV_THREADPOOL_SIZE: String(jobs) };

function run(command: string, args: readonly string[], options: { input?: string } = {}): number {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: work, env, encoding: "utf8", input: options.input, maxBuffer: 64 << 20 });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
  return elapsed;
}

function instances(n: number, name: string): string {
  const lines = ["cluster: bench", "scope: s1.account", "instances:"];
  for (let i = 1; i <= n; i++) lines.push(`  - name: node-${i}`, `    dns: node-${i}.bench.internal`, "    ip: 10.0.0.1");
  writeFileSync(join(work, name), `${lines.join("\n")}\n`);
  return name;
}

const floorScript = `
const { generateKeyPair } = require("node:crypto");
const n = ${count}, jobs = ${jobs};
let next = 0;
const one = () => new Promise((ok, fail) => generateKeyPair("rsa", { modulusLength: 2048, publicExponent: 0x10001,
  publicKeyEncoding: { type: "spki", format: "der" }, privateKeyEncoding: { type: "pkcs8", format: "der" } }, (e) => e ? fail(e) : ok()));
const runner = async () => { while (next < n) { next++; await one(); } };
Promise.all(Array.from({ length: Math.min(jobs, n) }, runner)).catch((e) => { console.error(e); process.exit(1); });
`;

/** The generation alone: plan, keys, certificates (each verified against the CA), PEM encoding. */
async function inProcessEc(n: number): Promise<number> {
  const at = new Date();
  const caKey = await generateKey({ algorithm: "ec", curve: "P-256" });
  const caDer = await createCaCertificate({ key: caKey, notBefore: at, notAfter: new Date(at.getTime() + 86_400_000) });
  const issuer = await prepareIssuer({ certificate: parseCertificate(caDer), key: caKey }, { certificate: "ca", key: "ca" });
  const lines = ["cluster: bench", "scope: s1.account", "instances:"];
  for (let i = 1; i <= n; i++) lines.push(`  - name: node-${i}`, `    dns: node-${i}.bench.internal`, "    ip: 10.0.0.1");
  const started = performance.now();
  const parsed = parseInstances(`${lines.join("\n")}\n`);
  if (!parsed.ok) throw new Error("bench instances invalid");
  const plan = planGeneration(parsed.spec, { kind: "pem", at, days: 1 });
  const result = await generateBundle({ plan, keySpec: { algorithm: "ec", curve: "P-256" }, signing: { kind: "ca", issuer }, jobs, keyFormat: "pkcs8", password: undefined });
  if (result.instances.length !== n) throw new Error("bench generated the wrong count");
  return performance.now() - started;
}

try {
  console.log(`othername cert benchmark: ${count} RSA-2048 nodes, ${jobs} parallel jobs, ${availableParallelism()} cores`);
  run("node", [cli, "ca", "--pem", "--no-password", "--out", "ca-rsa"]);
  run("node", [cli, "ca", "--pem", "--no-password", "--key", "ec:p256", "--out", "ca-ec"]);
  const rsaInstances = instances(count, "instances-rsa.yml");

  const a = run("node", [cli, "cert", "--in", rsaInstances, "--ca-cert", "ca-rsa/ca/ca.crt", "--ca-key", "ca-rsa/ca/ca.key", "--pem", "--out", "out-a", "--jobs", String(jobs), "--quiet"]);
  const b = run("node", ["-e", floorScript]);

  // (c): what people script around openssl, one node after another.
  const extfile = "subjectAltName=otherName:2.5.4.3;UTF8:$N.node.bench.cluster.s1.account,DNS:$N.bench.internal,IP:10.0.0.1\\nbasicConstraints=CA:FALSE\\nsubjectKeyIdentifier=hash\\nauthorityKeyIdentifier=keyid";
  const script = [
    "set -e",
    "mkdir -p out-c",
    `for i in $(seq 1 ${sample}); do`,
    "  N=node-$i",
    "  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out out-c/$N.key 2>/dev/null",
    "  openssl req -new -key out-c/$N.key -subj /CN=$N -out out-c/$N.csr",
    `  printf "${extfile}\\n" > out-c/$N.ext`,
    "  openssl x509 -req -in out-c/$N.csr -CA ca-rsa/ca/ca.crt -CAkey ca-rsa/ca/ca.key -CAcreateserial -days 1095 -sha256 -extfile out-c/$N.ext -out out-c/$N.crt",
    "done",
  ].join("\n");
  const cSample = run("sh", ["-c", script]);
  const c = (cSample / sample) * count;

  const ecInstances = instances(ecCount, "instances-ec.yml");
  const ec = run("node", [cli, "cert", "--in", ecInstances, "--ca-cert", "ca-ec/ca/ca.crt", "--ca-key", "ca-ec/ca/ca.key", "--pem", "--key", "ec:p256", "--out", "out-ec", "--jobs", String(jobs), "--quiet"]);

  const ecInProcess = await inProcessEc(ecCount);

  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`(a) othername cert, ${count} RSA-2048 certificates (PEM):   ${s(a)}`);
  console.log(`(b) floor: ${count} RSA-2048 keys alone, same parallelism:  ${s(b)}`);
  console.log(`(c) openssl genpkey+req+x509 loop: ${s(cSample)} for ${sample} nodes, scaled to ${count}: ${s(c)}`);
  console.log(`(a)/(b) = ${(a / b).toFixed(2)}   (target ≤ 1.15; RSA key generation time varies a lot run to run)`);
  console.log(`(c)/(a) = ${(c / a).toFixed(2)}   (target ≥ 2)`);
  console.log(`EC P-256 via the CLI: ${ecCount} certificates in ${s(ec)} = ${(ecCount / (ec / 1000)).toFixed(0)} certificates/s, process start and ${2 * ecCount} atomic file writes included`);
  console.log(`EC P-256 in-process: ${ecCount} certificates in ${s(ecInProcess)} = ${(ecCount / (ecInProcess / 1000)).toFixed(0)} certificates/s (target ≥ 500/s)`);
  console.log("All times are wall clock of separate processes, node start-up included.");
} finally {
  rmSync(work, { recursive: true, force: true });
}
