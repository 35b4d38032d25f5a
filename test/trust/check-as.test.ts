import { webcrypto } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportPrivateKeyPem, readPrivateKey } from "../../src/pki/keys.js";
import { runCli } from "../helpers/cli.js";
import { AT, makeCa, makeLeaf, type MiniCert, CLIENT_AUTH, extendedKeyUsage, SERVER_AUTH } from "../chain/mini-ca.js";
import { startTlsServer } from "../probe/tls-server.js";

// `check --as` / `probe --as` (issue #12): Elasticsearch's transport layer hands a peer's chain to
// the JDK's trust manager, which checks it as a TLS client (checkClientTrusted) or server
// (checkServerTrusted); a node's certificate is presented both ways, so the default is both. A
// leaf whose extendedKeyUsage lists serverAuth only passes RFC 5280 and checkServerTrusted, and
// fails checkClientTrusted ("Extended key usage does not permit use for TLS client authentication").
const dir = mkdtempSync(join(tmpdir(), "othername-check-as-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const san = { otherNameCommonName: ["n1.node.c1.cluster.s1.account"] };
let serverOnly: MiniCert;

beforeAll(async () => {
  const root = await makeCa("CN=Transport CA");
  serverOnly = await makeLeaf("CN=n1", root, { san, extra: [extendedKeyUsage(SERVER_AUTH)] });
  writeFileSync(join(dir, "ca.crt"), root.pem);
  writeFileSync(join(dir, "server-only.crt"), serverOnly.pem);
  writeFileSync(join(dir, "client-only.crt"), (await makeLeaf("CN=n2", root, { san, extra: [extendedKeyUsage(CLIENT_AUTH)] })).pem);
  writeFileSync(join(dir, "both.crt"), (await makeLeaf("CN=n3", root, { san, extra: [extendedKeyUsage(SERVER_AUTH, CLIENT_AUTH)] })).pem);
  writeFileSync(join(dir, "trust.yml"), 'trust.subject_name: ["*.node.c1.cluster.s1.account"]\n');
  // A name-constrained intermediate over a leaf whose CN is a host name and whose SAN has an
  // otherName but no DNS name: the JDK's name-constraints check adds the CN to the SAN it returns.
  const constrained = await makeCa("CN=Constrained CA", root, { nameConstraints: { permittedDns: ["node.c1.cluster.s1.account"] } });
  writeFileSync(join(dir, "chain-cn.crt"), (await makeLeaf("CN=n4.node.c1.cluster.s1.account", constrained, { san })).pem + constrained.pem);
  writeFileSync(join(dir, "dns.yml"), 'trust.subject_name: ["n4.node.c1.cluster.s1.account"]\n');
});

const check = (cert: string, ...extra: string[]) =>
  runCli(["check", cert, "--ca", "ca.crt", "--restrictions", "trust.yml", "--at", AT.toISOString(), ...extra], { cwd: dir });

describe("othername check --as", () => {
  it("refuses a serverAuth-only certificate by default, naming the client direction, the rule and that RFC 5280 accepts it", async () => {
    const r = await check("server-only.crt");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("REJECTED: server-only.crt (CN=n1)");
    expect(r.stdout).toContain("as TLS client (checkClientTrusted): ✗ TLS_EXTENDED_KEY_USAGE: Extended key usage does not permit use for TLS client authentication");
    expect(r.stdout).toContain("as TLS server (checkServerTrusted): ✓");
    expect(r.stdout).toMatch(/cause: RFC 5280 accepts this chain .*but Elasticsearch's JDK trust manager refuses it as a TLS client \(checkClientTrusted\): TLS_EXTENDED_KEY_USAGE/);
    // verify without --as keeps the RFC 5280 answer.
    expect((await runCli(["verify", "server-only.crt", "--ca", "ca.crt", "--at", AT.toISOString()], { cwd: dir })).code).toBe(0);
  });

  it("accepts it as a TLS server only, and refuses a clientAuth-only one as a server", async () => {
    const server = await check("server-only.crt", "--as", "server");
    expect(server.code, server.stdout).toBe(0);
    expect(server.stdout).toContain("chain: ✓ valid as TLS server (checkServerTrusted)");
    expect((await check("client-only.crt", "--as", "client")).code).toBe(0);
    const r = await check("client-only.crt", "--as", "server");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("as TLS server (checkServerTrusted): ✗ TLS_EXTENDED_KEY_USAGE: Extended key usage does not permit use for TLS server authentication");
    expect(r.stdout).not.toContain("as TLS client");
    const both = await check("both.crt");
    expect(both.code, both.stdout).toBe(0);
    expect(both.stdout).toContain("chain: ✓ valid as TLS client and server (checkClientTrusted, checkServerTrusted)");
  });

  it("names each direction's verdict and the rule in JSON", async () => {
    const r = await check("server-only.crt", "--json");
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      trusted: false,
      as: "both",
      chain: { ok: false, rfc5280Ok: true, failures: [{ index: 0, code: "TLS_EXTENDED_KEY_USAGE", direction: "client" }] },
      directions: [
        { direction: "client", method: "checkClientTrusted", ok: false, failures: [{ index: 0, code: "TLS_EXTENDED_KEY_USAGE" }] },
        { direction: "server", method: "checkServerTrusted", ok: true, failures: [] },
      ],
      diagnoses: [{ code: "JDK_REFUSES" }],
    });
    expect(json.message).toMatch(/^Certificate chain for CN=n1 is not trusted: TLS_EXTENDED_KEY_USAGE \(as TLS client\): Extended key usage/);
    const server = JSON.parse((await check("server-only.crt", "--as", "server", "--json")).stdout) as Record<string, unknown>;
    expect(server).toMatchObject({ trusted: true, as: "server", directions: [{ direction: "server", ok: true }] });
  });

  it("compares the names Elasticsearch reads after the JDK's validation: the CN a name constraint added as a DNS name", async () => {
    const r = await runCli(["check", "chain-cn.crt", "--ca", "ca.crt", "--restrictions", "dns.yml", "--fields", "subjectAltName.dnsName", "--at", AT.toISOString(), "--json"], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ trusted: true, values: ["n4.node.c1.cluster.s1.account"], match: "n4.node.c1.cluster.s1.account" });
  });

  it("refuses an unknown role as a usage error", async () => {
    expect((await check("both.crt", "--as", "peer")).code).toBe(2);
  });
});

