import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readCryptoFile } from "../../src/pki/read.js";

/**
 * The real-world files of ../shared/conformance/p12-corpus that issue 13 item 6 fixed, read in
 * place against the manifest (what each file's own source says it holds). The whole corpus, with
 * openssl beside it, is `node ../shared/conformance/p12-corpus/run.mjs .` after a build.
 */
const CORPUS = resolve("../shared/conformance/p12-corpus");
const present = existsSync(join(CORPUS, "manifest.json"));
if (!present) console.warn(`skipping the p12 corpus tests: ${CORPUS} is absent (it sits beside the clone in CI)`);

interface ManifestEntry {
  readonly file: string;
  readonly password: string | null;
  readonly passwordEncoding?: "latin1";
  readonly expect: { readonly ok: boolean; readonly certificates?: number; readonly keys?: number; readonly certFriendlyNames?: readonly string[] };
}

const FIXED = [
  "dotnet/net-TestData-testclienteku.contoso.com.noRC2.pfx", // zero bytes after the PFX
  "dotnet/net-TestDataCertificates-testservereku.contoso.com.pfx",
  "bc-java/PKCS12StoreTest-gostOpenSSLIntegerDPfx.p12", // a GOST key: skipped, certificate shown
  "bc-java/PKCS12StoreTest-gostPfx.p12", // CryptoPro: GOST R 34.11-94 MAC, GOST 28147-89 PBES2
  "local-openssl/dsa.p12",
  "local-openssl/ec-brainpoolP256r1.p12",
  "local-openssl/ec-secp256k1.p12",
  "local-openssl/ed448.p12",
  "local-openssl/rsa-pss.p12",
  "pkits/ValidDSASignaturesTest4EE.p12",
  "bc-java/jsafe-empty.p12", // ISO-8859-1 password bytes in PBKDF2
  "bc-java/jsafe-with-key-entry.p12",
  "logstash/qa-logstash.keystore.p12", // secret-key entries only
];

describe.skipIf(!present)("p12 corpus files fixed by issue 13", () => {
  const manifest: { files: ManifestEntry[] } = present ? JSON.parse(readFileSync(join(CORPUS, "manifest.json"), "utf8")) : { files: [] };
  it.each(FIXED)("%s reads as its source says", async (name) => {
    const entry = manifest.files.find((candidate) => candidate.file === name);
    expect(entry, `${name} in the manifest`).toBeDefined();
    const { expect: expected, password } = entry!;
    // The runner passes the JSafe password as Latin-1 bytes; the reader gets it as text either way.
    const file = await readCryptoFile(new Uint8Array(readFileSync(join(CORPUS, "files", name))), { source: name, ...(password !== null ? { password } : {}) });
    expect(expected.ok).toBe(true);
    expect(file.certificates).toHaveLength(expected.certificates!);
    expect(file.keys.length + (file.unusableKeys?.length ?? 0)).toBe(expected.keys);
    if (expected.certFriendlyNames) expect(file.certificates.flatMap((c) => c.friendlyName ?? []).sort()).toEqual([...expected.certFriendlyNames].sort());
  });

  it("the Logstash keystore's six secret entries are listed", async () => {
    const file = await readCryptoFile(new Uint8Array(readFileSync(join(CORPUS, "files", "logstash/qa-logstash.keystore.p12"))), {
      source: "qa-logstash.keystore.p12",
      password: "keystore_pa9454w3rd",
    });
    expect(file.pkcs12?.secrets.map((secret) => secret.friendlyName)).toEqual(expect.arrayContaining([expect.stringContaining("input.count"), expect.stringContaining("tag3")]));
  });
});
