import { randomBytes } from "node:crypto";
import * as asn1js from "asn1js";
import { ContentInfo } from "@peculiar/asn1-cms";
import { AuthenticatedSafe, CertBag, PFX, PKCS12Attribute, SafeBag, SafeContents } from "@peculiar/asn1-pfx";
import { AsnSerializer } from "@peculiar/asn1-schema";
import { toArrayBuffer } from "../../src/pki/pkcs12/der.js";
import { bmpPassword } from "../../src/pki/pkcs12/kdf.js";
import { computeMac } from "../../src/pki/pkcs12/mac.js";
import { Oid } from "../../src/pki/pkcs12/oids.js";

/** Small PFX files assembled bag by bag, for shapes no tool at hand writes (secret bags, unknown key types). */

export interface BagAttributesInput {
  readonly friendlyName?: string;
  readonly localKeyId?: Uint8Array;
}

function attributes(input: BagAttributesInput): PKCS12Attribute[] | undefined {
  const out: PKCS12Attribute[] = [];
  const add = (oid: string, value: asn1js.BaseBlock) => {
    const attribute = new PKCS12Attribute();
    attribute.attrId = oid;
    attribute.attrValues = [value.toBER(false)];
    out.push(attribute);
  };
  if (input.friendlyName !== undefined) add(Oid.friendlyName, new asn1js.BmpString({ value: input.friendlyName }));
  if (input.localKeyId !== undefined) add(Oid.localKeyId, new asn1js.OctetString({ valueHex: toArrayBuffer(input.localKeyId) }));
  return out.length > 0 ? out : undefined;
}

export function bag(bagId: string, value: Uint8Array | ArrayBuffer, input: BagAttributesInput = {}): SafeBag {
  const result = new SafeBag({ bagId, bagValue: value instanceof Uint8Array ? toArrayBuffer(value) : value });
  const attrs = attributes(input);
  if (attrs !== undefined) result.bagAttributes = attrs;
  return result;
}

export function certificateBag(der: Uint8Array, input: BagAttributesInput = {}): SafeBag {
  const certValue = new asn1js.OctetString({ valueHex: toArrayBuffer(der) }).toBER(false);
  return bag(Oid.certBag, AsnSerializer.serialize(new CertBag({ certId: Oid.x509Certificate, certValue })), input);
}

/** An unencrypted keyBag holding `pkcs8`. */
export function keyBag(pkcs8: Uint8Array, input: BagAttributesInput = {}): SafeBag {
  return bag(Oid.keyBag, pkcs8, input);
}

/** A PKCS#8 PrivateKeyInfo for an algorithm OID with arbitrary key bytes (a key Node cannot read). */
export function opaquePkcs8(algorithmOid: string, key: Uint8Array): Uint8Array {
  return new Uint8Array(
    new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 0 }),
        new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: algorithmOid })] }),
        new asn1js.OctetString({ valueHex: toArrayBuffer(key) }),
      ],
    }).toBER(false),
  );
}

/**
 * A PFX whose AuthenticatedSafe holds one plain Data ContentInfo with `bags`; with `password`
 * an HMAC-SHA256 MAC keyed by the PKCS#12 KDF (1 iteration), without it no MAC.
 */
export async function buildPfx(bags: readonly SafeBag[], password?: string): Promise<Uint8Array> {
  const safe = new Uint8Array(AsnSerializer.serialize(new SafeContents([...bags])));
  const data = (content: Uint8Array) =>
    new ContentInfo({ contentType: Oid.data, content: new asn1js.OctetString({ valueHex: toArrayBuffer(content) }).toBER(false) });
  const authSafe = new Uint8Array(AsnSerializer.serialize(new AuthenticatedSafe([data(safe)])));
  const pfx = new PFX({ version: 3, authSafe: data(authSafe) });
  if (password !== undefined) pfx.macData = await computeMac("sha256", bmpPassword(password), authSafe, { salt: randomBytes(8), iterations: 1 });
  return new Uint8Array(AsnSerializer.serialize(pfx));
}
