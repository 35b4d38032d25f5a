import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli, type CliRunOptions } from "../helpers/cli.js";
import { makeLeaf } from "./certs.js";
import { NODE_NAME, startEceFixture, type EceFixture } from "./fixture.js";

let fx: EceFixture;
let dir: string;

beforeAll(async () => {
  fx = await startEceFixture();
  dir = mkdtempSync(join(tmpdir(), "othername-ece-cli-"));
  writeFileSync(join(dir, "api-ca.pem"), fx.apiCa.pem);
  writeFileSync(join(dir, "stranger-ca.pem"), fx.strangerCa.pem);
  writeFileSync(join(dir, "cluster-ca.crt"), fx.clusterCa.pem);
  writeFileSync(join(dir, "node1.crt"), fx.nodePem);
  // A PEM bundle as `othername cert --pem` writes it: <name>/<name>.crt and .key, plus the CA.
  const node2 = await makeLeaf(fx.clusterCa, { subject: "CN=node2", otherNameCommonName: ["node2.node.abc123.cluster.s1.account"] });
  const files: Record<string, string> = {
    "ca/ca.crt": fx.clusterCa.pem,
    "node1/node1.crt": fx.nodePem,
    "node1/node1.key": fx.nodeKeyPem,
    "node2/node2.crt": node2.pem,
    "node2/node2.key": node2.keyPem,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, "bundle", path, ".."), { recursive: true });
    writeFileSync(join(dir, "bundle", path), text);
  }
  // A PKCS#12 bundle (the default of `othername cert`), made by openssl.
  mkdirSync(join(dir, "bundle-p12", "node1"), { recursive: true });
  writeFileSync(join(dir, "bundle.pass"), "bundle-secret\n");
  execFileSync("openssl", ["pkcs12", "-export", "-in", join(dir, "bundle", "node1", "node1.crt"), "-inkey", join(dir, "bundle", "node1", "node1.key"), "-name", "node1", "-passout", "pass:bundle-secret", "-out", join(dir, "bundle-p12", "node1", "node1.p12")]);
  writeFileSync(join(dir, "bundle.zip"), zipSync(Object.fromEntries(Object.entries(files).map(([p, t]) => [p, new TextEncoder().encode(t)]))));
});

