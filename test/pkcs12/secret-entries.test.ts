import * as asn1js from "asn1js";
import { AsnSerializer } from "@peculiar/asn1-schema";
import { EncryptedData, EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toArrayBuffer } from "../../src/pki/pkcs12/der.js";
import { readPkcs12 } from "../../src/pki/pkcs12/index.js";
import { Oid } from "../../src/pki/pkcs12/oids.js";
import { encryptPbes2Aes256 } from "../../src/pki/pkcs12/pbe.js";
import { runCli } from "../helpers/cli.js";
import { bag, buildPfx, certificateBag } from "./build-pfx.js";
import { sourceDer, withTempDirAsync } from "./helpers.js";

/** keytool -genseckey / Logstash keystores: a secretBag (RFC 7292 §4.2.5) wrapping an encrypted PKCS#8, as the JDK writes it. */
async function jdkSecretBag(alias: string): Promise<ReturnType<typeof bag>> {
  const encrypted = await encryptPbes2Aes256("changeit", randomBytes(40), { iterations: 1, salt: randomBytes(16), iv: randomBytes(16) });
  const info = AsnSerializer.serialize(new EncryptedPrivateKeyInfo({ encryptionAlgorithm: encrypted.algorithm, encryptedData: new EncryptedData(toArrayBuffer(encrypted.ciphertext)) }));
  const secretBag = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: Oid.pkcs8ShroudedKeyBag }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.OctetString({ valueHex: info })] }),
    ],
  });
  return bag(Oid.secretBag, secretBag.toBER(false), { friendlyName: alias, localKeyId: new Uint8Array([1, 2, 3]) });
}

describe("secret-key entries", () => {
  it("are listed with their alias and encryption, not dropped", async () => {
    const p12 = await buildPfx([await jdkSecretBag("input.count"), await jdkSecretBag("tag1"), certificateBag(sourceDer("ca.crt"), { friendlyName: "ca" })], "changeit");
    const contents = await readPkcs12(p12, "changeit");
    expect(contents.certificates).toHaveLength(1);
    expect(contents.secrets).toEqual([
      expect.objectContaining({ secretType: Oid.pkcs8ShroudedKeyBag, friendlyName: "input.count", encryption: expect.objectContaining({ scheme: "PBES2", cipher: "AES-256-CBC" }) }),
      expect.objectContaining({ friendlyName: "tag1" }),
    ]);
    await withTempDirAsync(async (dir) => {
      const path = join(dir, "logstash.keystore");
      writeFileSync(path, p12);
      const json = await runCli(["inspect", path, "--pass-env", "P", "--json"], { env: { P: "changeit" } });
      expect(json.code, json.stderr).toBe(0);
      const file = JSON.parse(json.stdout).files[0];
      expect(file.keys).toEqual([]);
      expect(file.secrets).toEqual([
        { secretType: Oid.pkcs8ShroudedKeyBag, friendlyName: "input.count", localKeyId: "010203", encryption: expect.objectContaining({ scheme: "PBES2", iterations: 1 }) },
        expect.objectContaining({ friendlyName: "tag1" }),
      ]);
      const text = await runCli(["inspect", path, "--pass-env", "P"], { env: { P: "changeit" } });
      expect(text.stdout).toMatch(/secret key 1 \(alias input\.count, localKeyId 010203\): a keytool SecretKeyEntry/);
    });
  });

  it("a secret bag of another type is listed by its type", async () => {
    const other = new asn1js.Sequence({
      value: [new asn1js.ObjectIdentifier({ value: "1.2.3.4" }), new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Null()] })],
    });
    const contents = await readPkcs12(await buildPfx([bag(Oid.secretBag, other.toBER(false))]), "");
    expect(contents.secrets).toEqual([{ secretType: "1.2.3.4", encryption: null }]);
  });
});
