/**
 * `othername scan` over 10,000 certificate files (PEM, 100 per directory, as a large fleet's
 * certificate store would hold them) against the baseline of reading the same files with
 * `othername inspect` one by one. Both sides run in this process through the CLI's own `main()`
 * (no process start-up on either side: the baseline is in-process `main(["inspect", file])` per
 * file, the fairest one for us), with output captured and discarded. Target: 10,000 files in
 * seconds; the ratio says what one scan saves over a loop of inspects.
 *
 *   npx tsx bench/scan.ts [--quick] [--count N]
 *
 * The leaves share one EC P-256 key (set-up stays fast); each is a distinct certificate with its
 * own otherName, serial and signature, and a quarter expire within the warning window.
 */
import "reflect-metadata";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { main } from "../src/cli/main.js";
import type { CliIo } from "../src/cli/context.js";
import { parseCertificate } from "../src/pki/certificate.js";
import { createCaCertificate, prepareIssuer } from "../src/pki/issue.js";
import { generateKey } from "../src/pki/keys.js";
import { encodePem } from "../src/pki/pem.js";

const args = process.argv.slice(2);
const countFlag = args.indexOf("--count");
const count = countFlag >= 0 ? Number(args[countFlag + 1]) : args.includes("--quick") ? 1_000 : 10_000;
const DAY = 86_400_000;
const at = new Date("2026-06-01T00:00:00Z");

function io(cwd: string): { io: CliIo; bytes: () => number } {
  let bytes = 0;
  return {
    io: {
      stdout: (t) => void (bytes += t.length),
      stderr: (t) => void (bytes += t.length),
      stdin: Readable.from([]),
      stdinIsTTY: false,
      stderrIsTTY: false,
      env: {},
      cwd,
      now: () => at,
    },
    bytes: () => bytes,
  };
}

const dir = await mkdtemp(join(tmpdir(), "othername-bench-scan-"));
try {
  const caKey = await generateKey({ algorithm: "ec", curve: "P-256" });
  const caDer = await createCaCertificate({ key: caKey, subject: [[{ type: "2.5.4.3", value: "Bench CA" }]], notBefore: new Date(at.getTime() - DAY), notAfter: new Date(at.getTime() + 3650 * DAY) });
  const issuer = await prepareIssuer({ certificate: parseCertificate(caDer), key: caKey }, { certificate: "bench CA", key: "bench CA key" });
  const leafKey = await generateKey({ algorithm: "ec", curve: "P-256" });
  await writeFile(join(dir, "ca.crt"), encodePem("CERTIFICATE", caDer));
  const files: string[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const sub = `d${String(Math.floor(i / 100)).padStart(3, "0")}`;
    if (i % 100 === 0) await mkdir(join(dir, sub));
    const days = i % 4 === 0 ? 10 + (i % 20) : 100 + (i % 900);
    const der = await issuer.issue({
      subject: [[{ type: "2.5.4.3", value: `node${i}` }]],
      san: { otherNameCommonName: [`node${i}.node.c${i % 50}.cluster.s1.account`], dns: [`node${i}.example.internal`], ip: [] },
      publicKey: leafKey.spki,
      notBefore: new Date(at.getTime() - DAY),
      notAfter: new Date(at.getTime() + days * DAY),
    });
    const file = join(sub, `node${i}.crt`);
    await writeFile(join(dir, file), encodePem("CERTIFICATE", der));
    files.push(file);
  }
  console.log(`set-up: ${count} certificate files in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // Warm both code paths once (module loading is not what is measured).
  await main(["inspect", files[0] as string], io(dir).io);
  await main(["scan", "ca.crt", "--json"], io(dir).io);

  const scanRun = io(dir);
  const t0 = performance.now();
  const code = await main(["scan", ".", "--json"], scanRun.io);
  const scanMs = performance.now() - t0;
  if (code !== 1) throw new Error(`scan exited ${code}, expected 1 (a quarter of the certificates expire within 30 days)`);

  const inspectRun = io(dir);
  const t1 = performance.now();
  for (const file of files) {
    const c = await main(["inspect", file], inspectRun.io);
    if (c !== 0) throw new Error(`inspect ${file} exited ${c}`);
  }
  const inspectMs = performance.now() - t1;

  console.log(`scan:    ${count.toLocaleString("en")} files (+ the CA) in ${(scanMs / 1000).toFixed(2)} s  (${Math.round((count / scanMs) * 1000).toLocaleString("en")} files/s, one scan with every finding)`);
  console.log(`inspect: the same files one by one, in-process main() per file: ${(inspectMs / 1000).toFixed(2)} s`);
  console.log(`ratio:   scan is ${(inspectMs / scanMs).toFixed(2)}x faster than inspect one by one (target: 10,000 files in seconds)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
