import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:tls";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { makeTestCa, type TestLeaf } from "../helpers/test-pki.js";
import { makeCa, makeServerCertificate } from "../ece/certs.js";
import { FakeEce, sampleDeployment } from "../ece/server.js";

/**
 * The acceptance fleet: prod-eu (self-managed, its own CA, files and one live node) and two ECE
 * deployments sharing the ECE installation's CA, served by the spec-checked fake ECE. Both
 * deployments trust prod-eu (a direct trust entry with its CA and node names) and each other
 * (the default account trust); prod-eu trusts the ECE CA but its trust_restrictions name only
 * deployment A — so prod-eu ↔ A and A ↔ B are connectable, and B → prod-eu is one-way.
 */
const A = "aaaa1111aaaa1111";
const B = "bbbb2222bbbb2222";
const API_KEY = "bWVzaC10ZXN0OnNlY3JldA==";
const EU_NAMES = ["es-eu-1.node.prod-eu.cluster.s1.account", "es-eu-2.node.prod-eu.cluster.s1.account"];

let dir: string;
let ece: FakeEce;
let node: Server;
let env: Record<string, string>;
let euCaPem: string;

function restrictions(patterns: readonly string[]): string {
  return `trust.subject_name:\n${patterns.map((p) => `  - "${p}"`).join("\n")}\n`;
}

function directTrust(names: readonly string[]): unknown {
  return {
    accounts: [{ account_id: "ece-account", name: "Default trust with own account", trust_all: true }],
    external: [],
    direct: [{ name: "prod-eu", type: "generic", trust_all: false, additional_node_names: names, certificates: [{ pem: euCaPem }] }],
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "othername-mesh-"));
  const euCa = await makeTestCa("prod-eu CA");
  euCaPem = euCa.pem;
  const eceCa = await makeCa("CN=ECE installation CA");
  const leaves: TestLeaf[] = [];
  for (const name of EU_NAMES) leaves.push(await euCa.issue({ cn: name.split(".")[0] as string, otherNames: [name] }));
  mkdirSync(join(dir, "eu/es-eu-1"), { recursive: true });
  mkdirSync(join(dir, "ca"));
  writeFileSync(join(dir, "ca/ca.crt"), euCa.pem);
  writeFileSync(join(dir, "ca/ece-ca.crt"), eceCa.pem);
  writeFileSync(join(dir, "eu/es-eu-1/es-eu-1.crt"), (leaves[0] as TestLeaf).certPem);
  writeFileSync(join(dir, "eu/es-eu-1/es-eu-1.key"), (leaves[0] as TestLeaf).keyPem);
  writeFileSync(join(dir, "eu.yml"), restrictions(["*.node.prod-eu.cluster.s1.account", `*.node.${A}.cluster.ece-region.account`]));
  // es-eu-2 is a live node (TLS on 127.0.0.1), reached through HOST:PORT in the fleet file.
  node = createServer({ cert: (leaves[1] as TestLeaf).certPem, key: (leaves[1] as TestLeaf).keyPem }, (socket) => socket.end());
  await new Promise<void>((resolve) => node.listen(0, "127.0.0.1", resolve));

  const apiCa = await makeCa("CN=ECE API CA");
  const tls = await makeServerCertificate(apiCa);
  ece = await FakeEce.start({ key: tls.keyPem, cert: tls.pem, apiKey: API_KEY });
  for (const id of [A, B]) ece.deployments.set(id, sampleDeployment(id, { caPem: eceCa.pem, trust: directTrust(EU_NAMES) }));
  writeFileSync(join(dir, "api-ca.pem"), apiCa.pem);
  env = { ECE_URL: ece.url, ECE_API_KEY: API_KEY };
  writeFleet(["prod-eu <-> ece-a", "ece-a <-> ece-b"]);
}, 60_000);

