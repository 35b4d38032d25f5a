import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCertificate, type Certificate } from "../../src/pki/certificate.js";
import { decodeJavaUtf16be, decodeJavaUtf8 } from "../../src/pki/java-charsets.js";
import { validateChain } from "../../src/pki/chain.js";
import { namesAfterJdkValidation } from "../../src/pki/names-after-validation.js";
import { decodePem } from "../../src/pki/pem.js";
import { differentialCases } from "./cases.js";
import { makeCases, type CaseFiles } from "./make.js";

/**
 * othername against the JDK itself (issue #12): chains made with openssl for every feature, and
 * seeded random mixes, run through test/jdk/JdkReference.java in one JVM (the JDK's default
 * TrustManagerFactory, checkClientTrusted and checkServerTrusted, getSubjectAlternativeNames() read
 * as Elasticsearch reads it). othername must give the JDK's verdict in both TLS directions and the
 * JDK's names on every case. Both sides validate at the same fixed instant, an hour after the
 * certificates were made (openssl 3.0 cannot back-date them; they are valid for 30 days).
 */
const javaAvailable = spawnSync("java", ["-version"], { stdio: "ignore" }).status === 0;
if (!javaAvailable) console.warn("test/jdk: skipped, `java` (a JDK 17+) is not on the PATH; .ci/run installs default-jdk-headless");

interface JdkResult {
  readonly id: string;
  readonly error?: string;
  readonly parse?: string;
  readonly client?: "ACCEPT" | "REJECT";
  readonly server?: "ACCEPT" | "REJECT";
  readonly clientMessage?: string;
  readonly serverMessage?: string;
  readonly otherNameCommonName?: string[];
  readonly dns?: string[];
  readonly text?: string;
}

const cases = differentialCases();

/** Seeded byte strings for the charset decoders, biased to the bytes where decoders differ. */
function decoderInputs(count: number): { id: string; charset: string; bytes: Buffer }[] {
  let state = 7;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) / 0x1000000;
  const interesting = [0x41, 0x00, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xd8, 0xdb, 0xdc, 0xdf];
  return Array.from({ length: count }, (_, i) => {
    const length = 1 + Math.floor(next() * 7);
    const bytes = Buffer.from(Array.from({ length }, () => (next() < 0.8 ? (interesting[Math.floor(next() * interesting.length)] as number) : Math.floor(next() * 256))));
    return { id: `decode/${i}`, charset: i % 2 === 0 ? "UTF-8" : "UTF-16BE", bytes };
  });
}
const decodes = decoderInputs(600);

