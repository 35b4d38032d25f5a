import { AsnParser, AsnSerializer, OctetString } from "@peculiar/asn1-schema";
import { PFX } from "@peculiar/asn1-pfx";
import { describe, expect, it } from "vitest";
import { readPkcs12, writePkcs12 } from "../../src/pki/pkcs12/index.js";
import { errorCode, sourceDer } from "./helpers.js";

/** The file with byte `index` of its stored MAC changed (the first byte stays right unless index is 0). */
function withMacByteChanged(bytes: Uint8Array, index: number): Uint8Array {
  const pfx = AsnParser.parse(bytes, PFX);
  const digest = new Uint8Array(pfx.macData.mac.digest.buffer.slice(0));
  digest[index] = (digest[index] as number) ^ 0x01;
  pfx.macData.mac.digest = new OctetString(digest);
  return new Uint8Array(AsnSerializer.serialize(pfx));
}

// Item 8 of issue #13: a comparison of only the first MAC byte must not pass.
describe("the MAC is compared in full", () => {
  it.each(["last", "middle"])("a stored MAC wrong only in its %s byte is a wrong password", async (where) => {
    const written = await writePkcs12({ trustedCertificates: [{ der: sourceDer("ca.crt"), alias: "ca" }] }, "pw", { iterations: 1 });
    expect(await errorCode(readPkcs12(written, "pw"))).toBe("resolved");
    const length = AsnParser.parse(written, PFX).macData.mac.digest.byteLength;
    const changed = withMacByteChanged(written, where === "last" ? length - 1 : length >> 1);
    expect(await errorCode(readPkcs12(changed, "pw"))).toBe("PKCS12_WRONG_PASSWORD");
  });
});
