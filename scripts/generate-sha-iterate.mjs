#!/usr/bin/env node
/**
 * Writes src/pki/pkcs12/sha-iterate.ts: SHA-1, SHA-224 and SHA-256 applied N times to their own
 * output, the inner loop of the PKCS#12 KDF (RFC 7292 B.2 step 6a, A = H(A)). The message is
 * always one padded block (FIPS 180-4 §5.1.1) whose only variable words are the previous digest,
 * so each round is unrolled with the message words and working variables in locals; V8 then
 * runs a compression in about a sixth of the time of a call into node:crypto.
 *
 *   node scripts/generate-sha-iterate.mjs            # rewrites the file
 *   node scripts/generate-sha-iterate.mjs --check    # exits 1 if the file is not what it writes
 *
 * test/pkcs12/kdf-fast.test.ts runs the check and compares the result with node:crypto.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const target = fileURLToPath(new URL("../src/pki/pkcs12/sha-iterate.ts", import.meta.url));

const i32 = (n) => n | 0;

// FIPS 180-4 §4.2.1, §5.3.1.
const SHA1_K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];
const SHA1_H = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

// FIPS 180-4 §4.2.2, §5.3.2, §5.3.3.
const SHA256_K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const SHA256_H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const SHA224_H = [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4];

const rotl = (x, n) => `((${x} << ${n}) | (${x} >>> ${32 - n}))`;
const rotr = (x, n) => `((${x} >>> ${n}) | (${x} << ${32 - n}))`;

/** Message words of one block holding `words` digest words, padded (FIPS 180-4 §5.1.1). */
function paddedBlock(words) {
  const init = [];
  for (let i = 0; i < 16; i++) {
    if (i < words) init.push(`w${i} = s${i}`);
    else if (i === words) init.push(`w${i} = ${i32(0x80000000)}`);
    else if (i === 15) init.push(`w${i} = ${words * 32}`);
    else init.push(`w${i} = 0`);
  }
  return init;
}

function sha1() {
  const body = [];
  const v = ["a", "b", "c", "d", "e"];
  for (let t = 0; t < 80; t++) {
    const w = `w${t % 16}`;
    if (t >= 16) body.push(`x = w${(t + 13) % 16} ^ w${(t + 8) % 16} ^ w${(t + 2) % 16} ^ ${w}; ${w} = ${rotl("x", 1)};`);
    const [A, B, C, D, E] = [0, 1, 2, 3, 4].map((i) => v[(((i - t) % 5) + 5) % 5]);
    const f = t < 20 ? `(${D} ^ (${B} & (${C} ^ ${D})))` : t >= 40 && t < 60 ? `((${B} & ${C}) | (${D} & (${B} | ${C})))` : `(${B} ^ ${C} ^ ${D})`;
    body.push(`${E} = (${rotl(A, 5)} + ${f} + ${E} + ${w} + ${i32(SHA1_K[Math.floor(t / 20)])}) | 0; ${B} = ${rotl(B, 30)};`);
  }
  return iterator({
    name: "iterateSha1",
    doc: "SHA-1 (FIPS 180-4 §6.1) applied `count` times to the 20-byte value in `state` (five big-endian words), in place.",
    words: 5,
    vars: v,
    iv: SHA1_H,
    body,
  });
}

function sha256(name, iv, words, doc) {
  const body = [];
  const v = ["a", "b", "c", "d", "e", "f", "g", "h"];
  for (let t = 0; t < 64; t++) {
    const w = `w${t % 16}`;
    if (t >= 16) {
      const w2 = `w${(t + 14) % 16}`;
      const w15 = `w${(t + 1) % 16}`;
      body.push(
        `x = ${w2}; y = ${w15}; ${w} = ((${rotr("x", 17)} ^ ${rotr("x", 19)} ^ (x >>> 10)) + w${(t + 9) % 16} + (${rotr("y", 7)} ^ ${rotr("y", 18)} ^ (y >>> 3)) + ${w}) | 0;`,
      );
    }
    const [A, B, C, D, E, F, G, H] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => v[(((i - t) % 8) + 8) % 8]);
    body.push(
      `x = (${H} + (${rotr(E, 6)} ^ ${rotr(E, 11)} ^ ${rotr(E, 25)}) + (${G} ^ (${E} & (${F} ^ ${G}))) + ${i32(SHA256_K[t])} + ${w}) | 0; ` +
        `${D} = (${D} + x) | 0; ${H} = (x + (${rotr(A, 2)} ^ ${rotr(A, 13)} ^ ${rotr(A, 22)}) + ((${A} & ${B}) | (${C} & (${A} | ${B})))) | 0;`,
    );
  }
  return iterator({ name, doc, words, vars: v, iv, body, extra: ", y = 0" });
}

function iterator({ name, doc, words, vars, iv, body, extra = "" }) {
  const state = Array.from({ length: words }, (_, i) => `s${i}`);
  const lines = [];
  lines.push(`/** ${doc} */`);
  lines.push(`export function ${name}(state: Int32Array, count: number): void {`);
  lines.push(`  let ${state.map((s, i) => `${s} = state[${i}]! | 0`).join(", ")};`);
  lines.push(`  for (let round = 0; round < count; round++) {`);
  lines.push(`    let ${paddedBlock(words).join(", ")};`);
  lines.push(`    let ${vars.map((x, i) => `${x} = ${i32(iv[i])}`).join(", ")}, x = 0${extra};`);
  for (const line of body) lines.push(`    ${line}`);
  for (let i = 0; i < words; i++) lines.push(`    s${i} = (${vars[i]} + ${i32(iv[i])}) | 0;`);
  lines.push("  }");
  for (let i = 0; i < words; i++) lines.push(`  state[${i}] = s${i};`);
  lines.push("}");
  return lines.join("\n");
}

const text = [
  "// Generated by scripts/generate-sha-iterate.mjs; do not edit (run it again instead).",
  "/* eslint-disable */",
  "",
  sha1(),
  "",
  sha256("iterateSha256", SHA256_H, 8, "SHA-256 (FIPS 180-4 §6.2) applied `count` times to the 32-byte value in `state` (eight big-endian words), in place."),
  "",
  sha256("iterateSha224", SHA224_H, 7, "SHA-224 (FIPS 180-4 §6.3) applied `count` times to the 28-byte value in `state` (seven big-endian words), in place."),
  "",
].join("\n");

if (process.argv.includes("--check")) {
  const current = readFileSync(target, "utf8");
  if (current !== text) {
    console.error(`${target} is not what scripts/generate-sha-iterate.mjs writes; run it again`);
    process.exit(1);
  }
} else {
  writeFileSync(target, text);

}