describe.skipIf(!javaAvailable)("JDK differential (test/jdk/JdkReference.java)", () => {
  const dir = mkdtempSync(join(tmpdir(), "othername-jdk-"));
  const jdk = new Map<string, JdkResult>();
  let files = new Map<string, CaseFiles>();
  let at = new Date(0);

  beforeAll(async () => {
    files = new Map((await makeCases(dir, cases)).map((f) => [f.spec.id, f]));
    at = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    const manifest = [
      ...[...files.values()].map((f) => `chain\t${f.spec.id}\t${f.peer}\t${f.anchors}`),
      ...decodes.map((d) => `decode\t${d.id}\t${d.charset}\t${d.bytes.toString("hex")}`),
    ];
    writeFileSync(join(dir, "manifest.tsv"), `${manifest.join("\n")}\n`);
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile("java", [fileURLToPath(new URL("JdkReference.java", import.meta.url)), join(dir, "manifest.tsv"), at.toISOString().replace(".000Z", "Z")], { maxBuffer: 64 << 20 }, (error, out, err) =>
        error ? reject(new Error(`JdkReference failed: ${err}`)) : resolve(out),
      ),
    );
    for (const line of stdout.trim().split("\n")) {
      const result = JSON.parse(line) as JdkResult;
      jdk.set(result.id, result);
    }
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function read(id: string): { jdk: JdkResult; chain: Certificate[] | Error } {
    const result = jdk.get(id);
    if (!result) throw new Error(`no JDK result for ${id}`);
    if (result.error) throw new Error(`JdkReference could not run ${id}: ${result.error}`);
    const made = files.get(id);
    const failedFile = join(dir, "failed");
    if (!made || (existsSync(failedFile) && readFileSync(failedFile, "utf8").split("\n").includes(`c${cases.findIndex((c) => c.id === id)}`))) {
      throw new Error(`openssl could not make ${id}`);
    }
    try {
      return { jdk: result, chain: decodePem(readFileSync(made.peer, "utf8")).map((block) => parseCertificate(block.der)) };
    } catch (error) {
      return { jdk: result, chain: error as Error };
    }
  }

  function anchorsOf(id: string): Certificate[] {
    return decodePem(readFileSync((files.get(id) as CaseFiles).anchors, "utf8")).map((block) => parseCertificate(block.der));
  }

  it("has hundreds of cases over every feature", () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(new Set(cases.map((c) => c.group))).toEqual(new Set(["names", "name constraints", "policies", "tls end entity", "random mixes"]));
  });

  it.each(cases.map((c) => [c.id]))("names of %s are the JDK's and Elasticsearch's", (id) => {
    const { jdk: theirs, chain } = read(id);
    if (theirs.parse !== undefined) {
      // The JDK cannot decode the certificate: the handshake fails, no name is read.
      expect(chain, `JDK: ${theirs.parse}`).toBeInstanceOf(Error);
      return;
    }
    if (chain instanceof Error) throw chain;
    // Elasticsearch reads the names after the JDK validated the chain (which may add the CN).
    const { path } = validateChain({ leaf: chain[0] as Certificate, intermediates: chain.slice(1), anchors: anchorsOf(id), at });
    const names = namesAfterJdkValidation(path);
    // Elasticsearch reads names only from a peer the JDK accepted; a refused one keeps its otherNames
    // but may have stopped the JDK's name-constraints check before it added the CN.
    const accepted = theirs.client === "ACCEPT" || theirs.server === "ACCEPT";
    expect({ otherNameCommonName: names.otherNameCommonName, dns: accepted ? names.dns : [] }).toEqual({
      otherNameCommonName: theirs.otherNameCommonName,
      dns: accepted ? theirs.dns : [],
    });
  });

  // The verdict of the JDK's trust manager, as Elasticsearch's transport layer gets it: a peer
  // opening the connection (checkClientTrusted) and a peer accepting it (checkServerTrusted).
  it.each(cases.map((c) => [c.id]))("verdicts on %s are the JDK's as TLS client and as TLS server", (id) => {
    const { jdk: theirs, chain } = read(id);
    const verdicts = (["client", "server"] as const).map((direction) => {
      if (chain instanceof Error) return { direction, trusted: false, why: `othername cannot read the chain: ${chain.message}` };
      const ours = validateChain({ leaf: chain[0] as Certificate, intermediates: chain.slice(1), anchors: anchorsOf(id), at }, { as: direction });
      return { direction, trusted: ours.ok, why: ours.failures.map((f) => `${f.code}: ${f.message}`).join("; ") };
    });
    const expected = verdicts.map((v) => ({ direction: v.direction, trusted: theirs[v.direction] === "ACCEPT" }));
    const reasons = `JDK client: ${theirs.clientMessage ?? "ACCEPT"}, server: ${theirs.serverMessage ?? "ACCEPT"}; othername: ${verdicts.map((v) => `${v.direction} ${v.why || "ok"}`).join(", ")}`;
    expect(verdicts.map(({ direction, trusted }) => ({ direction, trusted })), reasons).toEqual(expected);
  });

  it("covers both verdicts in both directions, and the issue's reproductions", () => {
    const verdict = (id: string) => [jdk.get(id)?.client, jdk.get(id)?.server];
    const all = cases.map((c) => verdict(c.id));
    for (const direction of [0, 1]) {
      expect(all.filter((v) => v[direction] === "ACCEPT").length).toBeGreaterThan(50);
      expect(all.filter((v) => v[direction] === "REJECT").length).toBeGreaterThan(50);
    }
    // Issue #12: what the JDK refuses and othername once accepted.
    expect(verdict("nc/dirname-permitted-critical-outside")).toEqual(["REJECT", "REJECT"]);
    expect(verdict("nc/email-permitted-critical-outside")).toEqual(["REJECT", "REJECT"]);
    expect(verdict("nc/othername-permitted-critical-inside")).toEqual(["REJECT", "REJECT"]);
    expect(verdict("policy/require-0-leaf-none")).toEqual(["REJECT", "REJECT"]);
    expect(verdict("tls/eku=emailProtection;ku=none")).toEqual(["REJECT", "REJECT"]);
    expect(verdict("tls/eku=serverAuth;ku=none")).toEqual(["REJECT", "ACCEPT"]);
    expect(verdict("tls/eku=none;ku=critical,keyCertSign")).toEqual(["REJECT", "REJECT"]);
  });

  it("decodes strings with Java's replacement rules", () => {
    const differences: string[] = [];
    for (const d of decodes) {
      const ours = d.charset === "UTF-8" ? decodeJavaUtf8(d.bytes) : decodeJavaUtf16be(d.bytes);
      const theirs = jdk.get(d.id)?.text;
      if (ours !== theirs) differences.push(`${d.charset} ${d.bytes.toString("hex")}: JDK ${JSON.stringify(theirs)}, ours ${JSON.stringify(ours)}`);
    }
    expect(differences).toEqual([]);
  });
});
