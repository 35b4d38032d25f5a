/**
 * Chain validation throughput: 1,000 RSA-2048 leaves validated against one RSA-2048 CA in one
 * process (read file, parse, build and validate the path) versus `openssl verify -CAfile ca.pem
 * f1 … f1000` in one invocation over the same files. Target: ratio ≤ 1.5.
 *
 *   npx tsx bench/verify.ts [--quick] [--count N]
 *
 * The leaves share one key (set-up stays fast); each still carries its own signature by the CA,
 * so the work measured on both sides is parsing plus one RSA verification per leaf.
 */
import "reflect-metadata";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { parseCertificate } from "../src/pki/certificate.js";
import { validateChain } from "../src/pki/chain.js";
import { decodePem } from "../src/pki/pem.js";
import { AT, makeCa, makeLeaf, newKeys } from "../test/chain/mini-ca.js";

const exec = promisify(execFile);
const args = process.argv.slice(2);
const countFlag = args.indexOf("--count");
const count = countFlag >= 0 ? Number(args[countFlag + 1]) : args.includes("--quick") ? 200 : 1000;
const ROUNDS = 5;

const dir = await mkdtemp(join(tmpdir(), "othername-bench-verify-"));
try {
  const caKeys = await newKeys("rsa2048");
  const leafKeys = await newKeys("rsa2048");
  const ca = await makeCa("CN=Bench CA, O=othername", undefined, { keys: caKeys });
  const caPath = join(dir, "ca.pem");
  await writeFile(caPath, ca.pem);
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const leaf = await makeLeaf(`CN=node${i}, O=othername`, ca, { keys: leafKeys, san: { dns: [`node${i}.example.com`] } });
    const path = join(dir, `leaf${i}.pem`);
    await writeFile(path, leaf.pem);
    files.push(path);
  }
  // openssl checks at the current time; the mini CA's validity (2025–2035) covers it, and we use the same instant.
  const at = new Date();
  void AT;

  // Split timing: reading and parsing (certificate.ts) versus path building and validation (chain).
  let parseMs = 0;
  let validateMs = 0;
  const ours = async (): Promise<number> => {
    const anchors = [parseCertificate((decodePem(readFileSync(caPath, "latin1"))[0] as { der: Uint8Array }).der)];
    let valid = 0;
    parseMs = 0;
    validateMs = 0;
    for (const file of files) {
      const t0 = performance.now();
      const block = decodePem(readFileSync(file, "latin1"))[0];
      if (!block) throw new Error(`no PEM block in ${file}`);
      const leaf = parseCertificate(block.der);
      const t1 = performance.now();
      const result = validateChain({ leaf, intermediates: [], anchors, at });
      validateMs += performance.now() - t1;
      parseMs += t1 - t0;
      if (result.ok) valid++;
      else throw new Error(`${file}: ${JSON.stringify(result.failures)}`);
    }
    return valid;
  };
  const openssl = async (): Promise<number> => {
    const { stdout } = await exec("openssl", ["verify", "-CAfile", caPath, ...files], { maxBuffer: 64 * 1024 * 1024 });
    return stdout.split("\n").filter((line) => line.endsWith(": OK")).length;
  };

  const time = async (run: () => Promise<number>, rounds: number): Promise<{ ms: number; valid: number }> => {
    let best = Infinity;
    let valid = 0;
    for (let round = 0; round < rounds; round++) {
      const start = performance.now();
      valid = await run();
      best = Math.min(best, performance.now() - start);
    }
    return { ms: best, valid };
  };

  // Interleaved rounds, best of each: this shared machine is noisy.
  const o = { ms: Infinity, valid: 0 };
  const t = { ms: Infinity, valid: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const a = await time(openssl, 1);
    const b = await time(ours, 1);
    if (a.ms < o.ms) Object.assign(o, a);
    if (b.ms < t.ms) Object.assign(t, b);
  }
  const ratio = t.ms / o.ms;
  console.log(`verify: ${count} RSA-2048 leaves against one CA (best of ${ROUNDS})`);
  console.log(`  openssl verify (one invocation): ${o.ms.toFixed(1)} ms  (${o.valid} OK)`);
  console.log(`  othername validateChain:         ${t.ms.toFixed(1)} ms  (${t.valid} OK)`);
  console.log(`    of which read + parse ${parseMs.toFixed(1)} ms, build + validate ${validateMs.toFixed(1)} ms (its last round)`);
  console.log(`  ratio othername / openssl: ${ratio.toFixed(2)}  (target ≤ 1.5${ratio <= 1.5 ? ", met" : ", NOT met"})`);
  if (o.valid !== count || t.valid !== count) throw new Error("not every leaf validated");
} finally {
  await rm(dir, { recursive: true, force: true });
}
