import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { readPkcs12 } from "../../src/pki/pkcs12/index.js";
import { pbkdf2HmacGostr341194 } from "../../src/pki/pkcs12/gost/pbkdf2.js";

// Counts the GOST PBKDF2 runs (the decryptions' key derivations) while keeping their behaviour.
vi.mock("../../src/pki/pkcs12/gost/pbkdf2.js", async (original) => {
  const actual = await original<typeof import("../../src/pki/pkcs12/gost/pbkdf2.js")>();
  return { pbkdf2HmacGostr341194: vi.fn((...args: Parameters<typeof actual.pbkdf2HmacGostr341194>) => actual.pbkdf2HmacGostr341194(...args)) };
});

const FILE = fileURLToPath(new URL("../../../shared/conformance/p12-corpus/files/bc-java/PKCS12StoreTest-gostPfx.p12", import.meta.url));
const present = existsSync(FILE);
if (!present) console.warn(`skipping the CryptoPro GOST wrong-password test: ${FILE} is absent (../shared is not beside the checkout)`);

describe.skipIf(!present)("a CryptoPro GOST PKCS#12 file and a wrong password", () => {
  const bytes = present ? new Uint8Array(readFileSync(FILE)) : new Uint8Array(0);
  beforeEach(() => {
    vi.mocked(pbkdf2HmacGostr341194).mockClear();
  });

  it("is refused by the MAC before any decryption runs (GOST runs on this thread: nothing to overlap)", async () => {
    await expect(readPkcs12(bytes, "wrong")).rejects.toMatchObject({ code: "PKCS12_WRONG_PASSWORD" });
    expect(pbkdf2HmacGostr341194).not.toHaveBeenCalled();
  });

  it("with the right password both contents are derived once each", async () => {
    await readPkcs12(bytes, "1");
    expect(pbkdf2HmacGostr341194).toHaveBeenCalledTimes(2);
  });
});
