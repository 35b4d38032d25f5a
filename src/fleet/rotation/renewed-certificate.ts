import type { Certificate } from "../../pki/certificate.js";
import { Tag, contentOf, decodeOid, readChildren, readTlv } from "../../pki/der.js";
import type { DistinguishedName } from "../../pki/distinguished-name.js";
import type { Issuer } from "../../pki/issue.js";
import { decodeOtherNameValue } from "../../pki/names.js";

/**
 * Phase 2's certificate: the node's certificate issued again by the new CA, with the same subject
 * and names (otherName, DNS, IP) and a new validity, for the given public key. The one place
 * `rotate plan` issues a certificate, so the byte-preserving reissue of `othername renew`
 * (src/pki/reissue.ts) can take its place in one call.
 *
 * @param leaf - The node's current certificate.
 * @param issuer - The new CA, ready to sign (`prepareIssuer`).
 * @param options - The validity and the new certificate's SubjectPublicKeyInfo (DER).
 * @returns The new certificate as DER, verified against the new CA.
 * @throws OthernameError from the issuer when the result does not verify.
 * @example
 * ```ts
 * const der = await renewedCertificate(leaf, issuer, { notBefore, notAfter, publicKey: key.spki });
 * ```
 */
export async function renewedCertificate(
  leaf: Certificate,
  issuer: Issuer,
  options: { readonly notBefore: Date; readonly notAfter: Date; readonly publicKey: Uint8Array },
): Promise<Uint8Array> {
  return issuer.issue({
    subject: nameOf(leaf.subjectDer),
    san: { otherNameCommonName: leaf.san.otherNameCommonName, dns: leaf.san.dns, ip: leaf.san.ip },
    publicKey: options.publicKey,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
  });
}

/** A DER Name back into RDNs in RFC 4514 order (most specific first), the order `issue` encodes from. */
function nameOf(der: Uint8Array): DistinguishedName {
  const rdns = readChildren(der, readTlv(der, 0)).map((rdn) =>
    readChildren(der, rdn).flatMap((attribute) => {
      const [type, value] = readChildren(der, attribute);
      if (type?.tag !== Tag.oid || value === undefined) return [];
      const text = decodeOtherNameValue(value.tag, contentOf(der, value));
      return text === undefined ? [] : [{ type: decodeOid(contentOf(der, type)), value: text }];
    }),
  );
  return rdns.reverse();
}
