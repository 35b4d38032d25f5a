/**
 * PKCS#12 read cost against its physical floor: the key derivations the file itself requires.
 *
 *   npx tsx bench/pkcs12.ts [--quick]
 *
 * For a file we write (JDK 17 shape, 10,000 iterations): two PBKDF2-HMAC-SHA256 derivations
 * (certificate contents, shrouded key) and one PKCS#12 KDF (SHA-256) for the MAC. The floor is
 * measured twice in the same run: one after another (the bare cost of the iterations, the floor
 * the target is stated against), and overlapped as the reader does it (PBKDF2 on libuv's pool
 * while the MAC's KDF runs on the main thread: a stricter comparison, shown for information).
 * Target: read ≤ 1.2× the bare cost.
 * The legacy file (3DES, HMAC-SHA1) needs five SHA-1 PKCS#12 KDF derivations and is shown too.
 *
 * Against OpenSSL: a file made by `openssl pkcs12 -export -legacy -iter N` (RC2-40 certificates,
 * 3DES key, HMAC-SHA1 MAC; six SHA-1 blocks of N iterations), read in full by
 * `openssl pkcs12 -legacy -in F -passin … -nodes -out /dev/null` and by readPkcs12, interleaved in
 * the same run. Target: ours ≤ 1.5× OpenSSL's (which includes its process start, shown apart).
 */
import { createPrivateKey, pbkdf2, randomBytes, X509Certificate } from "node:crypto";
import { promisify } from "node:util";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readPkcs12, writePkcs12 } from "../src/pki/pkcs12/index.js";
import { bmpPassword, KdfPurpose, pkcs12Kdf } from "../src/pki/pkcs12/kdf.js";

const pbkdf2Async = promisify(pbkdf2);
const quick = process.argv.includes("--quick");
const RUNS = quick ? 15 : 60;
const ITERATIONS = 10_000;
const PASSWORD = "bench-password";

