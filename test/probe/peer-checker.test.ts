import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type SecureVersion, type TLSSocket } from "node:tls";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { isOthernameError } from "../../src/errors.js";
import { createPeerChecker } from "../../src/io/tls-peer.js";
import { parseCertificate } from "../../src/pki/certificate.js";
import type { TrustDecision } from "../../src/trust/decide.js";
import { runCli } from "../helpers/cli.js";
import { AT, makeCa as makeMiniCa, makeLeaf as makeMiniLeaf } from "../chain/mini-ca.js";
import { PROBE_TIME, makeTestCa, type TestCa, type TestLeaf } from "../helpers/test-pki.js";
import { startTlsServer, type TestTlsServer } from "./tls-server.js";

const TRUST = "*.node.c1.cluster.s1.account";
const at = new Date(PROBE_TIME);

let ca: TestCa;
let otherCa: TestCa;
let server: TestLeaf;
let goodClient: TestLeaf;
let badClient: TestLeaf;
let servers: TestTlsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

beforeAll(async () => {
  ca = await makeTestCa("Test CA");
  otherCa = await makeTestCa("Other CA");
  server = await ca.issue({ cn: "node1", otherNames: ["node1.node.c1.cluster.s1.account"], dns: ["localhost"] });
  goodClient = await ca.issue({ cn: "node2", otherNames: ["node2.node.c1.cluster.s1.account"] });
  badClient = await ca.issue({ cn: "node5", otherNames: ["node5.node.c2.cluster.s1.account"] });
});

/** A mutual-TLS server that keeps a connection only when the checker trusts the client, then echoes. */
async function guardedServer(maxVersion: SecureVersion, decisions: TrustDecision[]): Promise<number> {
  const checker = createPeerChecker({
    caCertificates: ca.pem,
    restrictions: { fileName: "trust_restrictions.yml", text: `trust.subject_name:\n  - "${TRUST}"\n` },
    now: at,
  });
  const s = await startTlsServer({ cert: server.certPem, key: server.keyPem, ca: ca.pem, requestCert: true, rejectUnauthorized: true, maxVersion }, (socket) => {
    socket.on("error", () => {});
    const decision = checker.checkTlsSocket(socket);
    decisions.push(decision);
    if (!decision.trusted) {
      socket.destroy();
      return;
    }
    socket.write("welcome;");
    socket.on("data", (chunk) => socket.write(chunk));
  });
  servers.push(s);
  return s.port;
}

/** Connects with a client certificate, sends "ping", collects what comes back until the server closes or 1 s passes. */
function talk(port: number, client: TestLeaf, maxVersion: SecureVersion): Promise<{ received: string; secure: boolean; error?: string }> {
  return new Promise((resolve) => {
    let received = "";
    let secure = false;
    let settled = false;
    const socket: TLSSocket = connect({ host: "127.0.0.1", port, servername: "localhost", ca: ca.pem, cert: client.certPem, key: client.keyPem, maxVersion });
    const done = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ received, secure, ...(error !== undefined ? { error } : {}) });
    };
    const timer = setTimeout(() => done("timeout"), 1_000);
    socket.on("secureConnect", () => {
      secure = true;
      socket.write("ping");
    });
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8");
      if (received === "welcome;ping") done();
    });
    socket.on("error", (error) => done(error.message));
    socket.on("close", () => done());
  });
}

describe.each(["TLSv1.2", "TLSv1.3"] as const)("createPeerChecker in a mutual-TLS server over %s", (maxVersion) => {
  it("accepts a client whose otherName matches: data flows both ways", async () => {
    const decisions: TrustDecision[] = [];
    const port = await guardedServer(maxVersion, decisions);
    const r = await talk(port, goodClient, maxVersion);
    expect(r.error).toBeUndefined();
    expect(r.received).toBe("welcome;ping");
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ trusted: true, decidedBy: "names", values: ["node2.node.c1.cluster.s1.account"], match: { pattern: TRUST } });
  });

  it("cuts off a client whose otherName does not match: no data is exchanged", async () => {
    const decisions: TrustDecision[] = [];
    const port = await guardedServer(maxVersion, decisions);
    const r = await talk(port, badClient, maxVersion);
    expect(r.received).toBe("");
    expect(r.error).not.toBe("timeout");
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      trusted: false,
      decidedBy: "names",
      message: `Certificate for CN=node5 with fields [subjectAltName.otherName.commonName] with values [node5.node.c2.cluster.s1.account] does not match the trusted names [${TRUST}]`,
    });
  });
});

