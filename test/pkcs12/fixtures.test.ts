import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ContentInfo } from "@peculiar/asn1-cms";
import { AuthenticatedSafe, PFX, SafeContents } from "@peculiar/asn1-pfx";
import { AsnParser, AsnSerializer, OctetString } from "@peculiar/asn1-schema";
import { isPkcs12, readPkcs12 } from "../../src/pki/pkcs12/index.js";
import { FIXTURES, certificateSpki, fixture, keySpki, sourceDer, subjectOf, withTempDir } from "./helpers.js";

const AES256 = "PBES2(PBKDF2-HMAC-SHA256, AES-256-CBC)";
const TDES = "pbeWithSHAAnd3-KeyTripleDES-CBC";
const RC2_40 = "pbeWithSHAAnd40BitRC2-CBC";

interface Expected {
  readonly file: string;
  readonly password: string;
  /** friendlyName of each key, in order. */
  readonly keys: readonly (string | undefined)[];
  /** [friendlyName, trusted] of each certificate, in order. */
  readonly certificates: readonly (readonly [string | undefined, boolean])[];
  readonly mac: string | null;
  readonly encryption: readonly string[];
  /** The source certificate the key's certificate must equal (openssl fixtures). */
  readonly leaf?: string;
  readonly chainLength?: number;
}

const OPENSSL_NODE1 = { keys: ["node1"], certificates: [["node1", false], [undefined, false]], leaf: "node1.crt", chainLength: 2 } as const;

const TABLE: readonly Expected[] = [
  { file: "openssl-default.p12", password: "changeit", ...OPENSSL_NODE1, mac: "HMAC-SHA256", encryption: [AES256] },
  { file: "openssl-legacy.p12", password: "changeit", ...OPENSSL_NODE1, mac: "HMAC-SHA1", encryption: [RC2_40, TDES] },
  {
    file: "openssl-legacy-rc2-128-2des.p12", password: "changeit", ...OPENSSL_NODE1, mac: "HMAC-SHA1",
    encryption: ["pbeWithSHAAnd128BitRC2-CBC", "pbeWithSHAAnd2-KeyTripleDES-CBC"],
  },
  { file: "openssl-nomac.p12", password: "changeit", ...OPENSSL_NODE1, mac: null, encryption: [AES256] },
  { file: "openssl-descert.p12", password: "changeit", ...OPENSSL_NODE1, mac: "HMAC-SHA256", encryption: [TDES, AES256] },
  { file: "openssl-macsha1.p12", password: "changeit", ...OPENSSL_NODE1, mac: "HMAC-SHA1", encryption: [AES256] },
  { file: "openssl-aes128.p12", password: "changeit", ...OPENSSL_NODE1, mac: "HMAC-SHA256", encryption: ["PBES2(PBKDF2-HMAC-SHA256, AES-128-CBC)"] },
  {
    file: "openssl-sha512-aes192-3des.p12", password: "changeit", ...OPENSSL_NODE1, mac: "HMAC-SHA512",
    encryption: ["PBES2(PBKDF2-HMAC-SHA256, DES-EDE3-CBC)", "PBES2(PBKDF2-HMAC-SHA256, AES-192-CBC)"],
  },
  { file: "openssl-unencrypted.p12", password: "changeit", ...OPENSSL_NODE1, mac: "HMAC-SHA256", encryption: [] },
  { file: "openssl-empty-password.p12", password: "", ...OPENSSL_NODE1, mac: "HMAC-SHA256", encryption: [AES256] },
  { file: "openssl-unicode-password.p12", password: "pässwörd-€", ...OPENSSL_NODE1, mac: "HMAC-SHA256", encryption: [AES256] },
  { file: "openssl-certonly.p12", password: "changeit", keys: [], certificates: [[undefined, false]], mac: "HMAC-SHA256", encryption: [AES256] },
  {
    file: "openssl-ec.p12", password: "changeit", keys: ["node2"], certificates: [["node2", false], [undefined, false]],
    leaf: "node2.crt", chainLength: 2, mac: "HMAC-SHA256", encryption: [AES256],
  },
  { file: "keytool-keypair.p12", password: "changeit", keys: ["node3"], certificates: [["node3", false]], chainLength: 1, mac: "HMAC-SHA256", encryption: [AES256] },
  { file: "keytool-trusted.p12", password: "changeit", keys: [], certificates: [["ca", true]], mac: "HMAC-SHA256", encryption: [AES256] },
  {
    file: "keytool-legacy.p12", password: "changeit", keys: ["node4"], certificates: [["node4", false], ["ca", true]],
    chainLength: 1, mac: "HMAC-SHA1", encryption: [TDES, RC2_40],
  },
  {
    file: "keytool-imported.p12", password: "changeit", keys: ["node1"],
    certificates: [["node1", false], ["CN=Fixture CA", false], ["ca", true]], leaf: "node1.crt", chainLength: 2,
    mac: "HMAC-SHA256", encryption: [AES256],
  },
];

