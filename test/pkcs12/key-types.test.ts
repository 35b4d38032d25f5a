import { execFileSync } from "node:child_process";
import { createHash, generateKeyPairSync } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCryptoFile } from "../../src/pki/read.js";
import { runCli } from "../helpers/cli.js";
import { buildPfx, certificateBag, keyBag, opaquePkcs8 } from "./build-pfx.js";
import { sourceDer } from "./helpers.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";

/**
 * Keys Node's crypto reads but othername does not sign with (DSA, brainpool, secp256k1, Ed448,
 * RSA-PSS) are shown with their certificates; a key Node cannot read (GOST) is listed as skipped
 * and never hides the certificates. Files made by `openssl pkcs12 -export`, as users make them.
 */
const dir = mkdtempSync(join(tmpdir(), "othername-p12-keytypes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEYS: Record<string, () => KeyObject> = {
  dsa: () => generateKeyPairSync("dsa", { modulusLength: 1024, divisorLength: 160 }).privateKey,
  brainpool: () => generateKeyPairSync("ec", { namedCurve: "brainpoolP256r1" }).privateKey,
  secp256k1: () => generateKeyPairSync("ec", { namedCurve: "secp256k1" }).privateKey,
  ed448: () => generateKeyPairSync("ed448").privateKey,
  "rsa-pss": () => generateKeyPairSync("rsa-pss", { modulusLength: 1024 }).privateKey,
};
const EXPECTED: Record<string, { algorithm: string; bits: number; curve?: string }> = {
  dsa: { algorithm: "dsa", bits: 1024 },
  brainpool: { algorithm: "ec", bits: 256, curve: "brainpoolP256r1" },
  secp256k1: { algorithm: "ec", bits: 256, curve: "secp256k1" },
  ed448: { algorithm: "ed448", bits: 448 },
  "rsa-pss": { algorithm: "rsa-pss", bits: 1024 },
};

beforeAll(() => {
  for (const [name, make] of Object.entries(KEYS)) {
    const key = join(dir, `${name}.key`);
    writeFileSync(key, make().export({ type: "pkcs8", format: "pem" }));
    execFileSync("openssl", ["req", "-x509", "-new", "-key", key, "-subj", `/CN=${name}node`, "-days", "2", "-out", join(dir, `${name}.crt`)], { stdio: "ignore" });
    execFileSync("openssl", ["pkcs12", "-export", "-in", join(dir, `${name}.crt`), "-inkey", key, "-name", name, "-passout", "pass:changeit", "-out", join(dir, `${name}.p12`)], {
      stdio: "ignore",
    });
  }
});

describe("PKCS#12 keys othername does not sign with", () => {
  it.each(Object.keys(KEYS))("%s: the key is read and shown beside its certificate", async (name) => {
    const file = await readCryptoFile(new Uint8Array(readFileSync(join(dir, `${name}.p12`))), { source: `${name}.p12`, password: "changeit" });
    expect(file.certificates).toHaveLength(1);
    expect(file.keys).toHaveLength(0); // not usable for signing
    expect(file.unusableKeys).toEqual([
      expect.objectContaining({ friendlyName: name, certificateIndex: 0, key: expect.objectContaining({ ...EXPECTED[name], readable: true }) }),
    ]);
    const run = await runCli(["inspect", join(dir, `${name}.p12`), "--pass-env", "P", "--json"], { env: { P: "changeit" } });
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout).files[0];
    expect(json.certificates[0].subject).toBe(`CN=${name}node`);
    expect(json.keys).toEqual([expect.objectContaining({ ...EXPECTED[name], friendlyName: name, certificateIndex: 0, usable: false, reason: expect.stringMatching(/othername signs only with/) })]);
  });

  it("a key Node cannot read (GOST R 34.10-2001) is listed as skipped, and the certificate is shown", async () => {
    const cert = sourceDer("ca.crt");
    const id = new Uint8Array(createHash("sha1").update(cert).digest());
    const p12 = await buildPfx([certificateBag(cert, { friendlyName: "gost", localKeyId: id }), keyBag(opaquePkcs8("1.2.643.2.2.19", new Uint8Array(32).fill(7)), { friendlyName: "gost", localKeyId: id })], "pw");
    const path = join(dir, "gost.p12");
    writeFileSync(path, p12);
    const json = await runCli(["inspect", path, "--pass-env", "P", "--json"], { env: { P: "pw" } });
    expect(json.code, json.stderr).toBe(0);
    const file = JSON.parse(json.stdout).files[0];
    expect(file.certificates).toEqual([expect.objectContaining({ subject: "CN=Fixture CA", friendlyName: "gost" })]);
    expect(file.keys).toEqual([expect.objectContaining({ algorithm: "1.2.643.2.2.19", bits: 0, certificateIndex: 0, usable: false, reason: expect.stringContaining("GOST R 34.10-2001") })]);
    const text = await runCli(["inspect", path, "--pass-env", "P"], { env: { P: "pw" } });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/key 1: algorithm 1\.2\.643\.2\.2\.19 \(alias gost, localKeyId [0-9a-f]{40}\), matches certificate 1/);
    expect(text.stdout).toMatch(/skipped: +Node's crypto cannot read GOST R 34\.10-2001 \(OID 1\.2\.643\.2\.2\.19\) keys/);
    expect(text.stdout + text.stderr).not.toMatch(/genpkey|ec_paramgen/); // no key-generation hint
  });

  it("cert --ca with such a CA keystore says the key type cannot sign, not that there is no key", async () => {
    const instances = join(dir, "instances.yml");
    writeFileSync(instances, "instances:\n  - name: node1\n    dns: [node1.local]\n");
    const run = await runCli(["cert", "--in", instances, "--ca", join(dir, "ed448.p12"), "--ca-pass-env", "P", "--out", join(dir, "out"), "--pem"], { env: { P: "changeit" } });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("ed448.p12");
    expect(run.stderr).toMatch(/Ed448 keys cannot sign here/);
    expect(run.stderr).not.toMatch(/holds no private key/);
  });
});