describe("createPeerChecker.check on DER chains", () => {
  const der = (leaf: TestLeaf) => leaf.der;

  it("takes CA certificates as PEM text, PEM or DER bytes, or parsed certificates", () => {
    const caDer = parseCertificate(new Uint8Array(Buffer.from(ca.pem.replace(/-----[^-]+-----|\s/g, ""), "base64"))).der;
    for (const caCertificates of [ca.pem, new TextEncoder().encode(ca.pem), caDer, [ca.certificate], [otherCa.pem, caDer]]) {
      const checker = createPeerChecker({ caCertificates, patterns: [TRUST], now: at });
      expect(checker.check([der(goodClient)]).trusted).toBe(true);
    }
  });

  it("decides by the chain first: a chain to another CA is rejected before any name is read", () => {
    const checker = createPeerChecker({ caCertificates: otherCa.pem, patterns: ["*"], now: at });
    const d = checker.check([der(goodClient)]);
    expect(d).toMatchObject({ trusted: false, decidedBy: "chain" });
    expect(d.message).toContain("NO_PATH");
  });

  it("reads the clock at each check: outside the validity the chain fails", () => {
    let now = at;
    const checker = createPeerChecker({ caCertificates: ca.pem, patterns: [TRUST], now: () => now });
    expect(checker.check([der(goodClient)]).trusted).toBe(true);
    now = new Date("2040-01-01T00:00:00Z");
    expect(checker.check([der(goodClient)]).message).toContain("EXPIRED");
  });

  it("uses the peer's extra certificates as untrusted intermediates only", async () => {
    const root = await makeMiniCa("CN=Root CA");
    const intermediate = await makeMiniCa("CN=Intermediate CA", root);
    const leaf = await makeMiniLeaf("CN=node3", intermediate, { san: { otherNameCommonName: ["node3.node.c1.cluster.s1.account"] } });
    const viaRoot = createPeerChecker({ caCertificates: root.pem, patterns: [TRUST], now: AT });
    expect(viaRoot.check([leaf.certificate.der, intermediate.certificate.der]).trusted).toBe(true);
    expect(viaRoot.check([leaf.certificate.der]).decidedBy).toBe("chain");
    // The intermediate sent by the peer is no anchor of its own.
    const viaNothing = createPeerChecker({ caCertificates: otherCa.pem, patterns: ["*"], now: AT });
    expect(viaNothing.check([leaf.certificate.der, intermediate.certificate.der]).trusted).toBe(false);
  });

  it("compares DNS names when asked (x509_fields), never by default", async () => {
    const dnsOnly = await ca.issue({ cn: "d", dns: ["d.node.c1.cluster.s1.account"] });
    const byDefault = createPeerChecker({ caCertificates: ca.pem, patterns: [TRUST], now: at });
    expect(byDefault.check([dnsOnly.der])).toMatchObject({ trusted: false, values: [] });
    const byDns = createPeerChecker({ caCertificates: ca.pem, patterns: [TRUST], fields: ["subjectAltName.dnsName"], now: at });
    expect(byDns.check([dnsOnly.der]).trusted).toBe(true);
  });

  it("rejects, never throws, for what a peer sends: nothing, garbage, an endless chain", () => {
    const checker = createPeerChecker({ caCertificates: ca.pem, patterns: ["*"], now: at });
    expect(checker.check([])).toMatchObject({ trusted: false, decidedBy: "chain", message: expect.stringContaining("NO_CERTIFICATE") });
    expect(checker.check([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])]).message).toContain("MALFORMED_CERTIFICATE");
    expect(checker.check([der(goodClient), new Uint8Array([1, 2, 3])]).message).toContain("certificate 2 of the peer");
    expect(checker.check(Array.from({ length: 100 }, () => der(goodClient))).message).toContain("CHAIN_TOO_LONG");
  });

  it("refuses unusable trust material with OthernameError", () => {
    const expectCode = (fn: () => unknown, code: string) => {
      try {
        fn();
      } catch (error) {
        expect(isOthernameError(error) && error.code).toBe(code);
        return;
      }
      throw new Error(`expected ${code}`);
    };
    expectCode(() => createPeerChecker({ caCertificates: "no certificates here", patterns: ["*"] }), "PEER_CHECK_NO_CA");
    expectCode(() => createPeerChecker({ caCertificates: ca.pem }), "PEER_CHECK_PATTERNS");
    expectCode(() => createPeerChecker({ caCertificates: ca.pem, patterns: ["*"], restrictions: { fileName: "t.yml", text: "" } }), "PEER_CHECK_PATTERNS");
    expectCode(() => createPeerChecker({ caCertificates: ca.pem, restrictions: { fileName: "trust.txt", text: "trust.subject_name: a" } }), "TRUST_FILE_REFUSED");
    expectCode(() => createPeerChecker({ caCertificates: ca.pem, patterns: ["/unclosed"] }), "PATTERN_UNCLOSED_REGEX");
    expectCode(() => createPeerChecker({ caCertificates: ca.pem, patterns: ["*"], fields: ["subjectAltName.ipAddress" as never] }), "USAGE_FIELDS");
  });

  it("an empty pattern list trusts nobody, as Elasticsearch", () => {
    const checker = createPeerChecker({ caCertificates: ca.pem, patterns: [], now: at });
    expect(checker.check([der(goodClient)])).toMatchObject({ trusted: false, decidedBy: "names" });
  });
});

describe.each(["1.2", "1.3"] as const)("othername probe against a service guarded by createPeerChecker (TLS %s)", (version) => {
  it("sees its client certificate accepted when its name matches and refused when not", async () => {
    const dir = mkdtempSync(join(tmpdir(), "othername-guarded-"));
    try {
      writeFileSync(join(dir, "ca.crt"), ca.pem);
      writeFileSync(join(dir, "trust.yml"), `trust.subject_name: ["${TRUST}"]\n`);
      for (const [name, leaf] of [["good", goodClient], ["bad", badClient]] as const) {
        writeFileSync(join(dir, `${name}.crt`), leaf.certPem);
        writeFileSync(join(dir, `${name}.key`), leaf.keyPem);
      }
      const port = await guardedServer(version === "1.2" ? "TLSv1.2" : "TLSv1.3", []);
      const probe = async (name: string) => {
        const r = await runCli(["probe", `127.0.0.1:${port}`, "--ca", "ca.crt", "--restrictions", "trust.yml", "--cert", `${name}.crt`, "--key", `${name}.key`, "--tls-version", version, "--at", PROBE_TIME, "--json"], { cwd: dir });
        expect(r.code, r.stderr).toBe(0); // the service's own certificate is trusted either way
        return (JSON.parse(r.stdout) as { handshake: { clientCertificateAccepted: boolean | null } }).handshake.clientCertificateAccepted;
      };
      expect(await probe("good")).toBe(true);
      expect(await probe("bad")).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
