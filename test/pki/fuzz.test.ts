import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { OthernameError } from "../../src/errors.js";
import { parseCertificate } from "../../src/pki/certificate.js";
import { parseCsr } from "../../src/pki/csr.js";
import { readPrivateKey } from "../../src/pki/keys.js";
import { readSubjectAltNames } from "../../src/pki/names.js";
import { decodePem } from "../../src/pki/pem.js";
import { readPkcs12 } from "../../src/pki/pkcs12/index.js";
import { readCryptoFile } from "../../src/pki/read.js";

/**
 * Bad input never crashes (DESIGN.md quality bars): 10,000 random and mutated inputs per parser,
 * and only our typed error may escape. Seeds are real files; mutations flip bits, cut, splice
 * and insert, so most inputs get past the first checks and into the structure parsers.
 */
const RUNS = 10_000;
let dir: string;
const seeds: Record<string, Uint8Array> = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "othername-fuzz-"));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file("k.pem"), "-out", file("c.pem"), "-days", "10", "-subj", "/CN=fuzz",
    "-addext", "subjectAltName=otherName:2.5.4.3;UTF8:a.node.b.cluster.c.account,DNS:x.example,IP:10.0.0.1");
  openssl("x509", "-in", file("c.pem"), "-outform", "DER", "-out", file("c.der"));
  openssl("req", "-new", "-key", file("k.pem"), "-subj", "/CN=fuzz", "-addext", "subjectAltName=DNS:x.example", "-outform", "DER", "-out", file("r.der"));
  openssl("pkcs8", "-topk8", "-in", file("k.pem"), "-v2", "aes-128-cbc", "-iter", "1", "-passout", "pass:pw", "-out", file("enc.pem"));
  // One iteration for both encryption and MAC: the fuzzer exercises structure, not PBKDF2.
  openssl("pkcs12", "-export", "-in", file("c.pem"), "-inkey", file("k.pem"), "-passout", "pass:pw", "-iter", "1", "-maciter", "-macalg", "sha256", "-out", file("p.p12"));
  seeds.cert = new Uint8Array(readFileSync(file("c.der")));
  seeds.pem = new Uint8Array(readFileSync(file("c.pem")));
  seeds.key = new Uint8Array(readFileSync(file("k.pem")));
  seeds.encryptedKey = new Uint8Array(readFileSync(file("enc.pem")));
  seeds.csr = new Uint8Array(readFileSync(file("r.der")));
  seeds.p12 = new Uint8Array(readFileSync(file("p.p12")));
  seeds.san = parseCertificate(seeds.cert).extensions.find((e) => e.oid === "2.5.29.17")!.value;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A seed, mutated: bit flips, byte overwrites, truncation, splices and insertions. */
function mutated(seed: () => Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat(7) }),
    fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.nat(255) }),
    fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 8 }) }),
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let bytes = new Uint8Array(seed());
    for (const e of edits) {
      const at = bytes.length === 0 ? 0 : e.at % bytes.length;
      if (e.kind === "flip") bytes[at] = (bytes[at] ?? 0) ^ (1 << e.bit);
      else if (e.kind === "set") bytes[at] = e.value;
      else if (e.kind === "cut") bytes = bytes.slice(0, at);
      else if (e.kind === "insert") bytes = Uint8Array.from([...bytes.slice(0, at), ...e.bytes, ...bytes.slice(at)]);
      else bytes = Uint8Array.from([...bytes.slice(0, at), ...bytes.slice(at + e.length)]);
    }
    return bytes;
  });
}

function inputs(seed: () => Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof({ arbitrary: mutated(seed), weight: 4 }, { arbitrary: fc.uint8Array({ maxLength: 512 }), weight: 1 });
}

function onlyTypedErrors(parse: (bytes: Uint8Array) => unknown): (bytes: Uint8Array) => void {
  return (bytes) => {
    try {
      parse(bytes);
    } catch (error) {
      if (!(error instanceof OthernameError)) throw error;
    }
  };
}

function onlyTypedErrorsAsync(parse: (bytes: Uint8Array) => Promise<unknown>): (bytes: Uint8Array) => Promise<void> {
  return async (bytes) => {
    try {
      await parse(bytes);
    } catch (error) {
      if (!(error instanceof OthernameError)) throw error;
    }
  };
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

describe("every parser, fed 10,000 random and mutated inputs, throws only OthernameError", () => {
  it("decodePem", () => {
    fc.assert(fc.property(inputs(() => seeds.pem!), onlyTypedErrors((b) => decodePem(text(b)))), { numRuns: RUNS });
  });
  it("parseCertificate", () => {
    fc.assert(fc.property(inputs(() => seeds.cert!), onlyTypedErrors(parseCertificate)), { numRuns: RUNS });
  });
  it("readSubjectAltNames", () => {
    fc.assert(fc.property(inputs(() => seeds.san!), onlyTypedErrors(readSubjectAltNames)), { numRuns: RUNS });
  });
  it("parseCsr", () => {
    fc.assert(fc.property(inputs(() => seeds.csr!), onlyTypedErrors((b) => parseCsr(b))), { numRuns: RUNS });
  });
  it("readPrivateKey (plain and encrypted PEM)", () => {
    const seed = fc.oneof(inputs(() => seeds.key!), inputs(() => seeds.encryptedKey!));
    fc.assert(fc.property(seed, onlyTypedErrors((b) => readPrivateKey(b, { source: "fuzz.pem", password: "pw" }))), { numRuns: RUNS });
  });
  it("readPkcs12", async () => {
    await fc.assert(fc.asyncProperty(inputs(() => seeds.p12!), onlyTypedErrorsAsync((b) => readPkcs12(b, "pw", { source: "fuzz.p12" }))), { numRuns: RUNS });
  });
  it("readCryptoFile (format detection over all of the above)", async () => {
    const any = fc.oneof(...Object.keys(seeds).map((name) => inputs(() => seeds[name]!)));
    await fc.assert(fc.asyncProperty(any, onlyTypedErrorsAsync((b) => readCryptoFile(b, { source: "fuzz", password: "pw" }))), { numRuns: RUNS });
  });
});
