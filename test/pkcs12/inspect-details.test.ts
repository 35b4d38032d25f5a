import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const fixture = (name: string) => resolve("fixtures/pkcs12", name);

async function inspect(name: string, json: boolean) {
  const run = await runCli(["inspect", fixture(name), "--pass-env", "P", ...(json ? ["--json"] : [])], { env: { P: "changeit" } });
  expect(run.code, run.stderr).toBe(0);
  return run;
}

describe("inspect shows how a PKCS#12 file is protected", () => {
  it("OpenSSL 3 defaults: HMAC-SHA256 MAC, PBES2/AES-256 bags, friendlyName and localKeyId per entry", async () => {
    const file = JSON.parse((await inspect("openssl-default.p12", true)).stdout).files[0];
    expect(file.mac).toEqual({ algorithm: "HMAC-SHA256", kdf: "PKCS#12 KDF", iterations: 2048, passwordEncoding: "BMPString" });
    const pbes2 = { scheme: "PBES2", cipher: "AES-256-CBC", kdf: "PBKDF2", prf: "HMAC-SHA256", iterations: 2048, passwordEncoding: "UTF-8" };
    expect(file.safes).toEqual([
      { encryption: pbes2, bags: 2 },
      { encryption: null, bags: 1 },
    ]);
    const leaf = file.certificates.find((c: { subject: string }) => c.subject === "CN=node1");
    expect(leaf).toMatchObject({ friendlyName: "node1", localKeyId: expect.stringMatching(/^[0-9a-f]{40}$/), encryption: pbes2 });
    expect(file.keys).toEqual([expect.objectContaining({ friendlyName: "node1", localKeyId: leaf.localKeyId, encryption: pbes2, usable: true })]);
    expect(file.secrets).toEqual([]);
  });

  it("legacy: RC2-40 certificates, 3DES key, HMAC-SHA1, in text too", async () => {
    const file = JSON.parse((await inspect("openssl-legacy.p12", true)).stdout).files[0];
    expect(file.mac).toMatchObject({ algorithm: "HMAC-SHA1", iterations: 2048 });
    expect(file.safes[0].encryption).toEqual({ scheme: "PKCS#12 PBE", cipher: "RC2-40-CBC", kdf: "PKCS#12 KDF", prf: "SHA-1", iterations: 2048, passwordEncoding: "BMPString" });
    expect(file.keys[0].encryption).toMatchObject({ scheme: "PKCS#12 PBE", cipher: "3DES-CBC" });
    const text = (await inspect("openssl-legacy.p12", false)).stdout;
    expect(text).toContain("MAC:      HMAC-SHA1, PKCS#12 KDF, 2048 iterations, password as BMPString");
    expect(text).toContain("contents 1: PKCS#12 PBE RC2-40-CBC, PKCS#12 KDF SHA-1, 2048 iterations, password as BMPString; 2 bags");
    expect(text).toMatch(/key 1: rsa 1024 \(alias node1, localKeyId [0-9a-f]{40}\), matches certificate \d/);
    expect(text).toContain("encryption: PKCS#12 PBE 3DES-CBC, PKCS#12 KDF SHA-1, 2048 iterations, password as BMPString");
  });

  it("no MAC and no encryption are said plainly", async () => {
    const file = JSON.parse((await inspect("openssl-nomac.p12", true)).stdout).files[0];
    expect(file.mac).toBeNull();
    const plain = JSON.parse((await inspect("openssl-unencrypted.p12", true)).stdout).files[0];
    expect(plain.safes.every((safe: { encryption: unknown }) => safe.encryption === null)).toBe(true);
    expect(plain.keys[0].encryption).toBeNull();
    expect((await inspect("openssl-nomac.p12", false)).stdout).toContain("MAC:      none");
  });

  it("PEM and DER files get none of the PKCS#12 fields", async () => {
    const run = await runCli(["inspect", resolve("fixtures/pkcs12/src/ca.crt"), "--json"]);
    const file = JSON.parse(run.stdout).files[0];
    expect(file).not.toHaveProperty("mac");
    expect(file).not.toHaveProperty("safes");
    expect(file.certificates[0]).not.toHaveProperty("encryption");
  });
});
