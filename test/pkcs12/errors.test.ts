import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { ContentInfo } from "@peculiar/asn1-cms";
import { AsnParser, AsnSerializer, OctetString } from "@peculiar/asn1-schema";
import { AuthenticatedSafe, PFX } from "@peculiar/asn1-pfx";
import { OthernameError } from "../../src/errors.js";
import { isPkcs12, readPkcs12, writePkcs12 } from "../../src/pki/pkcs12/index.js";
import { errorCode, fixture, sourceDer } from "./helpers.js";

/** Replaces the first occurrence of `from` (hex) in `bytes` by `to` (hex, same length). */
function patch(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const buffer = Buffer.from(bytes);
  const at = buffer.indexOf(Buffer.from(from, "hex"));
  expect(at).toBeGreaterThanOrEqual(0);
  const out = Buffer.from(buffer);
  Buffer.from(to, "hex").copy(out, at);
  return new Uint8Array(out);
}

describe("readPkcs12 errors", () => {
  it("wrong password: MAC mismatch", async () => {
    const error = await readPkcs12(fixture("openssl-default.p12"), "wrong", { source: "openssl-default.p12" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OthernameError);
    const typed = error as OthernameError;
    expect(typed.code).toBe("PKCS12_WRONG_PASSWORD");
    expect(typed.message).toContain("openssl-default.p12");
    expect(typed.hint).toBeTruthy();
  });

  it.each(["openssl-legacy.p12", "keytool-legacy.p12", "openssl-empty-password.p12"])("wrong password on %s", async (file) => {
    expect(await errorCode(readPkcs12(fixture(file), "not-it"))).toBe("PKCS12_WRONG_PASSWORD");
  });

  it("the empty password is not the same as a wrong one", async () => {
    expect(await errorCode(readPkcs12(fixture("openssl-default.p12"), ""))).toBe("PKCS12_WRONG_PASSWORD");
    expect(await errorCode(readPkcs12(fixture("openssl-empty-password.p12"), ""))).toBe("resolved");
  });

  it("wrong password without a MAC: the decryption fails", async () => {
    const error = (await readPkcs12(fixture("openssl-nomac.p12"), "wrong").catch((e: unknown) => e)) as OthernameError;
    expect(error.code).toBe("PKCS12_WRONG_PASSWORD");
    expect(error.message).toContain("no MAC");
  });

  it("a non-ASCII password must match exactly", async () => {
    expect(await errorCode(readPkcs12(fixture("openssl-unicode-password.p12"), "passwort-€"))).toBe("PKCS12_WRONG_PASSWORD");
  });

  it("a bit flip under the MAC reads as a wrong password (the MAC cannot tell them apart)", async () => {
    const bytes = fixture("openssl-default.p12");
    const flipped = Uint8Array.from(bytes);
    flipped[bytes.length - 200] = (flipped[bytes.length - 200] as number) ^ 0x01; // inside the encrypted contents
    expect(await errorCode(readPkcs12(flipped, "changeit"))).toBe("PKCS12_WRONG_PASSWORD");
  });

  it.each([30, 100, 700, 1500])("truncated to %i bytes: corrupt", async (length) => {
    const truncated = fixture("openssl-default.p12").subarray(0, length);
    expect(isPkcs12(truncated)).toBe(true);
    expect(await errorCode(readPkcs12(truncated, "changeit"))).toBe("PKCS12_CORRUPT");
  });

  it("a damaged structure: corrupt", async () => {
    // The authSafe's OCTET STRING (after contentType data and [0]) becomes an INTEGER.
    const bytes = fixture("openssl-default.p12");
    const buffer = Buffer.from(bytes);
    const dataOid = buffer.indexOf(Buffer.from("06092a864886f70d010701a0", "hex"));
    const explicitLengthByte = buffer[dataOid + 12] as number;
    const octetAt = dataOid + 13 + (explicitLengthByte > 0x80 ? explicitLengthByte & 0x7f : 0);
    expect(buffer[octetAt]).toBe(0x04);
    const damaged = Uint8Array.from(bytes);
    damaged[octetAt] = 0x02;
    expect(await errorCode(readPkcs12(damaged, "changeit"))).toBe("PKCS12_CORRUPT");
  });

  it("trailing bytes after the PFX: corrupt", async () => {
    const bytes = fixture("openssl-default.p12");
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    longer.set([1, 2, 3], bytes.length);
    expect(await errorCode(readPkcs12(longer, "changeit"))).toBe("PKCS12_CORRUPT");
  });

  it("unsupported content encryption: names the OID", async () => {
    // AES-256-CBC (…4.1.42) → AES-256-GCM (…4.1.46) in a file without a MAC.
    const bytes = patch(fixture("openssl-nomac.p12"), "060960864801650304012a", "060960864801650304012e");
    const error = (await readPkcs12(bytes, "changeit").catch((e: unknown) => e)) as OthernameError;
    expect(error.code).toBe("PKCS12_UNSUPPORTED_ALGORITHM");
    expect(error.message).toContain("2.16.840.1.101.3.4.1.46");
    expect(error.hint).toMatch(/AES-256/);
  });

  it("unsupported MAC digest: names the OID, before any password check", async () => {
    // SHA-256 (…4.2.1) → SHA-512/256 (…4.2.6) in the MAC's DigestInfo.
    const bytes = fixture("openssl-default.p12");
    const tail = Buffer.from(bytes).lastIndexOf(Buffer.from("0609608648016503040201", "hex"));
    const patched = Uint8Array.from(bytes);
    patched[tail + 10] = 0x06;
    const error = (await readPkcs12(patched, "anything").catch((e: unknown) => e)) as OthernameError;
    expect(error.code).toBe("PKCS12_UNSUPPORTED_ALGORITHM");
    expect(error.message).toContain("2.16.840.1.101.3.4.2.6");
  });

  it.each([
    ["PEM text", new Uint8Array(Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))],
    ["a DER certificate", sourceDer("ca.crt")],
    ["random bytes", new Uint8Array(randomBytes(256))],
    ["nothing", new Uint8Array(0)],
  ])("%s: NOT_PKCS12", async (_name, bytes) => {
    expect(isPkcs12(bytes)).toBe(false);
    expect(await errorCode(readPkcs12(bytes, "changeit"))).toBe("NOT_PKCS12");
  });

  describe("bounded work", () => {
    it("refuses a MAC iteration count over the cap before deriving anything", async () => {
      const error = (await readPkcs12(fixture("openssl-default.p12"), "changeit", { maxIterations: 2000 }).catch((e: unknown) => e)) as OthernameError;
      expect(error.code).toBe("PKCS12_LIMIT_EXCEEDED");
      expect(error.message).toContain("2048");
      // Refused before the MAC: even a wrong password gets the limit error, not PKCS12_WRONG_PASSWORD.
      expect(await errorCode(readPkcs12(fixture("openssl-default.p12"), "wrong", { maxIterations: 2000 }))).toBe("PKCS12_LIMIT_EXCEEDED");
    });

    it("refuses content encryption over the cap in a file without a MAC", async () => {
      expect(await errorCode(readPkcs12(fixture("openssl-nomac.p12"), "changeit", { maxIterations: 2000 }))).toBe("PKCS12_LIMIT_EXCEEDED");
    });

    it("refuses a hostile 2,000,000,000-iteration MAC with the default cap", async () => {
      const written = await writePkcs12({ trustedCertificates: [{ der: sourceDer("ca.crt"), alias: "ca" }] }, "pw", { iterations: 1 });
      const pfx = AsnParser.parse(written, PFX);
      pfx.macData.iterations = 2_000_000_000;
      const hostile = new Uint8Array(AsnSerializer.serialize(pfx));
      expect(await errorCode(readPkcs12(hostile, "pw"))).toBe("PKCS12_LIMIT_EXCEEDED");
    });

    it("refuses nesting deeper than the limit", async () => {
      // A PFX header whose authSafe content is 200 nested SEQUENCEs.
      let inner: number[] = [0x05, 0x00];
      for (let i = 0; i < 200; i++) inner = [0x30, ...derLength(inner.length), ...inner];
      const content = [0xa0, ...derLength(inner.length), ...inner];
      const oid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
      const info = [0x30, ...derLength(oid.length + content.length), ...oid, ...content];
      const body = [0x02, 0x01, 0x03, ...info];
      const bytes = new Uint8Array([0x30, ...derLength(body.length), ...body]);
      expect(isPkcs12(bytes)).toBe(true);
      const error = (await readPkcs12(bytes, "x").catch((e: unknown) => e)) as OthernameError;
      expect(error.code).toBe("PKCS12_CORRUPT");
      expect(error.message).toContain("nesting");
    });

    it("refuses an absurd length", async () => {
      const bytes = new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x03, 0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]);
      expect(await errorCode(readPkcs12(bytes, "x"))).toBe("PKCS12_CORRUPT");
    });

    it("rejects a non-integer cap as a usage error", async () => {
      const error = (await readPkcs12(fixture("openssl-default.p12"), "changeit", { maxIterations: 0 }).catch((e: unknown) => e)) as OthernameError;
      expect(error.code).toBe("PKCS12_INVALID_OPTION");
      expect(error.kind).toBe("usage");
    });
  });
});

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

