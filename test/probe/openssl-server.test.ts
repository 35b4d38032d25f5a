import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { PROBE_TIME, makeTestCa } from "../helpers/test-pki.js";

/**
 * Against `openssl s_server -Verify 1 -verify_return_error`, which (like the JDK under Elasticsearch) answers a client
 * certificate it cannot verify with a TLS alert rather than a bare close.
 */
const dir = mkdtempSync(join(tmpdir(), "othername-probe-openssl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children) child.kill();
  children = [];
});

beforeAll(async () => {
  const ca = await makeTestCa("Test CA");
  const otherCa = await makeTestCa("Other CA");
  const node = await ca.issue({ cn: "node1", otherNames: ["node1.node.c1.cluster.s1.account"] });
  const client = await ca.issue({ cn: "node2", otherNames: ["node2.node.c1.cluster.s1.account"] });
  const files: Record<string, string> = {
    "ca.crt": ca.pem,
    "other-ca.crt": otherCa.pem,
    "node1.crt": node.certPem,
    "node1.key": node.keyPem,
    "client.crt": client.certPem,
    "client.key": client.keyPem,
    "trust.yml": 'trust.subject_name: ["*.node.c1.cluster.s1.account"]\n',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Starts s_server requiring client certificates from `clientCa`; resolves once it accepts connections. */
async function sServer(version: "-tls1_2" | "-tls1_3", clientCa: string): Promise<number> {
  const port = await freePort();
  const child = spawn(
    "openssl",
    ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", "node1.crt", "-key", "node1.key", "-Verify", "1", "-verify_return_error", "-CAfile", clientCa, version, "-naccept", "1"],
    { cwd: dir, stdio: ["pipe", "pipe", "pipe"] },
  );
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("ACCEPT")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => reject(new Error(`s_server exited ${code}: ${output}`)));
    setTimeout(() => reject(new Error(`s_server did not start: ${output}`)), 5_000);
  });
  return port;
}

describe.each(["-tls1_2", "-tls1_3"] as const)("othername probe against openssl s_server %s", (version) => {
  it("reports the server's verdict and the certificate alert it sent about ours", async () => {
    const port = await sServer(version, "other-ca.crt");
    const r = await runCli(
      ["probe", `127.0.0.1:${port}`, "--ca", "ca.crt", "--restrictions", "trust.yml", "--cert", "client.crt", "--key", "client.key", "--at", PROBE_TIME, "--json"],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { trusted: boolean; peer: { protocol: string }; handshake: { clientCertificateAccepted: boolean | null; error: { code: string } | null } };
    expect(json.trusted).toBe(true);
    expect(json.peer.protocol).toBe(version === "-tls1_2" ? "TLSv1.2" : "TLSv1.3");
    expect(json.handshake.clientCertificateAccepted).toBe(false);
    expect(json.handshake.error?.code).toMatch(/ALERT/);
  });

  it("sees its client certificate accepted by a server that trusts our CA", async () => {
    const port = await sServer(version, "ca.crt");
    const r = await runCli(
      ["probe", `127.0.0.1:${port}`, "--ca", "ca.crt", "--restrictions", "trust.yml", "--cert", "client.crt", "--key", "client.key", "--at", PROBE_TIME, "--json"],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { handshake: unknown }).handshake).toEqual({ clientCertificateAccepted: true, error: null });
  });
});
