import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { INSTANCES, openssl, tempDir, write } from "./helpers.js";

/**
 * `othername renew` end to end, with bundles made by the CLI itself (`ca --no-password`, `cert`):
 * the result verifies against the CA, and every name is byte-for-byte the old one, compared on
 * openssl's own rendering of the SubjectAltName extension and the subject.
 */
const { dir, cleanup } = tempDir("renew");
afterAll(cleanup);
const env = { P12_PASS: "s3cret", NEW_PASS: "other" };

async function cli(args: readonly string[]) {
  return runCli(args, { cwd: dir, env });
}

function files(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(d, entry.name));
      else out.push(relative(root, join(d, entry.name)).split("\\").join("/"));
    }
  };
  walk(root);
  return out.sort();
}

function x509(file: string, args: readonly string[], inform: "PEM" | "DER" = "PEM"): string {
  const r = openssl(["x509", "-in", file, "-inform", inform, "-noout", ...args], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** The node certificate of a .p12, as PEM in a file beside it. */
function p12Leaf(p12: string, password: string): string {
  const out = `${p12}.leaf.pem`;
  const r = openssl(["pkcs12", "-in", p12, "-passin", `pass:${password}`, "-nokeys", "-clcerts", "-out", out], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return out;
}

/** What must not change, and what must: names and subject, key, validity, issuer. */
function compare(oldCert: string, newCert: string) {
  const names = (f: string) => x509(f, ["-ext", "subjectAltName", "-subject", "-nameopt", "RFC2253"]);
  const pubkey = (f: string) => x509(f, ["-pubkey"]);
  return { oldNames: names(oldCert), newNames: names(newCert), sameKey: pubkey(oldCert) === pubkey(newCert), newEnd: x509(newCert, ["-enddate"]).trim() };
}

async function verify(cert: string, ca: string, extra: readonly string[] = []): Promise<{ ok: boolean }> {
  const r = await cli(["verify", cert, "--ca", ca, "--json", ...extra]);
  return JSON.parse(r.stdout) as { ok: boolean };
}

beforeAll(async () => {
  write(dir, "instances.yml", INSTANCES);
  for (const [out, cn] of [["ca1", "CA one"], ["ca2", "CA two"]] as const) {
    const r = await cli(["ca", "--pem", "--no-password", "--key", "ec:p256", "--dn", `CN=${cn}`, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
  }
  const ca1 = ["--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key"];
  for (const args of [
    ["--pem", "--out", "pem"],
    ["--pem", "--out", "pem.zip"],
    ["--pass-env", "P12_PASS", "--out", "p12.zip"],
  ]) {
    const r = await cli(["cert", "--in", "instances.yml", ...ca1, "--key", "ec:p256", "--days", "30", ...args]);
    expect(r.code, r.stderr).toBe(0);
  }
});

describe("othername renew", () => {
  it("renews a PEM bundle directory: same layout and names, new key, new validity, verifies against the CA", async () => {
    const r = await cli(["renew", "pem", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--days", "400", "--out", "pem-renewed"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/node1\/node1\.crt\s+CN=node1\s+not after \S+ -> \S+\s+\(new key\)/);
    expect(files(join(dir, "pem-renewed"))).toEqual(files(join(dir, "pem")));
    for (const node of ["node1", "node2"]) {
      const c = compare(`pem/${node}/${node}.crt`, `pem-renewed/${node}/${node}.crt`);
      expect(c.oldNames).toContain(`othername: commonName::${node}.node.abc123.cluster.s1.account`);
      expect(c.newNames).toBe(c.oldNames);
      expect(c.sameKey).toBe(false);
      expect((await verify(`pem-renewed/${node}/${node}.crt`, "ca1/ca/ca.crt")).ok).toBe(true);
      expect(statSync(join(dir, `pem-renewed/${node}/${node}.key`)).mode & 0o777).toBe(0o600);
      // The new key belongs to the new certificate.
      const keyPub = openssl(["pkey", "-in", `pem-renewed/${node}/${node}.key`, "-pubout"], { cwd: dir }).stdout;
      expect(x509(`pem-renewed/${node}/${node}.crt`, ["-pubkey"])).toBe(keyPub);
      expect(readFileSync(join(dir, `pem-renewed/${node}/${node}.key`), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    }
    // 400 days from now, where the old one ended after 30.
    const end = new Date(x509("pem-renewed/node1/node1.crt", ["-enddate"]).trim().replace("notAfter=", ""));
    expect(end.getTime() - Date.now()).toBeGreaterThan(399 * 86_400_000);
    expect(readFileSync(join(dir, "pem-renewed/ca/ca.crt"), "utf8")).toBe(readFileSync(join(dir, "pem/ca/ca.crt"), "utf8"));
  });

  it("keeps each key with --reuse-key, zip in and zip out, and prints the JSON of docs/cli.md", async () => {
    const r = await cli(["renew", "pem.zip", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--days", "90", "--reuse-key", "--out", "pem-reused.zip", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { nodes: { file: string; subject: string; oldNotAfter: string; newNotAfter: string; keyReused: boolean }[] };
    expect(json.nodes.map((n) => [n.file, n.subject, n.keyReused])).toEqual([
      ["node1/node1.crt", "CN=node1", true],
      ["node2/node2.crt", "CN=node2", true],
    ]);
    for (const n of json.nodes) expect(Date.parse(n.newNotAfter) - Date.parse(n.oldNotAfter)).toBeGreaterThan(59 * 86_400_000);
    const before = unzipSync(readFileSync(join(dir, "pem.zip")));
    const after = unzipSync(readFileSync(join(dir, "pem-reused.zip")));
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    mkdirSync(join(dir, "reused"), { recursive: true });
    for (const node of ["node1", "node2"]) {
      writeFileSync(join(dir, `reused/${node}.old.crt`), before[`${node}/${node}.crt`]!);
      writeFileSync(join(dir, `reused/${node}.new.crt`), after[`${node}/${node}.crt`]!);
      const c = compare(`reused/${node}.old.crt`, `reused/${node}.new.crt`);
      expect(c.newNames).toBe(c.oldNames);
      expect(c.sameKey).toBe(true);
      expect(Buffer.from(after[`${node}/${node}.key`]!).equals(Buffer.from(before[`${node}/${node}.key`]!))).toBe(true);
      expect(Buffer.from(after[`${node}/${node}.crt`]!).equals(Buffer.from(before[`${node}/${node}.crt`]!))).toBe(false);
      expect((await verify(`reused/${node}.new.crt`, "ca1/ca/ca.crt")).ok).toBe(true);
    }
  });

  it("renews a PKCS#12 zip bundle into PKCS#12 with the same password, or a new one", async () => {
    const r = await cli(["renew", "p12.zip", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--pass-env", "P12_PASS", "--out-pass-env", "NEW_PASS", "--out", "p12-renewed.zip"]);
    expect(r.code, r.stderr).toBe(0);
    const before = unzipSync(readFileSync(join(dir, "p12.zip")));
    const after = unzipSync(readFileSync(join(dir, "p12-renewed.zip")));
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(Object.keys(after).sort()).toEqual(["node1/node1.p12", "node2/node2.p12"]);
    mkdirSync(join(dir, "p12"), { recursive: true });
    for (const node of ["node1", "node2"]) {
      writeFileSync(join(dir, `p12/${node}.old.p12`), before[`${node}/${node}.p12`]!);
      writeFileSync(join(dir, `p12/${node}.new.p12`), after[`${node}/${node}.p12`]!);
      const c = compare(p12Leaf(`p12/${node}.old.p12`, "s3cret"), p12Leaf(`p12/${node}.new.p12`, "other"));
      expect(c.newNames).toBe(c.oldNames);
      expect(c.sameKey).toBe(false);
      expect((await verify(`p12/${node}.new.p12`, "ca1/ca/ca.crt", ["--pass-env", "NEW_PASS"])).ok).toBe(true);
      // certutil's keystore: the key entry named after the node, the CA as trusted entry "ca".
      const inspect = JSON.parse((await cli(["inspect", `p12/${node}.new.p12`, "--pass-env", "NEW_PASS", "--json"])).stdout) as {
        files: { certificates: { subject: string; friendlyName?: string }[] }[];
      };
      expect(inspect.files[0]!.certificates.map((c) => [c.subject, c.friendlyName])).toEqual([
        [`CN=${node}`, node],
        ["CN=CA one", "ca"],
      ]);
    }
  });

  it("renews one .p12 given alone into --out NAME.p12", async () => {
    const bundle = unzipSync(readFileSync(join(dir, "p12.zip")));
    writeFileSync(join(dir, "single.p12"), bundle["node2/node2.p12"]!);
    const r = await cli(["renew", "single.p12", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--pass-env", "P12_PASS", "--reuse-key", "--out", "single-renewed.p12"]);
    expect(r.code, r.stderr).toBe(0);
    const c = compare(p12Leaf("single.p12", "s3cret"), p12Leaf("single-renewed.p12", "s3cret"));
    expect(c.newNames).toBe(c.oldNames);
    expect(c.sameKey).toBe(true);
    expect(statSync(join(dir, "single-renewed.p12")).mode & 0o777).toBe(0o600);
  });

  it("renews a PEM pair given as files (its .key found beside it) into a directory of those names", async () => {
    const r = await cli(["renew", "pem/node2/node2.crt", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--days", "60", "--out", "pair"]);
    expect(r.code, r.stderr).toBe(0);
    expect(files(join(dir, "pair"))).toEqual(["node2.crt", "node2.key"]);
    const c = compare("pem/node2/node2.crt", "pair/node2.crt");
    expect(c.newNames).toBe(c.oldNames);
    expect(c.sameKey).toBe(false);
    const keyPub = openssl(["pkey", "-in", "pair/node2.key", "-pubout"], { cwd: dir }).stdout;
    expect(x509("pair/node2.crt", ["-pubkey"])).toBe(keyPub);
  });

  it("keeps an openssl keystore's chain: the renewed key entry is followed by the signing CA", async () => {
    const made = openssl(["pkcs12", "-export", "-in", "pem/node1/node1.crt", "-inkey", "pem/node1/node1.key", "-certfile", "ca1/ca/ca.crt", "-name", "n1", "-passout", "pass:s3cret", "-out", "chain.p12"], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    const r = await cli(["renew", "chain.p12", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--pass-env", "P12_PASS", "--reuse-key", "--out", "chain-renewed.p12"]);
    expect(r.code, r.stderr).toBe(0);
    const info = openssl(["pkcs12", "-in", "chain-renewed.p12", "-passin", "pass:s3cret", "-nokeys", "-info"], { cwd: dir });
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout.match(/^subject=/gm)?.length).toBe(2);
    expect(info.stdout).toContain("friendlyName: n1");
    const c = compare(p12Leaf("chain.p12", "s3cret"), p12Leaf("chain-renewed.p12", "s3cret"));
    expect(c.newNames).toBe(c.oldNames);
    expect(c.sameKey).toBe(true);
  });

  it("refuses a bundle another CA issued, naming the file and both CAs, and writes nothing", async () => {
    const r = await cli(["renew", "pem", "--ca-cert", "ca2/ca/ca.crt", "--ca-key", "ca2/ca/ca.key", "--out", "foreign"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("pem/node1/node1.crt (CN=node1, issued by CN=CA one)");
    expect(r.stderr).toContain("not issued by the given CA CN=CA two");
    expect(r.stderr).toContain("--reissuer");
    expect(existsSync(join(dir, "foreign"))).toBe(false);
  });

  it("reissues it with --reissuer: verifies against the new CA, same names, the bundle's CA file gains the new CA", async () => {
    const r = await cli(["renew", "pem", "--ca-cert", "ca2/ca/ca.crt", "--ca-key", "ca2/ca/ca.key", "--reissuer", "--out", "moved"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("issued by CN=CA one; reissued by CN=CA two (--reissuer)");
    for (const node of ["node1", "node2"]) {
      const c = compare(`pem/${node}/${node}.crt`, `moved/${node}/${node}.crt`);
      expect(c.newNames).toBe(c.oldNames);
      expect((await verify(`moved/${node}/${node}.crt`, "ca2/ca/ca.crt")).ok).toBe(true);
      expect((await verify(`moved/${node}/${node}.crt`, "ca1/ca/ca.crt")).ok).toBe(false);
    }
    const caFile = readFileSync(join(dir, "moved/ca/ca.crt"), "utf8");
    expect(caFile.startsWith(readFileSync(join(dir, "pem/ca/ca.crt"), "utf8"))).toBe(true);
    expect(caFile).toContain(readFileSync(join(dir, "ca2/ca/ca.crt"), "utf8"));
  });

  it("keeps an encrypted certutil-form key encrypted and in its form, and needs the password for it", async () => {
    const made = await cli(["cert", "--in", "instances.yml", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--key", "ec:p256", "--pem", "--key-format", "pkcs1", "--pass-env", "P12_PASS", "--out", "locked"]);
    expect(made.code, made.stderr).toBe(0);
    expect(readFileSync(join(dir, "locked/node1/node1.key"), "utf8")).toMatch(/^-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED/);
    const refused = await cli(["renew", "locked", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--out", "unlocked"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("its key is encrypted");
    expect(existsSync(join(dir, "unlocked"))).toBe(false);
    const r = await cli(["renew", "locked", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--pass-env", "P12_PASS", "--out", "unlocked"]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "unlocked/node1/node1.key"), "utf8")).toMatch(/^-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED/);
    const keyPub = openssl(["pkey", "-in", "unlocked/node1/node1.key", "-passin", "pass:s3cret", "-pubout"], { cwd: dir });
    expect(keyPub.code, keyPub.stderr).toBe(0);
    expect(x509("unlocked/node1/node1.crt", ["-pubkey"])).toBe(keyPub.stdout);
    expect(x509("unlocked/node1/node1.crt", ["-pubkey"])).not.toBe(x509("locked/node1/node1.crt", ["-pubkey"]));
  });

  it("writes nothing with --dry-run, and refuses an existing output without --force", async () => {
    const dry = await cli(["renew", "pem", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--out", "dry", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("Would renew 2 node certificates");
    expect(existsSync(join(dir, "dry"))).toBe(false);
    mkdirSync(join(dir, "taken/node1"), { recursive: true });
    writeFileSync(join(dir, "taken/node1/node1.crt"), "old");
    const refused = await cli(["renew", "pem", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--out", "taken"]);
    expect(refused.code).toBe(3);
    expect(readFileSync(join(dir, "taken/node1/node1.crt"), "utf8")).toBe("old");
    const forced = await cli(["renew", "pem", "--ca-cert", "ca1/ca/ca.crt", "--ca-key", "ca1/ca/ca.key", "--out", "taken", "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(dir, "taken/node1/node1.crt"), "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});
