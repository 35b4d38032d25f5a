import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import * as asn1js from "asn1js";
import { PFX } from "@peculiar/asn1-pfx";
import { AsnParser, AsnSerializer, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { WorkBudget } from "../../src/pki/pkcs12/budget.js";
import { Pkcs12Failures } from "../../src/pki/pkcs12/failures.js";
import { bmpPassword, KdfPurpose, pkcs12Kdf } from "../../src/pki/pkcs12/kdf.js";
import { computeMac, parseMac, verifyMac } from "../../src/pki/pkcs12/mac.js";
import { passwordForms } from "../../src/pki/pkcs12/read.js";
import { readPkcs12, writePkcs12 } from "../../src/pki/pkcs12/index.js";
import { errorCode, sourceDer } from "./helpers.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

describe("bmpPassword (RFC 7292 B.1)", () => {
  it("is UTF-16BE plus two zero bytes; the empty password is just the terminator", () => {
    expect(hex(bmpPassword("ab"))).toBe("006100620000");
    expect(hex(bmpPassword(""))).toBe("0000");
    expect(hex(bmpPassword("é€"))).toBe("00e920ac0000");
    expect(hex(bmpPassword("😀"))).toBe("d83dde000000"); // surrogate pair
  });
});

describe("pkcs12Kdf (RFC 7292 B.2) against OpenSSL's PKCS12KDF", () => {
  it.each([
    ["sha1", 1, 24, 1],
    ["sha1", 2, 8, 2048],
    ["sha256", 3, 32, 1000],
    ["sha256", 1, 100, 7], // several output blocks: exercises the I_j update of step 6
    ["sha512", 3, 64, 500], // v = 128
    ["sha384", 1, 130, 3],
  ] as const)("%s, purpose %i, %i bytes, %i iterations", async (hash, purpose, length, iterations) => {
    for (const password of [bmpPassword("smeg"), bmpPassword(""), new Uint8Array(0), bmpPassword("pässwörd-€ long enough to exceed 64 bytes of BMP")]) {
      const salt = randomBytes(purpose === 3 ? 20 : 8);
      const ours = await pkcs12Kdf({ hash, password, salt, iterations, purpose: purpose as KdfPurpose, length });
      const args = ["kdf", "-keylen", String(length), "-kdfopt", `digest:${hash.toUpperCase()}`, "-kdfopt", `hexsalt:${hex(salt)}`];
      if (password.length > 0) args.push("-kdfopt", `hexpass:${hex(password)}`);
      else args.push("-kdfopt", "pass:");
      args.push("-kdfopt", `iter:${iterations}`, "-kdfopt", `id:${purpose}`, "PKCS12KDF");
      const theirs = execFileSync("openssl", args, { encoding: "utf8" }).trim().replace(/:/g, "").toLowerCase();
      expect(hex(ours)).toBe(theirs);
    }
  });
});

describe("MAC", () => {
  const budget = (): WorkBudget => new WorkBudget(10_000_000, new Pkcs12Failures("test"));

  it("the empty password matches in either form, and says which one (OpenSSL's two tries)", async () => {
    const content = randomBytes(100);
    for (const form of [bmpPassword(""), new Uint8Array(0)]) {
      const macData = await computeMac("sha256", form, content, { salt: randomBytes(8), iterations: 3 });
      const matched = await verifyMac(parseMac(macData), passwordForms(""), content, budget());
      expect(matched).not.toBeNull();
      expect(hex(matched!.bmp!)).toBe(hex(form));
      expect(matched!.passwordEncoding).toBe(form.length === 0 ? "absent" : "BMPString");
      expect(await verifyMac(parseMac(macData), passwordForms("x"), content, budget())).toBeNull();
    }
  });

  it("reads a PBMAC1 (RFC 9579) MAC and refuses a wrong password with it", async () => {
    // Our writer's file with its MAC replaced by PBMAC1(PBKDF2-HMAC-SHA256, HMAC-SHA512), computed here independently.
    const password = "1234";
    const pfx = AsnParser.parse(await writePkcs12({ trustedCertificates: [{ der: sourceDer("ca.crt"), alias: "ca" }] }, password, { iterations: 1 }), PFX);
    const authSafe = new Uint8Array(AsnParser.parse(pfx.authSafe.content, OctetString).buffer);
    const salt = randomBytes(16);
    const key = pbkdf2Sync(password, salt, 4096, 64, "sha256");
    const params = new asn1js.Sequence({
      value: [
        new asn1js.Sequence({
          value: [
            new asn1js.ObjectIdentifier({ value: "1.2.840.113549.1.5.12" }),
            new asn1js.Sequence({
              value: [
                new asn1js.OctetString({ valueHex: salt }),
                new asn1js.Integer({ value: 4096 }),
                new asn1js.Integer({ value: 64 }),
                new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: "1.2.840.113549.2.9" }), new asn1js.Null()] }),
              ],
            }),
          ],
        }),
        new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: "1.2.840.113549.2.11" }), new asn1js.Null()] }),
      ],
    });
    pfx.macData.mac.digestAlgorithm = new AlgorithmIdentifier({ algorithm: "1.2.840.113549.1.5.14", parameters: params.toBER(false) });
    pfx.macData.mac.digest = new OctetString(createHmac("sha512", key).update(authSafe).digest());
    pfx.macData.iterations = 1;
    const bytes = new Uint8Array(AsnSerializer.serialize(pfx));
    const contents = await readPkcs12(bytes, password);
    expect(contents.mac).toEqual({ algorithm: "PBMAC1(PBKDF2-HMAC-SHA256, HMAC-SHA512)", iterations: 4096 });
    expect(contents.certificates.map((c) => c.friendlyName)).toEqual(["ca"]);
    expect(await errorCode(readPkcs12(bytes, "12345"))).toBe("PKCS12_WRONG_PASSWORD");
    expect(await errorCode(readPkcs12(bytes, password, { maxIterations: 4000 }))).toBe("PKCS12_LIMIT_EXCEEDED");
  });
});