describe("readPkcs12 total work", () => {
  it("refuses a file whose derivations add up past the total budget (8× the cap), before deriving", async () => {
    // Ten copies of one 1000-iteration EncryptedData and no MAC: each derivation is within a cap of 1000, the sum is not.
    const written = await writePkcs12({ trustedCertificates: [{ der: sourceDer("ca.crt"), alias: "ca" }] }, "pw", { iterations: 1000 });
    const pfx = AsnParser.parse(written, PFX);
    const safe = AsnParser.parse(AsnParser.parse(pfx.authSafe.content, OctetString).buffer, AuthenticatedSafe);
    const copies = new AuthenticatedSafe(Array.from({ length: 10 }, () => safe[0]!));
    const noMac = new PFX({
      version: 3,
      authSafe: new ContentInfo({ contentType: pfx.authSafe.contentType, content: AsnSerializer.serialize(new OctetString(AsnSerializer.serialize(copies))) }),
    });
    const bytes = new Uint8Array(AsnSerializer.serialize(noMac));
    const refused = (await readPkcs12(bytes, "pw", { maxIterations: 1000 }).catch((e: unknown) => e)) as OthernameError;
    expect(refused.code).toBe("PKCS12_LIMIT_EXCEEDED");
    expect(refused.message).toContain("10000 iterations");
    const read = await readPkcs12(bytes, "pw", { maxIterations: 2000 });
    expect(read.mac).toBeNull();
    expect(read.certificates).toHaveLength(10);
  });
});
