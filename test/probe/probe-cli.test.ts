import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SecureVersion } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { exportPrivateKeyPem, readPrivateKey } from "../../src/pki/keys.js";
import { writePkcs12 } from "../../src/pki/pkcs12/write.js";
import { runCli } from "../helpers/cli.js";
import { AT, makeCa as makeMiniCa, makeLeaf as makeMiniLeaf } from "../chain/mini-ca.js";
import { PROBE_TIME, makeTestCa, type TestCa, type TestLeaf } from "../helpers/test-pki.js";
import { startTlsServer, type TestTlsServer } from "./tls-server.js";

const dir = mkdtempSync(join(tmpdir(), "othername-probe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string | Uint8Array) => {
  writeFileSync(join(dir, name), text);
  return name;
};

const NODE1 = "node1.node.c1.cluster.s1.account";
const TRUST_C1 = "*.node.c1.cluster.s1.account";
const TRUST_C2 = "*.node.c2.cluster.s1.account";

let ca: TestCa;
let otherCa: TestCa;
let node1: TestLeaf;
let client: TestLeaf;
let servers: TestTlsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

beforeAll(async () => {
  ca = await makeTestCa("Test CA");
  otherCa = await makeTestCa("Other CA");
  node1 = await ca.issue({ cn: "node1", otherNames: [NODE1], dns: ["localhost"] });
  client = await ca.issue({ cn: "node2", otherNames: ["node2.node.c1.cluster.s1.account"] });
  write("ca.crt", ca.pem);
  write("other-ca.crt", otherCa.pem);
  write("client.crt", client.certPem);
  write("client.key", client.keyPem);
  write("c1.yml", `trust.subject_name: ["${TRUST_C1}"]\n`);
  write("c2.yml", `trust.subject_name: ["${TRUST_C2}"]\n`);
});

async function serve(options: { maxVersion: SecureVersion; requireClientCa?: string; cert?: string; key?: string }): Promise<number> {
  const server = await startTlsServer({
    cert: options.cert ?? node1.certPem,
    key: options.key ?? node1.keyPem,
    maxVersion: options.maxVersion,
    ...(options.requireClientCa !== undefined ? { requestCert: true, rejectUnauthorized: true, ca: options.requireClientCa } : {}),
  });
  servers.push(server);
  return server.port;
}

interface ProbeJson {
  trusted: boolean;
  chain: { ok: boolean; failures: { code: string }[] };
  fields: string[];
  values: string[];
  match: string | null;
  message: string | null;
  peer: { host: string; port: number; protocol: string; cipher: string; chain: { subject: string; issuer: string }[] };
  handshake: { clientCertificateAccepted: boolean | null; error: { code: string; message: string } | null };
}

async function probe(port: number, args: string[]) {
  const r = await runCli(["probe", `127.0.0.1:${port}`, "--ca", "ca.crt", "--at", PROBE_TIME, "--timeout", "5s", "--json", ...args], { cwd: dir });
  return { ...r, json: r.stdout ? (JSON.parse(r.stdout) as ProbeJson) : undefined };
}

describe.each([
  ["TLSv1.2", "1.2"],
  ["TLSv1.3", "1.3"],
] as const)("othername probe over %s", (maxVersion, short) => {
  it("reports a node whose otherName matches as trusted, with the peer and the handshake", async () => {
    const port = await serve({ maxVersion });
    const r = await probe(port, ["--restrictions", "c1.yml"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      trusted: true,
      chain: { ok: true, failures: [] },
      fields: ["subjectAltName.otherName.commonName"],
      values: [NODE1],
      match: TRUST_C1,
      message: null,
      peer: { host: "127.0.0.1", port, protocol: maxVersion, chain: [{ subject: "CN=node1", issuer: "CN=Test CA" }] },
      handshake: { clientCertificateAccepted: true, error: null },
    });
    expect(r.json?.peer.cipher).toEqual(expect.any(String));
  });

  it("reports a node whose otherName does not match as not trusted, exit 1, with Elasticsearch's message", async () => {
    const port = await serve({ maxVersion });
    const r = await probe(port, ["--restrictions", "c2.yml"]);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({
      trusted: false,
      chain: { ok: true },
      match: null,
      message: `Certificate for CN=node1 with fields [subjectAltName.otherName.commonName] with values [${NODE1}] does not match the trusted names [${TRUST_C2}]`,
    });
  });

  it("still judges the node when it refuses our client certificate, and says so", async () => {
    // The server wants client certificates from another CA: ours is refused after its chain was sent.
    const port = await serve({ maxVersion, requireClientCa: otherCa.pem });
    const trusted = await probe(port, ["--restrictions", "c1.yml", "--cert", "client.crt", "--key", "client.key", "--tls-version", short]);
    expect(trusted.code).toBe(0);
    expect(trusted.json).toMatchObject({ trusted: true, values: [NODE1], peer: { protocol: maxVersion }, handshake: { clientCertificateAccepted: false } });
    expect(trusted.json?.handshake.error?.message).toMatch(/closed the connection|alert/);

    const rejected = await probe(port, ["--restrictions", "c2.yml", "--cert", "client.crt", "--key", "client.key"]);
    expect(rejected.code).toBe(1);
    expect(rejected.json).toMatchObject({ trusted: false, message: expect.stringContaining("does not match the trusted names"), handshake: { clientCertificateAccepted: false } });
  });

  it("presents a client certificate the node accepts (PEM with an encrypted key)", async () => {
    const port = await serve({ maxVersion, requireClientCa: ca.pem });
    const key = readPrivateKey(new TextEncoder().encode(client.keyPem), { source: "client.key" });
    write("client-enc.key", exportPrivateKeyPem(key, { password: "s3cret" }));
    write("pass.txt", "s3cret\n");
    const pem = await probe(port, ["--restrictions", "c1.yml", "--cert", "client.crt", "--key", "client-enc.key", "--pass-file", "pass.txt"]);
    expect(pem.code).toBe(0);
    expect(pem.json?.handshake).toEqual({ clientCertificateAccepted: true, error: null });
  });
});

describe("othername probe", () => {
  it("reads a PKCS#12 client identity with its password from the environment", async () => {
    const port = await serve({ maxVersion: "TLSv1.3", requireClientCa: ca.pem });
    const key = readPrivateKey(new TextEncoder().encode(client.keyPem), { source: "client.key" });
    write("client.p12", await writePkcs12({ key: { pkcs8: key.pkcs8, certificate: client.der, alias: "node2" } }, "p12pass"));
    const r = await runCli(["probe", `127.0.0.1:${port}`, "--ca", "ca.crt", "--restrictions", "c1.yml", "--p12", "client.p12", "--pass-env", "P12", "--at", PROBE_TIME, "--json"], {
      cwd: dir,
      env: { P12: "p12pass" },
    });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as ProbeJson).handshake.clientCertificateAccepted).toBe(true);
  });

  it("uses the certificates the node sends after its leaf as untrusted intermediates", async () => {
    const root = await makeMiniCa("CN=Root CA");
    const intermediate = await makeMiniCa("CN=Intermediate CA", root);
    const leaf = await makeMiniLeaf("CN=node3", intermediate, { san: { otherNameCommonName: ["node3.node.c1.cluster.s1.account"] } });
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", leaf.keys.privateKey));
    const keyPem = exportPrivateKeyPem(readPrivateKey(pkcs8, { source: "node3 key" }));
    write("root.crt", root.pem);
    const port = await serve({ maxVersion: "TLSv1.3", cert: leaf.pem + intermediate.pem, key: keyPem });
    const r = await runCli(["probe", `127.0.0.1:${port}`, "--ca", "root.crt", "--restrictions", "c1.yml", "--at", AT.toISOString(), "--json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as ProbeJson;
    expect(json.peer.chain).toEqual([
      { subject: "CN=node3", issuer: "CN=Intermediate CA" },
      { subject: "CN=Intermediate CA", issuer: "CN=Root CA" },
    ]);
    expect(json.trusted).toBe(true);
  });

  it("does not trust a node whose chain does not reach --ca, whatever its names", async () => {
    const port = await serve({ maxVersion: "TLSv1.3" });
    const r = await runCli(["probe", `127.0.0.1:${port}`, "--ca", "other-ca.crt", "--restrictions", "c1.yml", "--at", PROBE_TIME, "--json"], { cwd: dir });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as ProbeJson;
    expect(json).toMatchObject({ trusted: false, chain: { ok: false, failures: [{ code: "NO_PATH" }] } });
  });

  it("prints a readable verdict without --json", async () => {
    const port = await serve({ maxVersion: "TLSv1.2", requireClientCa: otherCa.pem });
    const r = await runCli(["probe", `127.0.0.1:${port}`, "--ca", "ca.crt", "--restrictions", "c2.yml", "--cert", "client.crt", "--key", "client.key", "--at", PROBE_TIME], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`REJECTED: 127.0.0.1:${port} (CN=node1)`);
    expect(r.stdout).toContain("does not match the trusted names");
    expect(r.stdout).toContain("peer: TLSv1.2");
    expect(r.stdout).toContain("handshake: the node refused our client certificate");
  });

  it("exits 4 when nothing listens on the port", async () => {
    const port = await freePort();
    const r = await runCli(["probe", `127.0.0.1:${port}`, "--ca", "ca.crt", "--restrictions", "c1.yml", "--json"], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("ECONNREFUSED");
  });

  it("exits 4 when the port does not speak TLS, within the timeout", async () => {
    const plain = createNetServer((socket) => socket.resume().end("HTTP/1.0 400 Bad Request\r\n\r\n"));
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    try {
      const port = (plain.address() as { port: number }).port;
      const r = await runCli(["probe", `127.0.0.1:${port}`, "--ca", "ca.crt", "--restrictions", "c1.yml", "--timeout", "3s"], { cwd: dir });
      expect(r.code).toBe(4);
      expect(r.stdout).toBe("");
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  });

  it("exits 4 on a timeout when the node never answers the handshake", async () => {
    const silent = createNetServer(() => {}); // accepts, never speaks
    const sockets: import("node:net").Socket[] = [];
    silent.on("connection", (s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const r = await runCli(["probe", `127.0.0.1:${port}`, "--ca", "ca.crt", "--restrictions", "c1.yml", "--timeout", "300ms"], { cwd: dir });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain("within 300 ms");
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("checks local input before connecting: bad target, --cert without --key, a refused trust file", async () => {
    expect((await runCli(["probe", "127.0.0.1", "--ca", "ca.crt", "--restrictions", "c1.yml"], { cwd: dir })).code).toBe(2);
    expect((await runCli(["probe", "127.0.0.1:99999", "--ca", "ca.crt", "--restrictions", "c1.yml"], { cwd: dir })).code).toBe(2);
    expect((await runCli(["probe", "127.0.0.1:9", "--ca", "ca.crt", "--restrictions", "c1.yml", "--cert", "client.crt"], { cwd: dir })).code).toBe(2);
    write("bad.txt", "trust.subject_name: x\n");
    // Port 9 (discard) is never contacted: the trust file is refused first.
    const refused = await runCli(["probe", "127.0.0.1:9", "--ca", "ca.crt", "--restrictions", "bad.txt"], { cwd: dir });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("unable to detect content type");
    write("node1.key", node1.keyPem);
    const mismatch = await runCli(["probe", "127.0.0.1:9", "--ca", "ca.crt", "--restrictions", "c1.yml", "--cert", "client.crt", "--key", "node1.key"], { cwd: dir });
    expect(mismatch.code).toBe(3);
    expect(mismatch.stderr).toContain("no certificate in it matches the private key");
  });

  it("says in --help that verification is off only to capture the chain", async () => {
    const r = await runCli(["probe", "--help"]);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, " ");
    expect(help).toContain("rejectUnauthorized: false");
    expect(help).toContain("the verdict comes from othername's own chain validation against --ca");
  });

  it("parses bracketed IPv6 targets", async () => {
    const { parseTarget } = await import("../../src/cli/commands/probe.js");
    expect(parseTarget("[::1]:9300")).toEqual({ host: "::1", port: 9300 });
    expect(parseTarget("node1.example:9300")).toEqual({ host: "node1.example", port: 9300 });
    expect(() => parseTarget("::1:9300")).toThrow(/HOST:PORT/);
  });
});

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}