afterAll(async () => {
  node?.close();
  await ece?.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeFleet(expect: readonly string[], file = "fleet.yml"): void {
  const port = (node.address() as AddressInfo).port;
  writeFileSync(
    join(dir, file),
    [
      "clusters:",
      "  - name: prod-eu",
      "    ca: [ca/ca.crt, ca/ece-ca.crt]",
      "    restrictions: eu.yml",
      "    fields: subjectAltName.otherName.commonName",
      `    nodes: [eu/, "127.0.0.1:${port}"]`,
      "  - name: ece-a",
      `    ece: { deployment: ${A} }`,
      "  - name: ece-b",
      `    ece: { deployment: ${B} }`,
      "expect:",
      ...expect.map((e) => `  - ${e}`),
      "",
    ].join("\n"),
  );
}

interface Pair {
  from: string;
  to: string;
  accepted: boolean;
  reason: string | null;
  node: string | null;
}
interface MeshJson {
  clusters: string[];
  pairs: Pair[];
  connectable: [string, string][];
  expectations: { expect: string; holds: boolean }[];
  problems: unknown[];
}

async function mesh(extra: readonly string[] = []): Promise<{ code: number; json: MeshJson; stderr: string }> {
  const run = await runCli(["mesh", "fleet.yml", "--api-ca", "api-ca.pem", "--json", ...extra], { cwd: dir, env });
  expect(run.stdout, run.stderr).not.toBe("");
  return { code: run.code, json: JSON.parse(run.stdout) as MeshJson, stderr: run.stderr };
}

function accepted(json: MeshJson): Record<string, boolean> {
  return Object.fromEntries(json.pairs.map((p) => [`${p.from} -> ${p.to}`, p.accepted]));
}

describe("othername mesh", () => {
  it("gives the expected matrix for the acceptance fleet", async () => {
    const { code, json, stderr } = await mesh();
    expect(json.problems, stderr).toEqual([]);
    expect(json.clusters).toEqual(["prod-eu", "ece-a", "ece-b"]);
    expect(accepted(json)).toEqual({
      "prod-eu -> prod-eu": true,
      "prod-eu -> ece-a": true,
      "prod-eu -> ece-b": false,
      "ece-a -> prod-eu": true,
      "ece-a -> ece-a": true,
      "ece-a -> ece-b": true,
      "ece-b -> prod-eu": true,
      "ece-b -> ece-a": true,
      "ece-b -> ece-b": true,
    });
    expect(json.connectable).toEqual([
      ["prod-eu", "ece-a"],
      ["ece-a", "ece-b"],
    ]);
    const refused = json.pairs.find((p) => p.from === "prod-eu" && p.to === "ece-b") as Pair;
    expect(refused.reason).toBe(
      `Certificate for (nodes of ECE deployment ${B}) with fields [subjectAltName.otherName.commonName] with values [instance-0000000000.node.${B}.cluster.ece-region.account] does not match the trusted names [*.node.prod-eu.cluster.s1.account, *.node.${A}.cluster.ece-region.account]`,
    );
    expect(refused.node).toContain(B);
    expect(json.expectations).toEqual([
      { expect: "prod-eu <-> ece-a", holds: true, reason: null },
      { expect: "ece-a <-> ece-b", holds: true, reason: null },
    ]);
    expect(code).toBe(0);
  });

  it("checks the live node too: a node outside the direct trust's names is refused by name", async () => {
    // ECE A's direct trust names only es-eu-1 now: es-eu-2 (the live node) is refused.
    const stored = ece.deployments.get(A)!;
    const before = JSON.stringify(stored.elasticsearch[0]!.info.settings);
    (stored.elasticsearch[0]!.info.settings as Record<string, unknown>)["trust"] = directTrust([EU_NAMES[0]!]);
    try {
      const { json } = await mesh();
      const pair = json.pairs.find((p) => p.from === "ece-a" && p.to === "prod-eu") as Pair;
      expect(pair.accepted).toBe(false);
      expect(pair.node).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(pair.reason).toContain("values [es-eu-2.node.prod-eu.cluster.s1.account]");
      // Exactly that pair flipped.
      const flipped = json.pairs.filter((p) => !p.accepted).map((p) => `${p.from} -> ${p.to}`);
      expect(flipped.sort()).toEqual(["ece-a -> prod-eu", "prod-eu -> ece-b"]);
    } finally {
      (stored.elasticsearch[0]!.info as { settings: unknown }).settings = JSON.parse(before);
    }
  });

  it("changing one restriction flips exactly the pairs it should", async () => {
    const baseline = accepted((await mesh()).json);
    writeFileSync(join(dir, "eu.yml"), restrictions(["*.node.prod-eu.cluster.s1.account", `*.node.${A}.cluster.ece-region.account`, `*.node.${B}.cluster.ece-region.account`]));
    try {
      const { json } = await mesh();
      const after = accepted(json);
      const changed = Object.keys(after).filter((k) => after[k] !== baseline[k]);
      expect(changed).toEqual(["prod-eu -> ece-b"]);
      expect(after["prod-eu -> ece-b"]).toBe(true);
      expect(json.connectable).toContainEqual(["prod-eu", "ece-b"]);
      // Dropping prod-eu's own pattern: its own nodes are restricted too, so only the diagonal and nothing else flips.
      writeFileSync(join(dir, "eu.yml"), restrictions([`*.node.${A}.cluster.ece-region.account`]));
      const own = accepted((await mesh()).json);
      expect(Object.keys(own).filter((k) => own[k] !== baseline[k])).toEqual(["prod-eu -> prod-eu"]);
    } finally {
      writeFileSync(join(dir, "eu.yml"), restrictions(["*.node.prod-eu.cluster.s1.account", `*.node.${A}.cluster.ece-region.account`]));
    }
  });

  it("exits 1 when an expected pair does not hold, naming the pair and the reason", async () => {
    writeFleet(["prod-eu <-> ece-a", "ece-b -> prod-eu", "prod-eu <-> ece-b"], "fleet.yml");
    try {
      const { code, json } = await mesh();
      expect(code).toBe(1);
      expect(json.expectations.map((x) => [x.expect, x.holds])).toEqual([
        ["prod-eu <-> ece-a", true],
        ["ece-b -> prod-eu", true],
        ["prod-eu <-> ece-b", false],
      ]);
      const text = await runCli(["mesh", "fleet.yml", "--api-ca", "api-ca.pem"], { cwd: dir, env });
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/^prod-eu\s+yes \(own\)\s+yes <->\s+no$/m);
      expect(text.stdout).toMatch(/^ece-b\s+yes ->\s+yes <->\s+yes \(own\)$/m);
      expect(text.stdout).toContain("expect prod-eu <-> ece-b: DOES NOT HOLD: prod-eu does not accept ece-b");
    } finally {
      writeFleet(["prod-eu <-> ece-a", "ece-a <-> ece-b"]);
    }
  });

  it("decides at --at: after the ECE CA expires nobody accepts the ECE nodes", async () => {
    const { json } = await mesh(["--at", new Date(Date.now() + 60 * 86_400_000).toISOString()]);
    expect(json.pairs.filter((p) => p.to.startsWith("ece-")).every((p) => !p.accepted)).toBe(true);
    expect(json.pairs.find((p) => p.from === "prod-eu" && p.to === "ece-a")?.reason).toMatch(/^Certificate chain for .* is not trusted: EXPIRED/);
  });

  it("lints the fleet file: unknown keys, missing files, bad expectations, with positions (exit 3)", async () => {
    writeFileSync(
      join(dir, "bad.yml"),
      ["clusters:", "  - name: one", "    ca: [missing.crt]", "    nodes: [eu/]", "    colour: blue", "  - name: two", "    nodes: [eu/]", "expect:", "  - one => two", "  - one -> three", ""].join("\n"),
    );
    const run = await runCli(["mesh", "bad.yml"], { cwd: dir, env });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('bad.yml:5:5: error unknown-key: unknown key "colour"');
    expect(run.stderr).toContain("bad.yml:6:11: error missing-ca:");
    expect(run.stderr).toContain("bad.yml:9:5: error invalid-expectation:");
    expect(run.stderr).toContain('bad.yml:10:5: error unknown-cluster: "three"');
    writeFileSync(join(dir, "missing.yml"), ["clusters:", "  - name: one", "    ca: [missing.crt]", "    restrictions: nope.yml", "    nodes: [eu/]", ""].join("\n"));
    const missing = await runCli(["mesh", "missing.yml"], { cwd: dir, env });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("missing.yml:3:10: error missing-file: no such file or directory: missing.crt");
    expect(missing.stderr).toContain("missing.yml:4:19: error missing-file: no such file or directory: nope.yml");
  });
});

describe("othername lint on a fleet file", () => {
  it("reports the fleet file's problems and missing files with positions, like the other YAML files", async () => {
    writeFileSync(join(dir, "lint-fleet.yml"), ["clusters:", "  - name: one", "    ca: [missing.crt]", "    nodes: [eu/]", "    colour: blue", ""].join("\n"));
    const run = await runCli(["lint", "lint-fleet.yml"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('lint-fleet.yml:5:5: error unknown-key: unknown key "colour"');
    writeFileSync(join(dir, "lint-fleet.yml"), ["clusters:", "  - name: one", "    ca: [missing.crt]", "    nodes: [eu/]", ""].join("\n"));
    const missing = await runCli(["lint", "lint-fleet.yml", "--format", "json"], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toEqual({
      files: [{ path: "lint-fleet.yml", findings: [{ rule: "missing-file", severity: "error", line: 3, column: 10, message: "no such file or directory: missing.crt (at clusters[0].ca[0])", fix: null }] }],
    });
    expect((await runCli(["lint", "fleet.yml"], { cwd: dir })).code).toBe(0);
  });
});
