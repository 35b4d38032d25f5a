import { OthernameError } from "../../errors.js";
import { readChildren, readTlv, type Tlv } from "../der.js";
import { Malformed } from "./failures.js";

/** The DER of a certificate's issuer and subject Names (RFC 5280 §4.1), for chain building. */
export interface CertificateNames {
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
}

const SEQUENCE = 0x30;

/**
 * Locates issuer and subject in TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber,
 * signature, issuer, validity, subject, ... } without decoding the rest; throws Malformed when the
 * bytes are not shaped like a certificate.
 */
export function certificateNames(der: Uint8Array): CertificateNames {
  try {
    return locateNames(der);
  } catch (error) {
    // A DER-level fault inside a bag is the file's corruption, reported as such by the reader.
    if (error instanceof OthernameError) throw new Malformed(error.message);
    throw error;
  }
}

function locateNames(der: Uint8Array): CertificateNames {
  const certificate = readTlv(der, 0);
  if (certificate.tag !== SEQUENCE || certificate.end !== der.length) throw new Malformed("certificate is not one DER SEQUENCE");
  const [tbs, signatureAlgorithm, signature] = readChildren(der, certificate);
  if (tbs?.tag !== SEQUENCE || signatureAlgorithm?.tag !== SEQUENCE || signature?.tag !== 0x03) throw new Malformed("certificate has no TBSCertificate");
  const fields = readChildren(der, tbs);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const [serial, algorithm, issuer, validity, subject] = fields.slice(offset, offset + 5) as (Tlv | undefined)[];
  if (serial?.tag !== 0x02 || algorithm?.tag !== SEQUENCE || issuer?.tag !== SEQUENCE || validity?.tag !== SEQUENCE || subject?.tag !== SEQUENCE) {
    throw new Malformed("certificate fields are out of shape");
  }
  return { issuer: der.subarray(issuer.start, issuer.end), subject: der.subarray(subject.start, subject.end) };
}
