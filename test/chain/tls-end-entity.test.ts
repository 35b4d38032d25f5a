import "reflect-metadata";
import { beforeAll, describe, expect, it } from "vitest";
import * as x509 from "@peculiar/x509";
import { checkTlsEndEntity, validateChain } from "../../src/pki/chain.js";
import { encodeTlv } from "../../src/pki/der.js";
import { AT, makeCa, makeLeaf, type MiniCert } from "./mini-ca.js";

/** The JDK's EndEntityChecker rules (JDK 17), each case with the JDK's own message. */
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const EMAIL = "1.3.6.1.5.5.7.3.4";
const ANY = "2.5.29.37.0";
const MS_SGC = "1.3.6.1.4.1.311.10.3.3";

let root: MiniCert;
beforeAll(async () => {
  root = await makeCa("CN=TLS Root");
});

function eku(...oids: string[]) {
  return { oid: "2.5.29.37", critical: false, value: new Uint8Array(new x509.ExtendedKeyUsageExtension(oids).value) };
}
function netscapeCertType(bits: number) {
  // BIT STRING with one octet, 0 unused bits counted loosely: bit 0 (SSL client) is 0x80.
  return { oid: "2.16.840.1.113730.1.1", critical: false, value: encodeTlv(0x03, new Uint8Array([0x00, bits])) };
}

describe("checkTlsEndEntity (JDK EndEntityChecker)", () => {
  it("accepts a leaf without keyUsage, extendedKeyUsage or Netscape cert type in both directions", async () => {
    const leaf = await makeLeaf("CN=plain", root, { keyUsage: null });
    expect(checkTlsEndEntity(leaf.certificate, "client")).toEqual([]);
    expect(checkTlsEndEntity(leaf.certificate, "server")).toEqual([]);
  });

  it("refuses EKU emailProtection only, in both directions, in the JDK's words", async () => {
    const leaf = await makeLeaf("CN=mail", root, { extra: [eku(EMAIL)] });
    expect(checkTlsEndEntity(leaf.certificate, "client")).toEqual([
      { code: "TLS_EXTENDED_KEY_USAGE", direction: "client", message: "Extended key usage does not permit use for TLS client authentication" },
    ]);
    expect(checkTlsEndEntity(leaf.certificate, "server")).toEqual([
      { code: "TLS_EXTENDED_KEY_USAGE", direction: "server", message: "Extended key usage does not permit use for TLS server authentication" },
    ]);
  });

  it("serverAuth only passes as server and fails as client; clientAuth only the reverse", async () => {
    const server = await makeLeaf("CN=srv", root, { extra: [eku(SERVER_AUTH)] });
    expect(checkTlsEndEntity(server.certificate, "server")).toEqual([]);
    expect(checkTlsEndEntity(server.certificate, "client").map((f) => f.code)).toEqual(["TLS_EXTENDED_KEY_USAGE"]);
    const client = await makeLeaf("CN=cli", root, { extra: [eku(CLIENT_AUTH)] });
    expect(checkTlsEndEntity(client.certificate, "client")).toEqual([]);
    expect(checkTlsEndEntity(client.certificate, "server").map((f) => f.code)).toEqual(["TLS_EXTENDED_KEY_USAGE"]);
  });

  it("anyExtendedKeyUsage passes both; Microsoft SGC passes as server only", async () => {
    const any = await makeLeaf("CN=any", root, { extra: [eku(EMAIL, ANY)] });
    expect(checkTlsEndEntity(any.certificate, "client")).toEqual([]);
    expect(checkTlsEndEntity(any.certificate, "server")).toEqual([]);
    const sgc = await makeLeaf("CN=sgc", root, { extra: [eku(MS_SGC)] });
    expect(checkTlsEndEntity(sgc.certificate, "server")).toEqual([]);
    expect(checkTlsEndEntity(sgc.certificate, "client")).toHaveLength(1);
  });

  it("refuses a keyUsage without digitalSignature (keyCertSign only) before looking at the EKU", async () => {
    const leaf = await makeLeaf("CN=kcs", root, { keyUsage: x509.KeyUsageFlags.keyCertSign, extra: [eku(EMAIL)] });
    for (const direction of ["client", "server"] as const) {
      expect(checkTlsEndEntity(leaf.certificate, direction)).toEqual([{ code: "TLS_KEY_USAGE", direction, message: "KeyUsage does not allow digital signatures" }]);
    }
  });

  it("reads the Netscape cert type: SSL client bit for client, SSL server bit for server", async () => {
    const clientOnly = await makeLeaf("CN=ns-client", root, { extra: [netscapeCertType(0x80)] });
    expect(checkTlsEndEntity(clientOnly.certificate, "client")).toEqual([]);
    expect(checkTlsEndEntity(clientOnly.certificate, "server")).toEqual([
      { code: "TLS_NETSCAPE_CERT_TYPE", direction: "server", message: "Netscape cert type does not permit use for SSL server" },
    ]);
    const serverOnly = await makeLeaf("CN=ns-server", root, { extra: [netscapeCertType(0x40)] });
    expect(checkTlsEndEntity(serverOnly.certificate, "server")).toEqual([]);
    expect(checkTlsEndEntity(serverOnly.certificate, "client").map((f) => f.code)).toEqual(["TLS_NETSCAPE_CERT_TYPE"]);
  });
});

describe("validateChain with `as`", () => {
  it("without `as` stays a pure RFC 5280 check: a serverAuth-only leaf is valid", async () => {
    const leaf = await makeLeaf("CN=srv", root, { extra: [eku(SERVER_AUTH)] });
    expect(validateChain({ leaf: leaf.certificate, intermediates: [], anchors: [root.certificate], at: AT }).ok).toBe(true);
  });

  it("a serverAuth-only leaf fails `as: both` in the client direction only", async () => {
    const leaf = await makeLeaf("CN=srv", root, { extra: [eku(SERVER_AUTH)] });
    const input = { leaf: leaf.certificate, intermediates: [], anchors: [root.certificate], at: AT };
    expect(validateChain(input, { as: "server" }).ok).toBe(true);
    const both = validateChain(input, { as: "both" });
    expect(both.ok).toBe(false);
    expect(both.failures).toEqual([
      { index: 0, code: "TLS_EXTENDED_KEY_USAGE", direction: "client", message: "Extended key usage does not permit use for TLS client authentication" },
    ]);
  });

  it("a keyCertSign-only leaf is refused under `as` in both directions", async () => {
    const leaf = await makeLeaf("CN=kcs", root, { keyUsage: x509.KeyUsageFlags.keyCertSign });
    const result = validateChain({ leaf: leaf.certificate, intermediates: [], anchors: [root.certificate], at: AT }, { as: "both" });
    expect(result.failures.map((f) => [f.code, f.direction])).toEqual([
      ["TLS_KEY_USAGE", "client"],
      ["TLS_KEY_USAGE", "server"],
    ]);
  });

  it("skips the end-entity checks when the leaf is itself a trust anchor (as the JDK)", async () => {
    const leaf = await makeLeaf("CN=mail-anchor", root, { extra: [eku(EMAIL)] });
    const result = validateChain({ leaf: leaf.certificate, intermediates: [], anchors: [leaf.certificate], at: AT }, { as: "both" });
    expect(result.ok).toBe(true);
  });
});
