import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { hash, randomBytes, randomInt } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { KdfPurpose } from "../../src/pki/pkcs12/kdf.js";
import { pkcs12Kdf } from "../../src/pki/pkcs12/kdf.js";
import type { HashName } from "../../src/pki/pkcs12/oids.js";
import { HASH_SIZES } from "../../src/pki/pkcs12/oids.js";
import { iterateSha1, iterateSha224, iterateSha256 } from "../../src/pki/pkcs12/sha-iterate.js";
import { THREAD_MIN_ITERATIONS, iterateOnThread } from "../../src/pki/pkcs12/kdf-threads.js";

/** RFC 7292 Appendix B.2 written plainly on node:crypto, one call per hash: the reference. */
function referenceKdf(name: HashName, password: Uint8Array, salt: Uint8Array, iterations: number, purpose: number, length: number): Uint8Array {
  const { u, v } = HASH_SIZES[name];
  const repeat = (bytes: Uint8Array): Uint8Array => {
    if (bytes.length === 0) return new Uint8Array(0);
    const out = new Uint8Array(v * Math.ceil(bytes.length / v));
    for (let k = 0; k < out.length; k++) out[k] = bytes[k % bytes.length]!;
    return out;
  };
  const i = Buffer.concat([repeat(salt), repeat(password)]);
  const out: Buffer[] = [];
  for (let produced = 0; produced < length; produced += u) {
    let a = hash(name, Buffer.concat([Buffer.alloc(v, purpose), i]), "buffer");
    for (let r = 1; r < iterations; r++) a = hash(name, a, "buffer");
    out.push(a);
    const b = Buffer.alloc(v);
    for (let k = 0; k < v; k++) b[k] = a[k % u]!;
    for (let j = 0; j < i.length; j += v) {
      // I_j = (I_j + B + 1) mod 2^(8v), as big integers.
      const sum = BigInt(`0x${i.subarray(j, j + v).toString("hex")}`) + BigInt(`0x${b.toString("hex")}`) + 1n;
      const hex = (sum & ((1n << BigInt(8 * v)) - 1n)).toString(16).padStart(2 * v, "0");
      Buffer.from(hex, "hex").copy(i, j);
    }
  }
  return Buffer.concat(out).subarray(0, length);
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("sha-iterate.ts (unrolled SHA iterations)", () => {
  it("is what scripts/generate-sha-iterate.mjs writes", () => {
    const script = fileURLToPath(new URL("../../scripts/generate-sha-iterate.mjs", import.meta.url));
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });

  it.each([
    ["sha1", iterateSha1, 5],
    ["sha224", iterateSha224, 7],
    ["sha256", iterateSha256, 8],
  ] as const)("%s: H applied n times matches node:crypto on random values", (name, iterate, words) => {
    for (let trial = 0; trial < 200; trial++) {
      const start = randomBytes(words * 4);
      const count = trial < 5 ? trial : randomInt(1, 200);
      let expected: Buffer = start;
      for (let r = 0; r < count; r++) expected = hash(name, expected, "buffer");
      const state = new Int32Array(words);
      for (let k = 0; k < words; k++) state[k] = start.readInt32BE(4 * k);
      iterate(state, count);
      const actual = Buffer.alloc(words * 4);
      for (let k = 0; k < words; k++) actual.writeInt32BE(state[k]!, 4 * k);
      expect(actual.toString("hex")).toBe(expected.toString("hex"));
    }
  });
});

describe("pkcs12Kdf against a plain node:crypto reference", () => {
  it.each(["sha1", "sha224", "sha256", "sha384", "sha512"] as const)("%s on random passwords, salts, counts, purposes and lengths", async (name) => {
    for (let trial = 0; trial < 40; trial++) {
      const password = randomBytes(randomInt(0, 80));
      const salt = randomBytes(randomInt(0, 80));
      const iterations = randomInt(1, 120);
      const purpose = randomInt(1, 4);
      const length = randomInt(1, 3 * HASH_SIZES[name].u + 5);
      const ours = await pkcs12Kdf({ hash: name, password, salt, iterations, purpose: purpose as KdfPurpose, length });
      expect(hex(ours)).toBe(hex(referenceKdf(name, password, salt, iterations, purpose, length)));
    }
  });

  it("across the slices it yields between (more iterations than one slice)", async () => {
    for (const name of ["sha1", "sha512"] as const) {
      const password = randomBytes(10);
      const salt = randomBytes(8);
      const ours = await pkcs12Kdf({ hash: name, password, salt, iterations: 50_003, purpose: 1, length: 24 });
      expect(hex(ours)).toBe(hex(referenceKdf(name, password, salt, 50_003, 1, 24)));
    }
  });
});

describe("worker threads (kdf-threads.ts)", () => {
  it("compute on a worker what this thread computes, several at once", async () => {
    const jobs = (["sha1", "sha224", "sha256", "sha1"] as const).map((name) => {
      const words = { sha1: 5, sha224: 7, sha256: 8 }[name];
      return { name, state: new Int32Array(randomBytes(words * 4).buffer), iterate: { sha1: iterateSha1, sha224: iterateSha224, sha256: iterateSha256 }[name] };
    });
    const threaded = await Promise.all(jobs.map((job) => iterateOnThread(job.name, job.state.slice(), 20_000)));
    for (const [index, job] of jobs.entries()) {
      const local = job.state.slice();
      job.iterate(local, 20_000);
      expect(threaded[index]).not.toBeNull(); // the worker really ran (no silent fallback)
      expect(Array.from(threaded[index]!)).toEqual(Array.from(local));
    }
  });

  it("pkcs12Kdf past the thread threshold agrees with the reference", async () => {
    const password = randomBytes(12);
    const salt = randomBytes(8);
    const iterations = THREAD_MIN_ITERATIONS + 3;
    const [key, iv] = await Promise.all([
      pkcs12Kdf({ hash: "sha1", password, salt, iterations, purpose: 1, length: 24 }),
      pkcs12Kdf({ hash: "sha1", password, salt, iterations, purpose: 2, length: 8 }),
    ]);
    expect(hex(key)).toBe(hex(referenceKdf("sha1", password, salt, iterations, 1, 24)));
    expect(hex(iv)).toBe(hex(referenceKdf("sha1", password, salt, iterations, 2, 8)));
  });
});
