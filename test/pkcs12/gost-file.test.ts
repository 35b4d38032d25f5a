import { existsSync, readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { OthernameError } from "../../src/errors.js";
import { readChildren, readTlv, decodeOid, contentOf } from "../../src/pki/der.js";
import { readPkcs12 } from "../../src/pki/pkcs12/index.js";

/**
 * The CryptoPro export of ../shared/conformance/p12-corpus (bc-java's gostPfx, password "1"): a
 * GOST R 34.11-94 MAC keyed by the PKCS#12 KDF, and PBES2 with PBKDF2-HMAC-GOSTR3411 and
 * GOST 28147-89-CFB (CryptoPro-A, key meshing) for both the certificate and the key. Read in place.
 */
const FILE = fileURLToPath(new URL("../../../shared/conformance/p12-corpus/files/bc-java/PKCS12StoreTest-gostPfx.p12", import.meta.url));
const present = existsSync(FILE);
if (!present) console.warn(`skipping the CryptoPro GOST PKCS#12 tests: ${FILE} is absent (../shared is not beside the checkout)`);

const failure = async (reading: Promise<unknown>): Promise<OthernameError> => {
  try {
    await reading;
  } catch (error) {
    return error as OthernameError;
  }
  throw new Error("the read succeeded");
};

describe.skipIf(!present)("a CryptoPro GOST PKCS#12 file", () => {
  const bytes = present ? new Uint8Array(readFileSync(FILE)) : new Uint8Array(0);

  it("verifies the GOST MAC and decrypts the certificate (over 1024 bytes: key meshing) and the key", async () => {
    const contents = await readPkcs12(bytes, "1", { source: "gostPfx.p12" });
    expect(contents.macDetails).toEqual({ algorithm: "HMAC-GOSTR3411-94", kdf: "PKCS#12 KDF", iterations: 2048, passwordEncoding: "BMPString" });
    expect(contents.certificates).toHaveLength(1);
    const certificate = new X509Certificate(contents.certificates[0]!.der);
    expect(certificate.subject).toContain("Иванов Иван Иванович");
    expect(contents.certificates[0]!.der.length).toBeGreaterThan(1024);
    expect(contents.certificates[0]!.encryption).toEqual({
      scheme: "PBES2",
      cipher: "GOST 28147-89-CFB CryptoPro-A",
      kdf: "PBKDF2",
      prf: "HMAC-GOSTR3411-94",
      iterations: 2048,
      passwordEncoding: "UTF-8",
    });
    expect(contents.keys).toHaveLength(1);
    const key = contents.keys[0]!;
    expect(key.friendlyName).toBe("cp_exported");
    expect(key.certificateIndex).toBe(0);
    // PrivateKeyInfo { version, AlgorithmIdentifier { id-GostR3410-2001, … }, privateKey }
    const [, algorithm] = readChildren(key.pkcs8, readTlv(key.pkcs8, 0));
    const [oid] = readChildren(key.pkcs8, algorithm!);
    expect(decodeOid(contentOf(key.pkcs8, oid!))).toBe("1.2.643.2.2.19");
  });

  it("a wrong password is a wrong-password error from the MAC", async () => {
    const error = await failure(readPkcs12(bytes, "definitely-not-the-password", { source: "gostPfx.p12" }));
    expect(error.code).toBe("PKCS12_WRONG_PASSWORD");
    expect(error.message).toMatch(/HMAC-GOSTR3411-94 MAC verification failed: the password is wrong/);
  });

  it("a stored MAC that differs only in its last byte is refused", async () => {
    const altered = Uint8Array.from(bytes);
    // MacData ends with the 8-byte salt and the iteration count; the 32-byte digest sits before them.
    const digestEnd = altered.length - 4 - 10;
    altered[digestEnd - 1] = altered[digestEnd - 1]! ^ 0x01;
    expect((await failure(readPkcs12(altered, "1"))).code).toBe("PKCS12_WRONG_PASSWORD");
  });

  it("another GOST 28147-89 parameter set is refused by name before any work", async () => {
    const paramSetA = Buffer.from("06072a850302021f01", "hex"); // OID 1.2.643.2.2.31.1
    const altered = Buffer.from(bytes);
    const at = altered.indexOf(paramSetA);
    expect(at).toBeGreaterThan(0);
    altered[at + paramSetA.length - 1] = 0x02; // CryptoPro-B
    const error = await failure(readPkcs12(new Uint8Array(altered), "1"));
    expect(error.code).toBe("PKCS12_UNSUPPORTED_ALGORITHM");
    expect(error.message).toMatch(/GOST 28147-89 parameter set 1\.2\.643\.2\.2\.31\.2 \(GOST 28147-89 CryptoPro-B parameters\)/);
  });

  it("GOST iterations are charged at GOST_WORK_FACTOR: a cap of 300,000 allows 1,500 and refuses the file before any work", async () => {
    const started = performance.now();
    await readPkcs12(bytes, "1");
    const normal = performance.now() - started;
    const refusedAt = performance.now();
    const error = await failure(readPkcs12(bytes, "1", { maxIterations: 300_000 }));
    const refused = performance.now() - refusedAt;
    expect(error.code).toBe("PKCS12_LIMIT_EXCEEDED");
    expect(error.message).toMatch(/asks for 2048 iterations, more than the cap of 1500 for this algorithm/);
    expect(refused).toBeLessThan(normal / 4);
    // 2048 GOST iterations need a cap of 2048 × 200.
    await expect(readPkcs12(bytes, "1", { maxIterations: 2048 * 200 })).resolves.toBeDefined();
  });
});