describe("readPkcs12 on fixtures made by openssl and keytool", () => {
  it("covers every fixture file in fixtures/pkcs12", () => {
    const files = readdirSync(FIXTURES).filter((name) => name.endsWith(".p12")).sort();
    expect(TABLE.map((row) => row.file).sort()).toEqual(files);
  });

  it.each(TABLE)("$file", async (row) => {
    const bytes = fixture(row.file);
    expect(isPkcs12(bytes)).toBe(true);
    const contents = await readPkcs12(bytes, row.password, { source: row.file });

    expect(contents.keys.map((key) => key.friendlyName)).toEqual(row.keys);
    expect(contents.certificates.map((c) => [c.friendlyName, c.trusted])).toEqual(row.certificates);
    expect(contents.mac?.algorithm ?? null).toBe(row.mac);
    expect([...contents.encryption].sort()).toEqual([...row.encryption].sort());

    for (const key of contents.keys) {
      // Paired with a certificate, and that certificate holds the key's public half.
      expect(key.certificateIndex).toBeDefined();
      const certificate = contents.certificates[key.certificateIndex!]!;
      expect(certificateSpki(certificate.der)).toBe(keySpki(key.pkcs8));
      expect(subjectOf(certificate.der)).toBe(`CN=${key.friendlyName}`);
      expect(key.localKeyId).toBeDefined();
      expect(Buffer.from(certificate.localKeyId!).equals(Buffer.from(key.localKeyId!))).toBe(true);
      expect(key.chain[0]).toBe(key.certificateIndex);
      if (row.chainLength !== undefined) expect(key.chain).toHaveLength(row.chainLength);
      if (row.leaf !== undefined) expect(Buffer.from(certificate.der).equals(Buffer.from(sourceDer(row.leaf)))).toBe(true);
      if (key.chain.length === 2) expect(subjectOf(contents.certificates[key.chain[1]!]!.der)).toBe("CN=Fixture CA");
    }
    for (const certificate of contents.certificates) {
      if (certificate.trusted || certificate.friendlyName === undefined) expect(subjectOf(certificate.der)).toMatch(/^CN=(Fixture CA|node\d)$/);
    }
  });

  it("pairs a key with its certificate by public key when no localKeyId links them", async () => {
    // An unencrypted, MAC-less export whose localKeyId attributes we strip: only the SPKI can pair them.
    const pfxBytes = withTempDir((dir) => {
      const out = join(dir, "plain.p12");
      execFileSync("openssl", [
        "pkcs12", "-export", "-in", join(FIXTURES, "src/node2.crt"), "-inkey", join(FIXTURES, "src/node2.key"),
        "-certfile", join(FIXTURES, "src/ca.crt"), "-nomac", "-keypbe", "NONE", "-certpbe", "NONE", "-passout", "pass:x", "-out", out,
      ]);
      return new Uint8Array(readFileSync(out));
    });
    const pfx = AsnParser.parse(pfxBytes, PFX);
    const data = (content: ArrayBuffer): ArrayBuffer => AsnParser.parse(content, OctetString).buffer;
    const safe = AsnParser.parse(data(pfx.authSafe.content), AuthenticatedSafe);
    // The CA first, so that a pairing by position would pick the wrong certificate.
    const infos = safe.map((info) => {
      const bags = AsnParser.parse(data(info.content), SafeContents);
      for (const bag of bags) bag.bagAttributes = bag.bagAttributes?.filter((a) => a.attrId !== "1.2.840.113549.1.9.21");
      bags.reverse();
      return new ContentInfo({ contentType: info.contentType, content: AsnSerializer.serialize(new OctetString(AsnSerializer.serialize(bags))) });
    });
    pfx.authSafe.content = AsnSerializer.serialize(new OctetString(AsnSerializer.serialize(new AuthenticatedSafe(infos))));
    const contents = await readPkcs12(new Uint8Array(AsnSerializer.serialize(pfx)), "x");
    expect(contents.mac).toBeNull();
    expect(contents.certificates).toHaveLength(2);
    const key = contents.keys[0]!;
    expect(key.localKeyId).toBeUndefined();
    expect(key.certificateIndex).toBeDefined();
    expect(subjectOf(contents.certificates[key.certificateIndex!]!.der)).toBe("CN=node2");
    expect(certificateSpki(contents.certificates[key.certificateIndex!]!.der)).toBe(keySpki(key.pkcs8));
    expect(key.chain.map((i) => subjectOf(contents.certificates[i]!.der))).toEqual(["CN=node2", "CN=Fixture CA"]);
  });
});