describe("othername probe --as", () => {
  it("judges a live node's serverAuth-only certificate in both directions by default", async () => {
    const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey("pkcs8", serverOnly.keys.privateKey));
    const server = await startTlsServer({ cert: serverOnly.pem, key: exportPrivateKeyPem(readPrivateKey(pkcs8, { source: "n1 key" })) });
    try {
      const probe = (...extra: string[]) =>
        runCli(["probe", `127.0.0.1:${server.port}`, "--ca", "ca.crt", "--restrictions", "trust.yml", "--at", AT.toISOString(), "--timeout", "5s", ...extra], { cwd: dir });
      const text = await probe();
      expect(text.code, text.stderr).toBe(1);
      expect(text.stdout).toContain("as TLS client (checkClientTrusted): ✗ TLS_EXTENDED_KEY_USAGE");
      expect(text.stdout).toContain("Elasticsearch's JDK trust manager refuses it as a TLS client");
      const json = JSON.parse((await probe("--json")).stdout) as Record<string, unknown>;
      expect(json).toMatchObject({
        trusted: false,
        as: "both",
        directions: [
          { direction: "client", ok: false, failures: [{ code: "TLS_EXTENDED_KEY_USAGE" }] },
          { direction: "server", ok: true },
        ],
      });
      const asServer = await probe("--as", "server", "--json");
      expect(asServer.code, asServer.stdout).toBe(0);
      expect(JSON.parse(asServer.stdout)).toMatchObject({ trusted: true, as: "server" });
    } finally {
      await server.close();
    }
  });
});
