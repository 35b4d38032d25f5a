import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect as tlsConnect, createServer, type TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPeerChecker, decodePem, parseCertificate } from "../../src/index.js";
import { runCli } from "../helpers/cli.js";
import { makeCa, makeServerCertificate } from "../ece/certs.js";
import { FakeEce, sampleDeployment } from "../ece/server.js";

/**
 * Issue #16's acceptance: a 3-node cluster made with the CLI (CA1, `cert`) and an ECE deployment
 * (the spec-checked fake ECE) whose direct trust holds CA1, rotated to CA2. The generated plan
 * keeps every connection at every step; a plan without phase 1, or one whose ECE side drops CA1
 * in phase 1, is refused naming the step and the pair; `--apply-ece` changes only the rotated
 * entry through the read-merge-write client; and a real mutual TLS handshake with one mixed
 * step's files agrees with the plan.
 */
const DEPLOYMENT = "d0d0e1e1f2f2a3a3";
const API_KEY = "cm90YXRlLXRlc3Q6c2VjcmV0";
const NAMES = ["node-1", "node-2", "node-3"].map((n) => `${n}.node.prod.cluster.s1.account`);
const ECE = `ece:${DEPLOYMENT}`;

let dir: string;
let ece: FakeEce;
let env: Record<string, string>;

async function cli(argv: readonly string[], options: { stdinIsTTY?: boolean } = {}) {
  return runCli(argv, { cwd: dir, env, ...options });
}