afterAll(async () => {
  await fx.server.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => fx.reset());

function ece(argv: string[], options: CliRunOptions = {}) {
  return runCli(["ece", ...argv, "--api-ca", "api-ca.pem"], {
    cwd: dir,
    env: { ECE_URL: fx.server.url, ECE_API_KEY: fx.apiKey, ...(options.env ?? {}) },
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    ...(options.stdinIsTTY === undefined ? {} : { stdinIsTTY: options.stdinIsTTY }),
  });
}

const ADD = ["trust", "add", "--deployment", "d1", "--name", "onprem", "--ca", "cluster-ca.crt", "--node-name", NODE_NAME];

type StoredTrust = { accounts: unknown[]; external: unknown[]; direct: { name: string; additional_node_names?: string[] }[] };
const stored = (): StoredTrust => fx.server.trustOf("d1") as StoredTrust;

describe("othername ece trust", () => {
  it("show --json prints the deployment's trust", async () => {
    const run = await ece(["trust", "show", "--deployment", "d1", "--json"]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { version: string; refId: string; trust: StoredTrust };
    expect(out.version).toBe("7");
    expect(out.refId).toBe("main-elasticsearch");
    expect(out.trust).toEqual(stored());
  });

  it("show prints a readable summary", async () => {
    const run = await ece(["trust", "show", "--deployment", "d1"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("accounts (2):");
    expect(run.stdout).toContain('"legacy-direct" [uid 0b6e0f4e-existing]');
    expect(run.stdout).toContain("CN=Existing Direct CA");
  });

  it("add --yes shows the diff, keeps every other entry byte-for-byte, and is idempotent", async () => {
    const before = structuredClone(stored());
    const first = await ece([...ADD, "--yes"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('+ direct trust "onprem" (added)');
    expect(first.stdout).toContain("entries kept unchanged: 2 account, 1 external, 2 direct");
    const after = stored();
    expect(after.accounts).toEqual(before.accounts);
    expect(after.external).toEqual(before.external);
    expect(after.direct.slice(0, 2)).toEqual(before.direct);
    expect(after.direct[2]).toMatchObject({ name: "onprem", additional_node_names: [NODE_NAME], trust_all: false });

    const second = await ece([...ADD, "--yes"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/no change/);
    expect(stored().direct.filter((d) => d.name === "onprem")).toHaveLength(1);
    expect(fx.server.putRequests()).toHaveLength(1);
  });

  it("add --json keeps stdout to one JSON document", async () => {
    const run = await ece([...ADD, "--yes", "--json"]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { change: string; outcome: string; entry: { name: string; certificates: unknown[] } };
    expect(out).toMatchObject({ change: "added", outcome: "applied", entry: { name: "onprem" } });
    expect(run.stderr).toContain('+ direct trust "onprem"');
  });

  it("--dry-run validates on the server and changes nothing", async () => {
    const before = structuredClone(fx.server.deployments.get("d1"));
    const run = await ece([...ADD, "--dry-run"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('+ direct trust "onprem" (added)');
    expect(run.stdout).toMatch(/dry run: ECE validated/);
    expect(fx.server.putRequests().map((r) => r.query["validate_only"])).toEqual(["true"]);
    expect(fx.server.deployments.get("d1")).toEqual(before);
  });

  it("without --yes refuses when stdin is not a terminal, after showing the diff", async () => {
    const run = await ece(ADD);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('+ direct trust "onprem" (added)');
    expect(run.stderr).toMatch(/stdin is not a terminal/);
    expect(run.stderr).toMatch(/--yes/);
    expect(fx.server.putRequests()).toHaveLength(0);
  });

  it("asks on a terminal: yes applies, anything else does not", async () => {
    const no = await ece(ADD, { stdin: "n\n", stdinIsTTY: true });
    expect(no.code).toBe(1);
    expect(no.stderr).toContain("Apply this change to deployment d1? [y/N]");
    expect(fx.server.putRequests()).toHaveLength(0);
    const yes = await ece(ADD, { stdin: "yes\n", stdinIsTTY: true });
    expect(yes.code).toBe(0);
    expect(stored().direct.map((d) => d.name)).toContain("onprem");
  });

  it("after a version conflict shows the re-merged change and asks again (the first yes does not cover it)", async () => {
    fx.server.concurrentChanges.push((deployment) => {
      const trust = deployment.elasticsearch[0]?.info.settings?.["trust"] as StoredTrust;
      trust.accounts.push({ account_id: "acc-new", trust_all: true });
    });
    // One "y" on the terminal, then end of input: the second question is answered no.
    const run = await ece(ADD, { stdin: "y\n", stdinIsTTY: true });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr.match(/Apply this change to deployment d1\? \[y\/N\]/g)).toHaveLength(2);
    expect(run.stderr).toMatch(/changed meanwhile/);
    expect(run.stdout.match(/\+ direct trust "onprem" \(added\)/g)).toHaveLength(2);
    expect(run.stdout).toContain("not applied");
    expect(fx.server.putRequests().map((r) => r.status)).toEqual([409]);
    expect(stored().direct.map((d) => d.name)).not.toContain("onprem");
  });

  it("remove removes only its entry", async () => {
    const before = structuredClone(stored());
    const run = await ece(["trust", "remove", "--deployment", "d1", "--name", "legacy-direct", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('- direct trust "legacy-direct" (removed)');
    expect(stored()).toEqual({ ...before, direct: [before.direct[1]] });
  });

  it("remove of an absent name changes nothing and says so", async () => {
    const run = await ece(["trust", "remove", "--deployment", "d1", "--name", "ghost", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/no direct trust "ghost"/);
    expect(fx.server.putRequests()).toHaveLength(0);
  });

  it("--from-bundle takes the otherName values of every certificate (directory and zip)", async () => {
    for (const bundle of ["bundle", "bundle.zip"]) {
      fx.reset();
      const run = await ece(["trust", "add", "--deployment", "d1", "--name", "onprem", "--ca", "cluster-ca.crt", "--from-bundle", bundle, "--yes"]);
      expect(run.code, run.stderr).toBe(0);
      const entry = stored().direct.find((d) => d.name === "onprem");
      expect(entry?.additional_node_names).toEqual([NODE_NAME, "node2.node.abc123.cluster.s1.account"]);
    }
  });

  it("--from-bundle with PKCS#12 files needs the bundle's password", async () => {
    const base = ["trust", "add", "--deployment", "d1", "--name", "onprem", "--ca", "cluster-ca.crt", "--from-bundle", "bundle-p12", "--yes"];
    const without = await ece(base);
    expect(without.code).toBe(3);
    expect(without.stderr).toMatch(/node1\/node1.p12/);
    expect(without.stderr).toMatch(/--pass-file/);
    expect(fx.server.requests).toHaveLength(0);
    const withPass = await ece([...base, "--pass-file", "bundle.pass"]);
    expect(withPass.code, withPass.stderr).toBe(0);
    expect(stored().direct.find((d) => d.name === "onprem")?.additional_node_names).toEqual([NODE_NAME]);
  });

  it("--from-bundle refuses a damaged zip with exit 3", async () => {
    writeFileSync(join(dir, "broken.zip"), "PK\u0003\u0004 this is not really a zip");
    const run = await ece(["trust", "add", "--deployment", "d1", "--name", "onprem", "--ca", "cluster-ca.crt", "--from-bundle", "broken.zip", "--yes"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/broken\.zip/);
    expect(fx.server.requests).toHaveLength(0);
  });

  it("--scope with --trust-all or --cluster builds a scoped entry", async () => {
    const run = await ece(["trust", "add", "--deployment", "d1", "--name", "scoped2", "--ca", "cluster-ca.crt", "--scope", "s1", "--cluster", "abc123", "--yes"]);
    expect(run.code, run.stderr).toBe(0);
    expect(stored().direct.find((d) => d.name === "scoped2")).toMatchObject({ scope_id: "s1", trust_allowlist: ["abc123"], trust_all: false });
  });

  it("refuses invalid entries before contacting ECE", async () => {
    const wildcard = await ece(["trust", "add", "--deployment", "d1", "--name", "w", "--ca", "cluster-ca.crt", "--node-name", "*.node.x.cluster.s1.account", "--yes"]);
    expect(wildcard.code).toBe(3);
    expect(wildcard.stderr).toMatch(/no wildcards/);
    const leaf = await ece(["trust", "add", "--deployment", "d1", "--name", "l", "--ca", "node1.crt", "--node-name", NODE_NAME, "--yes"]);
    expect(leaf.code).toBe(3);
    expect(leaf.stderr).toMatch(/not a CA certificate/);
    const missing = await ece(["trust", "add", "--deployment", "d1", "--name", "m", "--ca", "nowhere.crt", "--node-name", NODE_NAME, "--yes"]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/cannot read --ca file nowhere\.crt: no such file/);
    expect(fx.server.requests).toHaveLength(0);
  });

  it("usage errors: flags of another subcommand, missing deployment, --scope alone", async () => {
    expect((await ece(["trust", "show", "--deployment", "d1", "--name", "x"])).code).toBe(2);
    expect((await ece(["trust", "show"])).code).toBe(2);
    expect((await ece(["trust", "add", "--deployment", "d1", "--name", "x", "--ca", "cluster-ca.crt", "--scope", "s1"])).code).toBe(2);
    expect((await ece(["trust", "add", "--deployment", "d1", "--name", "x", "--ca", "cluster-ca.crt", "--scope", "s1", "--trust-all", "--cluster", "c"])).code).toBe(2);
    expect(fx.server.requests).toHaveLength(0);
  });

  it("retries injected 503s and merges a concurrent change", async () => {
    fx.server.faults.push({ status: 503, times: 1, method: "GET" }, { status: 503, times: 1, method: "PUT" });
    fx.server.concurrentChanges.push((deployment) => {
      const trust = deployment.elasticsearch[0]?.info.settings?.["trust"] as StoredTrust;
      trust.accounts.push({ account_id: "acc-new", trust_all: true });
    });
    const run = await ece([...ADD, "--yes"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/changed meanwhile/);
    expect(stored().accounts).toHaveLength(3);
    expect(stored().direct.map((d) => d.name)).toEqual(["legacy-direct", "scoped", "onprem"]);
  });

  it("wrong API key: exit 4 naming authentication, key never shown", async () => {
    fx.server.echoAuthorization = true;
    const wrong = "bm90LXRoZS1yaWdodC1rZXktYXQtYWxs";
    const run = await ece(["trust", "show", "--deployment", "d1"], { env: { ECE_API_KEY: wrong } });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/authentication failed/);
    expect(run.stdout + run.stderr).not.toContain(wrong);
  });

  it("--debug logs every request without the credentials", async () => {
    const run = await ece(["trust", "show", "--deployment", "d1", "--debug", "--user", "admin"], { env: { ECE_API_KEY: "", ECE_PASSWORD: "pa55-w0rd!" } });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/ece: GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/deployments\/d1\?show_settings=true.* -> 200/);
    expect(run.stderr).not.toContain("pa55-w0rd!");
    expect(run.stderr).not.toContain(Buffer.from("admin:pa55-w0rd!").toString("base64"));
  });

  it("API certificate not signed by --api-ca: exit 4 naming the certificate problem, no fallback", async () => {
    const run = await runCli(["ece", "trust", "show", "--deployment", "d1", "--api-ca", "stranger-ca.pem"], {
      cwd: dir,
      env: { ECE_URL: fx.server.url, ECE_API_KEY: fx.apiKey },
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/the API's certificate is not trusted/);
    expect(run.stderr).toMatch(/--api-ca/);
    expect(fx.server.requests).toHaveLength(0);
  });

  it("--insecure works but warns loudly", async () => {
    const run = await runCli(["ece", "trust", "show", "--deployment", "d1", "--insecure"], { cwd: dir, env: { ECE_URL: fx.server.url, ECE_API_KEY: fx.apiKey } });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: --insecure: TLS certificate verification .* is OFF/);
  });

  it("missing credentials or URL is a usage error", async () => {
    const noKey = await runCli(["ece", "trust", "show", "--deployment", "d1"], { cwd: dir, env: { ECE_URL: fx.server.url } });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/ECE_API_KEY/);
    const noUrl = await runCli(["ece", "trust", "show", "--deployment", "d1"], { cwd: dir, env: { ECE_API_KEY: "k" } });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/--url/);
  });

  it("--user with ECE_PASSWORD uses Basic auth", async () => {
    const run = await ece(["trust", "show", "--deployment", "d1", "--user", "admin"], { env: { ECE_API_KEY: "", ECE_PASSWORD: "pa55-w0rd!" } });
    expect(run.code, run.stderr).toBe(0);
    expect(fx.server.requests[0]?.authorization).toMatch(/^Basic /);
  });

  it("--help lists the forms and examples", async () => {
    const run = await runCli(["ece", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("ece trust add");
    expect(run.stdout).toContain("Examples:");
  });
});

describe("othername ece ca", () => {
  it("writes the CA and a quoted trust_restrictions.yml, and prints the elasticsearch.yml lines", async () => {
    const out = join(dir, "ca-out");
    const run = await ece(["ca", "--deployment", "d1", "--out", "ca-out", "--also-trust", "*.node.abc123.cluster.s1.account"]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(out, "ece-ca.crt"), "utf8")).toContain("-----BEGIN CERTIFICATE-----");
    const yamlText = readFileSync(join(out, "trust_restrictions.yml"), "utf8");
    expect(parseYaml(yamlText)).toEqual({ "trust.subject_name": ["*.node.d1.cluster.ece-region.account", "*.node.abc123.cluster.s1.account"] });
    expect(run.stdout).toContain("xpack.security.transport.ssl.certificate_authorities");
    expect(run.stdout).toContain("xpack.security.transport.ssl.trust_restrictions.path: trust_restrictions.yml");

    const json = await ece(["ca", "--deployment", "d1", "--out", "ca-json", "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ deployment: "d1", trustRestrictions: ["*.node.d1.cluster.ece-region.account"], certificates: [{ subject: "CN=Deployment d1 CA", active: true }] });

    const again = await ece(["ca", "--deployment", "d1", "--out", "ca-out"]);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/refusing to overwrite/);
    const forced = await ece(["ca", "--deployment", "d1", "--out", "ca-out", "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/own nodes too/);
    expect(existsSync(join(out, "trust_restrictions.yml"))).toBe(true);
  });

  it("refuses an existing output before asking the server, and a failing request leaves no directory", async () => {
    mkdirSync(join(dir, "ca-taken"));
    writeFileSync(join(dir, "ca-taken", "ece-ca.crt"), "mine\n");
    const taken = await ece(["ca", "--deployment", "d1", "--out", "ca-taken"]);
    expect(taken.code, taken.stderr).toBe(3);
    expect(taken.stderr).toMatch(/refusing to overwrite/);
    expect(fx.server.requests).toHaveLength(0);
    expect(readFileSync(join(dir, "ca-taken", "ece-ca.crt"), "utf8")).toBe("mine\n");

    const missing = await ece(["ca", "--deployment", "no-such-deployment", "--out", "ca-none"]);
    expect(missing.code).toBe(4);
    expect(existsSync(join(dir, "ca-none"))).toBe(false);
    expect(readdirSync(dir).filter((name) => name.startsWith(".othername-stage-"))).toEqual([]);
  });
});
