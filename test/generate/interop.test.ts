import { X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, createServer, type TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { INSTANCES, keytool, openssl, tempDir, write } from "./helpers.js";

const PASSWORD = "s3cret-Pass";

describe("PKCS#12 output against openssl and keytool", () => {
  const { dir, cleanup } = tempDir("p12");
  afterAll(cleanup);

  beforeAll(async () => {
    write(dir, "instances.yml", INSTANCES);
    write(dir, "pass.txt", `${PASSWORD}\n`);
    const ca = await runCli(["ca", "--key", "ec:p256", "--out", "elastic-stack-ca.p12", "--pass-file", "pass.txt"], { cwd: dir });
    expect(ca.code, ca.stderr).toBe(0);
    const cert = await runCli(
      ["cert", "--in", "instances.yml", "--ca", "elastic-stack-ca.p12", "--ca-pass-file", "pass.txt", "--pass-env", "NODE_PASS", "--key", "ec:p256", "--out", "certificate-bundle.zip"],
      { cwd: dir, env: { NODE_PASS: PASSWORD } },
    );
    expect(cert.code, cert.stderr).toBe(0);
    const { unzipSync } = await import("fflate");
    const entries = unzipSync(readFileSync(join(dir, "certificate-bundle.zip")));
    expect(Object.keys(entries).sort()).toEqual(["node1/node1.p12", "node2/node2.p12"]);
    writeFileSync(join(dir, "node1.p12"), entries["node1/node1.p12"]!);
  });

  it("openssl pkcs12 -info (OpenSSL 3, no -legacy) reads the node keystore with PBES2 and a SHA-256 MAC", () => {
    const r = openssl(["pkcs12", "-info", "-in", "node1.p12", "-passin", `pass:${PASSWORD}`, "-nodes"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("MAC: sha256");
    expect(r.stderr).toContain("PBES2, PBKDF2, AES-256-CBC");
    expect(r.stdout).toContain("friendlyName: node1");
    expect(r.stdout).toContain("friendlyName: ca");
    expect(r.stdout).toContain("BEGIN PRIVATE KEY");
  });

  it("the node certificate inside verifies against the CA inside", () => {
    const certs = openssl(["pkcs12", "-in", "node1.p12", "-passin", `pass:${PASSWORD}`, "-nokeys", "-clcerts"], { cwd: dir }).stdout;
    const cas = openssl(["pkcs12", "-in", "node1.p12", "-passin", `pass:${PASSWORD}`, "-nokeys", "-cacerts"], { cwd: dir }).stdout;
    write(dir, "leaf.pem", certs);
    write(dir, "ca.pem", cas);
    expect(openssl(["verify", "-CAfile", "ca.pem", "leaf.pem"], { cwd: dir }).stdout).toContain("leaf.pem: OK");
    expect(openssl(["x509", "-in", "leaf.pem", "-noout", "-ext", "subjectAltName"], { cwd: dir }).stdout).toContain("othername: commonName::node1.node.abc123.cluster.s1.account");
  });

  it("keytool -list shows the key entry and the trusted CA", () => {
    const r = keytool(["-list", "-keystore", join(dir, "node1.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/node1, .*PrivateKeyEntry/);
    expect(r.stdout).toMatch(/ca, .*trustedCertEntry/);
  });

  it("keytool -list reads the CA keystore with its key entry \"ca\"", () => {
    const r = keytool(["-list", "-keystore", join(dir, "elastic-stack-ca.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ca, .*PrivateKeyEntry/);
  });

  it("asks for the CA password instead of guessing when none is given", async () => {
    const r = await runCli(["cert", "--in", "instances.yml", "--ca", "elastic-stack-ca.p12", "--key", "ec:p256", "--out", "nopass"], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("--ca-pass-file");
  });
});

describe("mutual TLS with generated certificates (Node tls)", () => {
  const { dir, cleanup } = tempDir("mtls");
  afterAll(cleanup);

  beforeAll(async () => {
    write(dir, "instances.yml", INSTANCES);
    for (const name of ["ca1", "ca2"]) {
      expect((await runCli(["ca", "--pem", "--no-password", "--key", "ec:p256", "--out", name], { cwd: dir })).code).toBe(0);
      const r = await runCli(["cert", "--in", "instances.yml", "--ca-cert", `${name}/ca/ca.crt`, "--ca-key", `${name}/ca/ca.key`, "--pem", "--key", "ec:p256", "--out", `${name}/certs`], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
    }
  });

  const read = (path: string) => readFileSync(join(dir, path));

  /** node1 serves with CA 1's certificate and requires a client certificate from CA 1; node2 connects. */
  async function handshake(clientCa: "ca1" | "ca2"): Promise<{ ok: boolean; peerOtherName?: string; error?: string; serverError?: string }> {
    const server = createServer({
      key: read("ca1/certs/node1/node1.key"),
      cert: read("ca1/certs/node1/node1.crt"),
      ca: read("ca1/ca/ca.crt"),
      requestCert: true,
      rejectUnauthorized: true,
    });
    let serverSawPeer: string | undefined;
    server.on("secureConnection", (socket: TLSSocket) => {
      serverSawPeer = socket.getPeerX509Certificate()?.fingerprint256;
      socket.end("hello");
    });
    let serverError: string | undefined;
    server.on("tlsClientError", (error) => (serverError = error.message));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const outcome = await new Promise<{ ok: boolean; peerOtherName?: string; error?: string }>((resolve) => {
        const socket = connect({
          host: "127.0.0.1",
          port,
          servername: "localhost",
          key: read(`${clientCa}/certs/node2/node2.key`),
          cert: read(`${clientCa}/certs/node2/node2.crt`),
          ca: read("ca1/ca/ca.crt"),
        });
        let data = "";
        socket.on("data", (chunk) => (data += chunk));
        socket.on("end", () => resolve(data === "hello" ? { ok: true, ...(serverSawPeer ? { peerOtherName: serverSawPeer } : {}) } : { ok: false, error: "no data" }));
        socket.on("error", (error) => resolve({ ok: false, error: error.message }));
      });
      return { ...outcome, ...(serverError ? { serverError } : {}) };
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it("succeeds when both peers carry certificates from the trusted CA", async () => {
    const result = await handshake("ca1");
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    // The server saw exactly the generated node2 certificate.
    expect(result.peerOtherName).toBe(new X509Certificate(read("ca1/certs/node2/node2.crt")).fingerprint256);
  });

  it("fails when the client's certificate comes from another CA", async () => {
    const result = await handshake("ca2");
    expect(result.ok).toBe(false);
    // TLS 1.3: the server checks the client certificate after the client's side completed, then
    // drops the connection: no secure connection on the server, no data on the client.
    expect(result.peerOtherName).toBeUndefined();
    expect(result.serverError).toBeDefined();
  });
});

describe("othername csr", () => {
  const { dir, cleanup } = tempDir("csr");
  afterAll(cleanup);
  it("writes a key and a PKCS#10 request with the SAN extension request per instance", async () => {
    write(dir, "instances.yml", INSTANCES);
    const r = await runCli(["csr", "--in", "instances.yml", "--key", "ec:p256", "--out", "req"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const check = openssl(["req", "-in", "req/node1/node1.csr", "-noout", "-verify", "-text"], { cwd: dir });
    expect(check.stdout + check.stderr).toMatch(/verify OK|Certificate request self-signature verify OK/);
    expect(check.stdout).toContain("Subject: CN = node1");
    expect(check.stdout).toContain("othername: commonName::node1.node.abc123.cluster.s1.account");
    expect(check.stdout).toContain("DNS:localhost");
    expect(readFileSync(join(dir, "req/node1/node1.key"), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});

describe("subject DNs in the order certutil (Java's X500Principal) and openssl write them", () => {
  const { dir, cleanup } = tempDir("dn");
  afterAll(cleanup);

  it("a DN given as text comes back as the same text from openssl -nameopt RFC2253 and from our reader", async () => {
    write(dir, "instances.yml", 'instances:\n  - name: "CN=node1,OU=ops,O=Example\\\\, Inc,C=US"\n    filename: node1\n');
    const ca = await runCli(["ca", "--pem", "--no-password", "--key", "ec:p256", "--dn", "CN=My CA,O=Example,C=US", "--out", "."], { cwd: dir });
    expect(ca.code, ca.stderr).toBe(0);
    const cert = await runCli(["cert", "--in", "instances.yml", "--ca-cert", "ca/ca.crt", "--ca-key", "ca/ca.key", "--pem", "--key", "ec:p256", "--out", "certs"], { cwd: dir });
    expect(cert.code, cert.stderr).toBe(0);
    const subject = (file: string) => openssl(["x509", "-in", file, "-noout", "-subject", "-nameopt", "RFC2253"], { cwd: dir }).stdout.trim();
    expect(subject("ca/ca.crt")).toBe("subject=CN=My CA,O=Example,C=US");
    expect(subject("certs/node1/node1.crt")).toBe("subject=CN=node1,OU=ops,O=Example\\, Inc,C=US");
    const inspected = JSON.parse((await runCli(["inspect", "certs/node1/node1.crt", "--json"], { cwd: dir })).stdout);
    expect(inspected.files[0].certificates[0]).toMatchObject({ subject: "CN=node1, OU=ops, O=Example\\, Inc, C=US", issuer: "CN=My CA, O=Example, C=US" });
    // The chain still validates with the issuer name as encoded.
    expect(openssl(["verify", "-CAfile", "ca/ca.crt", "certs/node1/node1.crt"], { cwd: dir }).code).toBe(0);
  });
});

describe("othername csr with a full DN", () => {
  const { dir, cleanup } = tempDir("csr-dn");
  afterAll(cleanup);

  it("writes the subject exactly as given, escapes included", async () => {
    write(dir, "instances.yml", 'instances:\n  - name: "CN=node1,O=Example\\\\, Inc,C=US"\n    filename: node1\n');
    const r = await runCli(["csr", "--in", "instances.yml", "--key", "ec:p256", "--out", "req"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const subject = openssl(["req", "-in", "req/node1/node1.csr", "-noout", "-subject", "-nameopt", "RFC2253"], { cwd: dir });
    expect(subject.stdout.trim()).toBe("subject=CN=node1,O=Example\\, Inc,C=US");
  });
});