function writePlan(name: string, edit: (plan: { phases: { number: number; steps: { label: string; action: Record<string, unknown> }[] }[] }) => void): string {
  const plan = JSON.parse(readFileSync(join(dir, "plan/plan.json"), "utf8"));
  edit(plan);
  writeFileSync(join(dir, name), JSON.stringify(plan));
  return name;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "othername-rotate-"));
  expect((await cli(["ca", "--out", "ca1", "--pem", "--key", "ec:p256", "--dn", "CN=CA1", "--no-password"])).code).toBe(0);
  writeFileSync(join(dir, "instances.yml"), "cluster: prod\nscope: s1.account\ninstances:\n  - name: node-1\n  - name: node-2\n  - name: node-3\n");
  expect((await cli(["cert", "--in", "instances.yml", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--pem", "--key", "ec:p256", "--out", "certs", "--quiet"])).code).toBe(0);
  const ca1 = readFileSync(join(dir, "ca1/ca/ca.crt"), "utf8");
  // The nodes trust each other and the deployment: their own pattern and ECE's recommended one.
  writeFileSync(join(dir, "trust_restrictions.yml"), `trust.subject_name:\n  - "*.node.prod.cluster.s1.account"\n  - "*.node.${DEPLOYMENT}.cluster.ece-region.account"\n`);

  const apiCa = await makeCa("CN=ECE API CA");
  const tls = await makeServerCertificate(apiCa);
  const eceCa = await makeCa("CN=ECE installation CA");
  ece = await FakeEce.start({ key: tls.keyPem, cert: tls.pem, apiKey: API_KEY });
  ece.deployments.set(
    DEPLOYMENT,
    sampleDeployment(DEPLOYMENT, {
      caPem: eceCa.pem,
      trust: {
        accounts: [{ account_id: "ece-account", name: "Default trust with own account", trust_all: true }],
        external: [],
        direct: [
          { name: "prod", type: "generic", trust_all: false, additional_node_names: NAMES, certificates: [{ pem: ca1 }] },
          { name: "other", type: "generic", trust_all: false, additional_node_names: ["x.node.other.cluster.s1.account"], certificates: [{ pem: eceCa.pem }] },
        ],
      },
    }),
  );
  writeFileSync(join(dir, "api-ca.pem"), apiCa.pem);
  writeFileSync(join(dir, "ece-ca.crt"), eceCa.pem);
  env = { ECE_URL: ece.url, ECE_API_KEY: API_KEY };

  const plan = await cli([
    "rotate", "plan", "--old-ca", "ca1/ca/ca.crt", "--bundle", "certs", "--extra-ca", "ece-ca.crt", "--restrictions", "trust_restrictions.yml",
    "--ece-deployment", DEPLOYMENT, "--api-ca", "api-ca.pem", "--ca-dn", "CN=CA2", "--key", "ec:p256", "--no-password", "--out", "plan",
  ]);
  expect(plan.stderr, plan.stdout).toBe("");
  expect(plan.code).toBe(0);
}, 60_000);

afterAll(async () => {
  await ece?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("rotate plan", () => {
  it("writes one folder per phase with the files to copy, keys 0600, and plan.json", () => {
    const mode = (path: string) => statSync(join(dir, "plan", path)).mode & 0o777;
    expect(mode("new-ca/ca.key")).toBe(0o600);
    for (const n of ["node-1", "node-2", "node-3"]) expect(mode(`phase-2-new-certificates/${n}/${n}.key`)).toBe(0o600);
    const bundle = (phase: string) => readFileSync(join(dir, "plan", phase, "ca-bundle.crt"), "utf8").match(/BEGIN CERTIFICATE/g)?.length;
    // The rotation's CAs, and ECE's (--extra-ca), which every node trusts throughout.
    expect([bundle("phase-1-trust-both"), bundle("phase-2-new-certificates"), bundle("phase-3-drop-old-ca")]).toEqual([3, 3, 2]);
    expect(readFileSync(join(dir, "plan/phase-1-trust-both/README.md"), "utf8")).toContain("node-2 restarts trusting old + new CA");
    const change = JSON.parse(readFileSync(join(dir, `plan/phase-1-trust-both/ece-${DEPLOYMENT}-trust-change.json`), "utf8"));
    expect(change.direct.map((d: { name: string }) => d.name)).toEqual(["prod"]);
    expect(change.direct[0].certificates).toHaveLength(2);
    const plan = JSON.parse(readFileSync(join(dir, "plan/plan.json"), "utf8"));
    expect(plan.phases.map((p: { steps: unknown[] }) => p.steps.length)).toEqual([4, 3, 4]);
  });

  it("issues each node's new certificate from CA2 with the same names", async () => {
    const inspect = await cli(["inspect", "plan/phase-2-new-certificates/node-2/node-2.crt", "--json"]);
    const certificate = JSON.parse(inspect.stdout).files[0].certificates[0];
    expect(certificate.issuer).toBe("CN=CA2");
    expect(certificate.san.otherNameCommonName).toEqual([NAMES[1]]);
    expect((await cli(["verify", "plan/phase-2-new-certificates/node-2/node-2.crt", "--ca", "plan/new-ca/ca.crt"])).code).toBe(0);
    // The SubjectAltName extension is carried over byte for byte (othername renew's reissue).
    const san = (path: string) => parseCertificate(decodePem(readFileSync(join(dir, path), "utf8"))[0]!.der).extensions.find((e) => e.oid === "2.5.29.17")!.value;
    expect(Buffer.from(san("plan/phase-2-new-certificates/node-2/node-2.crt")).equals(Buffer.from(san("certs/node-2/node-2.crt")))).toBe(true);
  });
});

describe("rotate check", () => {
  it("passes the generated plan: every pair holds at every step, ECE included", async () => {
    const text = await cli(["rotate", "check", "plan"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("every connection holds at all 12 steps (9 pairs must stay connected)");
    const json = JSON.parse((await cli(["rotate", "check", "plan", "--json"])).stdout);
    expect(json.ok).toBe(true);
    expect(json.required).toContainEqual(["node-1", ECE]);
    expect(json.required).toContainEqual(["node-1", "node-3"]);
    expect(json.steps.map((s: { phase: number; step: number }) => `${s.phase}.${s.step}`)).toEqual(["0.0", "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4"]);
  });

  it("fails a plan with phase 1 skipped, naming the step and the pair", async () => {
    const file = writePlan("skip-phase-1.json", (plan) => (plan.phases = plan.phases.filter((p) => p.number !== 1)));
    const result = await cli(["rotate", "check", file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/phase 2 step 1 \(node-1 restarts with its new-CA certificate\): node-1 <-> node-2 cut: node-2 refuses node-1: Certificate chain for CN=node-1 is not trusted/);
    const json = JSON.parse((await cli(["rotate", "check", file, "--json"])).stdout);
    expect(json.ok).toBe(false);
    // Nothing breaks before node-1 presents its CA2 certificate to peers that trust only CA1.
    expect(json.breaks[0]).toMatchObject({ phase: 2, step: 1 });
    expect(json.steps.filter((s: { ok: boolean }) => !s.ok).map((s: { phase: number; step: number }) => `${s.phase}.${s.step}`)).toEqual(["2.1", "2.2", "2.3", "3.1", "3.2", "3.3"]);
    expect(json.breaks).toContainEqual(expect.objectContaining({ phase: 2, step: 1, pair: ["node-1", ECE], from: ECE, to: "node-1" }));
    expect(json.breaks).toContainEqual(expect.objectContaining({ phase: 2, step: 1, pair: ["node-1", "node-2"], from: "node-2", to: "node-1" }));
  });

  it("fails a plan whose ECE side drops CA1 in phase 1, naming the step and the pair", async () => {
    const file = writePlan("ece-early.json", (plan) => {
      const step = plan.phases[0]!.steps[0]!;
      step.action = { ...step.action, trusts: ["new"] };
    });
    const result = await cli(["rotate", "check", file, "--json"]);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.breaks[0]).toMatchObject({ phase: 1, step: 1, pair: ["node-1", ECE], from: ECE, to: "node-1" });
    expect(json.breaks[0].reason).toMatch(/^Certificate chain for CN=node-1 is not trusted/);
    expect(json.steps.find((s: { phase: number; step: number }) => s.phase === 0).ok).toBe(true);
  });

  it("reports a plan that never drops the old CA as incomplete", async () => {
    const file = writePlan("no-phase-3.json", (plan) => (plan.phases = plan.phases.filter((p) => p.number !== 3)));
    const result = await cli(["rotate", "check", file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("the rotation is not complete after the last step: node-1 still trusts the old CA");
  });

  it("refuses a damaged plan.json with the field named (exit 3)", async () => {
    const file = writePlan("bad.json", (plan) => (plan.phases[1]!.steps[0]!.action = { kind: "node", node: "node-9" }));
    const result = await cli(["rotate", "check", file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('phase 2 step 1 names node "node-9"');
  });
});

describe("rotate check --apply-ece", () => {
  const direct = () =>
    (ece.deployments.get(DEPLOYMENT)!.elasticsearch[0]!.info as unknown as { settings: { trust: { direct: { name: string; certificates: { pem: string }[] }[]; accounts: unknown[] } } }).settings.trust;
  const fingerprints = (name: string) => direct().direct.find((d) => d.name === name)!.certificates.map((c) => c.pem.trim());

  it("applies a phase's ECE change through read-merge-write, after the diff, keeping every other entry", async () => {
    const ca1 = readFileSync(join(dir, "ca1/ca/ca.crt"), "utf8").trim();
    const ca2 = readFileSync(join(dir, "plan/new-ca/ca.crt"), "utf8").trim();
    const other = fingerprints("other");

    const refused = await cli(["rotate", "check", "plan", "--apply-ece", "1", "--api-ca", "api-ca.pem"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("without confirmation");
    expect(fingerprints("prod")).toEqual([ca1]);

    const dry = await cli(["rotate", "check", "plan", "--apply-ece", "1", "--api-ca", "api-ca.pem", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("~ direct trust \"prod\"");
    expect(fingerprints("prod")).toEqual([ca1]);

    const one = await cli(["rotate", "check", "plan", "--apply-ece", "1", "--api-ca", "api-ca.pem", "--yes"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`applied phase 1's trust change to deployment ${DEPLOYMENT}`);
    expect(fingerprints("prod")).toEqual([ca1, ca2]);
    expect(fingerprints("other")).toEqual(other);
    expect(direct().accounts).toHaveLength(1);

    const three = await cli(["rotate", "check", "plan", "--apply-ece", "3", "--api-ca", "api-ca.pem", "--yes", "--json"]);
    expect(three.code).toBe(0);
    expect(JSON.parse(three.stdout).applied).toEqual([{ deployment: DEPLOYMENT, outcome: "applied", change: "updated", conflicts: 0 }]);
    expect(fingerprints("prod")).toEqual([ca2]);
    expect(fingerprints("other")).toEqual(other);
  });

  it("applies nothing from a plan that cuts a connection", async () => {
    const before = JSON.stringify(direct());
    const result = await cli(["rotate", "check", "ece-early.json", "--apply-ece", "1", "--api-ca", "api-ca.pem", "--yes"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("not applying phase 1's ECE change");
    expect(JSON.stringify(direct())).toBe(before);
  });
});

describe("a real TLS handshake agrees with the plan", () => {
  const read = (path: string) => readFileSync(join(dir, path));
  const restrictions = () => ({ fileName: "trust_restrictions.yml", text: readFileSync(join(dir, "trust_restrictions.yml"), "utf8") });

  /** node-2 (server, today's certificate) and node-1 (client, its new-CA certificate), each with its CA bundle of the step. */
  async function handshake(serverCa: Buffer, clientCa: Buffer): Promise<{ server: string; client: string }> {
    const serverChecker = createPeerChecker({ caCertificates: serverCa, restrictions: restrictions() });
    const clientChecker = createPeerChecker({ caCertificates: clientCa, restrictions: restrictions() });
    let serverVerdict: string = "no connection";
    const server = createServer(
      { key: read("certs/node-2/node-2.key"), cert: read("certs/node-2/node-2.crt"), ca: serverCa, requestCert: true, rejectUnauthorized: true },
      (socket) => {
        const decision = serverChecker.checkTlsSocket(socket);
        serverVerdict = decision.trusted ? "trusted" : (decision.message ?? "refused");
        if (decision.trusted) socket.end("hello from node-2");
        else socket.end();
      },
    );
    server.on("tlsClientError", (error) => (serverVerdict = `handshake refused: ${error.message}`));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const client = await new Promise<string>((resolve) => {
        // TLS 1.3: the client finishes its handshake before the server has checked the client's
        // certificate, so the verdict is known only when the connection closes (cleanly or with an alert).
        let verdict = "no handshake";
        const socket: TLSSocket = tlsConnect(
          {
            host: "127.0.0.1",
            port: (server.address() as AddressInfo).port,
            key: read("plan/phase-2-new-certificates/node-1/node-1.key"),
            cert: read("plan/phase-2-new-certificates/node-1/node-1.crt"),
            ca: clientCa,
            // Transport TLS with verification_mode: certificate — no host name check; the chain is checked.
            checkServerIdentity: () => undefined,
          },
          () => {
            const decision = clientChecker.checkTlsSocket(socket);
            verdict = decision.trusted ? "trusted" : (decision.message ?? "refused");
          },
        );
        socket.on("error", (error) => (verdict = `connection failed: ${error.message}`));
        socket.on("data", (chunk: Buffer) => (verdict += ` + ${chunk.toString()}`));
        socket.on("end", () => socket.destroy());
        socket.on("close", () => resolve(verdict));
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { server: serverVerdict, client };
    } finally {
      server.close();
    }
  }

  it("phase 2 step 1 (node-1 new certificate, node-2 old, both trusting old + new CA): a mutual handshake, trusted both ways", async () => {
    const bundle = read("plan/phase-2-new-certificates/ca-bundle.crt");
    expect(await handshake(bundle, bundle)).toEqual({ server: "trusted", client: "trusted + hello from node-2" });
  });

  it("the same step without phase 1 (node-2 trusting CA1 only), which check marks broken: the handshake fails", async () => {
    const json = JSON.parse((await cli(["rotate", "check", "skip-phase-1.json", "--json"])).stdout);
    expect(json.breaks).toContainEqual(expect.objectContaining({ phase: 2, step: 1, from: "node-2", to: "node-1" }));
    const result = await handshake(read("ca1/ca/ca.crt"), read("plan/phase-2-new-certificates/ca-bundle.crt"));
    expect(result.server).toMatch(/handshake refused/);
    // TLS 1.3: the client's side of the handshake completed, but node-2 refused it: no data ever flows.
    expect(result.client).not.toContain("hello from node-2");
    // Our own validation agrees with OpenSSL's: node-2's checker refuses node-1's new certificate.
    const checker = createPeerChecker({ caCertificates: read("ca1/ca/ca.crt"), restrictions: restrictions() });
    const der = new Uint8Array(Buffer.from(read("plan/phase-2-new-certificates/node-1/node-1.crt").toString("latin1").replace(/-----[^-]+-----|\s/g, ""), "base64"));
    expect(checker.check([der]).trusted).toBe(false);
  });
});