function makeCertificates(): { pkcs8: Uint8Array; leaf: Uint8Array; ca: Uint8Array } {
  const dir = mkdtempSync(join(tmpdir(), "othername-bench-"));
  try {
    const run = (...args: string[]): void => void execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-subj", "/CN=Bench CA", "-days", "30", "-out", "ca.crt");
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-subj", "/CN=node1", "-out", "leaf.csr");
    run("x509", "-req", "-in", "leaf.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "30", "-out", "leaf.crt");
    const der = (file: string): Uint8Array => new Uint8Array(new X509Certificate(readFileSync(join(dir, file))).raw);
    const pkcs8 = new Uint8Array(createPrivateKey(readFileSync(join(dir, "leaf.key"))).export({ type: "pkcs8", format: "der" }));
    return { pkcs8, leaf: der("leaf.crt"), ca: der("ca.crt") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl pkcs12 -export -legacy -iter N` of a fresh EC P-256 key and self-signed certificate. */
function makeOpensslLegacy(iterations: number): { file: string; bytes: Uint8Array; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "othername-bench-"));
  const run = (...args: string[]): void => void execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-subj", "/CN=node1", "-days", "30", "-out", "leaf.crt");
  run("pkcs12", "-export", "-legacy", "-iter", String(iterations), "-in", "leaf.crt", "-inkey", "leaf.key", "-name", "node1", "-passout", `pass:${PASSWORD}`, "-out", "legacy.p12");
  const file = join(dir, "legacy.p12");
  return { file, bytes: new Uint8Array(readFileSync(file)), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function timeOnce(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs the cases interleaved (a, b, c, a, b, c, …) so machine load drifts over all of them alike,
 * and reports each case's median and the median of the per-round ratios to the first case.
 */
async function interleaved(cases: readonly (() => Promise<unknown>)[], runs = RUNS, warmups = 3): Promise<{ medians: number[]; ratios: number[] }> {
  for (const run of cases) for (let i = 0; i < warmups; i++) await run(); // warm-up
  const times: number[][] = cases.map(() => []);
  for (let round = 0; round < runs; round++) {
    for (const [index, run] of cases.entries()) times[index]!.push(await timeOnce(run));
  }
  const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return {
    medians: times.map(median),
    ratios: times.map((series) => median(series.map((t, round) => times[0]![round]! / t))),
  };
}

const salt = (): Uint8Array => randomBytes(16);
const pbkdf2Once = (): Promise<Buffer> => pbkdf2Async(Buffer.from(PASSWORD), salt(), ITERATIONS, 32, "sha256");
const macKdf = (hash: "sha1" | "sha256", iterations: number, purpose: KdfPurpose, length: number): Promise<Uint8Array> =>
  pkcs12Kdf({ hash, password: bmpPassword(PASSWORD), salt: salt(), iterations, purpose, length });

async function main(): Promise<void> {
  const { pkcs8, leaf, ca } = makeCertificates();
  const input = { key: { pkcs8, certificate: leaf, alias: "node1" }, trustedCertificates: [{ der: ca, alias: "ca" }] };
  const modern = await writePkcs12(input, PASSWORD, { iterations: ITERATIONS });
  const legacy = await writePkcs12(input, PASSWORD, { iterations: ITERATIONS, legacy: true });

  const modernRuns = await interleaved([
    () => readPkcs12(modern, PASSWORD),
    async () => {
      await pbkdf2Once();
      await pbkdf2Once();
      await macKdf("sha256", ITERATIONS, KdfPurpose.mac, 32);
    },
    () => Promise.all([pbkdf2Once(), pbkdf2Once(), macKdf("sha256", ITERATIONS, KdfPurpose.mac, 32)]),
  ]);
  const legacyRuns = await interleaved([
    () => readPkcs12(legacy, PASSWORD),
    async () => {
      await macKdf("sha1", ITERATIONS, KdfPurpose.mac, 20);
      for (let i = 0; i < 2; i++) {
        await macKdf("sha1", ITERATIONS, KdfPurpose.key, 24);
        await macKdf("sha1", ITERATIONS, KdfPurpose.iv, 8);
      }
    },
  ]);
  const [read, floorSequential, floorOverlapped] = modernRuns.medians as [number, number, number];
  const [readLegacy, floorLegacy] = legacyRuns.medians as [number, number];
  const [, ratioSequential, ratioOverlapped] = modernRuns.ratios as [number, number, number];
  const [, ratioLegacy] = legacyRuns.ratios as [number, number];

  const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;
  const ratio = (r: number): string => `${r.toFixed(2)}×`;
  console.log(`PKCS#12 read, ${ITERATIONS} iterations, medians of ${RUNS} interleaved rounds; ratios are medians of per-round ratios${quick ? " (--quick)" : ""}`);
  console.log(`  JDK-17 shape (PBES2 AES-256 ×2, HMAC-SHA256 MAC), ${modern.length} bytes`);
  console.log(`    read                          ${fmt(read)}`);
  console.log(`    floor, derivations in a row   ${fmt(floorSequential)}   read/floor = ${ratio(ratioSequential)}  (target ≤ 1.20×)`);
  console.log(`    derivations overlapped        ${fmt(floorOverlapped)}   read/that  = ${ratio(ratioOverlapped)}  (stricter: the derivations alone, run concurrently)`);
  console.log(`  legacy (3DES ×2, HMAC-SHA1 MAC), ${legacy.length} bytes`);
  console.log(`    read                          ${fmt(readLegacy)}`);
  console.log(`    floor, 5 PKCS#12 KDF runs     ${fmt(floorLegacy)}   read/floor = ${ratio(ratioLegacy)}`);

  // The legacy KDF against OpenSSL, on a file OpenSSL made, both reading everything in it.
  const opensslIterations = quick ? 200_000 : 500_000;
  const opensslRuns = quick ? 3 : 7;
  const made = makeOpensslLegacy(opensslIterations);
  try {
    const openssl = async (...args: string[]): Promise<void> => void execFileSync("openssl", args, { stdio: "ignore" });
    const versusOpenssl = await interleaved(
      [
        () => readPkcs12(made.bytes, PASSWORD),
        () => openssl("pkcs12", "-legacy", "-in", made.file, "-passin", `pass:${PASSWORD}`, "-nodes", "-out", "/dev/null"),
        () => openssl("version"),
      ],
      opensslRuns,
      1,
    );
    const [ours, theirs, start] = versusOpenssl.medians as [number, number, number];
    const [, ratioOpenssl] = versusOpenssl.ratios as [number, number];
    console.log(`  legacy KDF against OpenSSL: \`openssl pkcs12 -export -legacy -iter ${opensslIterations}\` (RC2-40, 3DES, HMAC-SHA1), ${made.bytes.length} bytes, medians of ${opensslRuns} interleaved rounds`);
    console.log(`    readPkcs12                    ${fmt(ours)}`);
    console.log(`    openssl pkcs12 -legacy -nodes ${fmt(theirs)}   ours/openssl = ${ratio(ratioOpenssl)}  (target ≤ 1.50×)`);
    console.log(`    (openssl's process start, \`openssl version\`: ${fmt(start)}, included in its time)`);
  } finally {
    made.cleanup();
  }
}

await main();
