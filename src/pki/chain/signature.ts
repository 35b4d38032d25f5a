import { createPublicKey, constants, verify, type KeyObject } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { RsaSaPssParams } from "@peculiar/asn1-rsa";
import type { Certificate } from "../certificate.js";

/**
 * Verifies that `issuer`'s key signed `subject` (RFC 5280 §6.1.3 (a)(1)): Node's
 * `crypto.verify` over the exact TBSCertificate bytes, so the work is OpenSSL's own.
 */
export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const HASH_BY_OID: Readonly<Record<string, string>> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.4": "sha224",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

type Scheme =
  | { readonly kind: "pkcs1"; readonly hash: string }
  | { readonly kind: "ecdsa"; readonly hash: string }
  | { readonly kind: "dsa"; readonly hash: string }
  | { readonly kind: "eddsa" }
  | { readonly kind: "pss" };

const SCHEME_BY_OID: Readonly<Record<string, Scheme>> = {
  "1.2.840.113549.1.1.5": { kind: "pkcs1", hash: "sha1" },
  "1.2.840.113549.1.1.14": { kind: "pkcs1", hash: "sha224" },
  "1.2.840.113549.1.1.11": { kind: "pkcs1", hash: "sha256" },
  "1.2.840.113549.1.1.12": { kind: "pkcs1", hash: "sha384" },
  "1.2.840.113549.1.1.13": { kind: "pkcs1", hash: "sha512" },
  "1.2.840.113549.1.1.10": { kind: "pss" },
  // DSA (RFC 3279 §2.2.2, RFC 5758 §3.1): RFC 5280 and the JDK accept it; the CA/B Forum does not.
  "1.2.840.10040.4.3": { kind: "dsa", hash: "sha1" },
  "2.16.840.1.101.3.4.3.1": { kind: "dsa", hash: "sha224" },
  "2.16.840.1.101.3.4.3.2": { kind: "dsa", hash: "sha256" },
  "1.2.840.10045.4.1": { kind: "ecdsa", hash: "sha1" },
  "1.2.840.10045.4.3.1": { kind: "ecdsa", hash: "sha224" },
  "1.2.840.10045.4.3.2": { kind: "ecdsa", hash: "sha256" },
  "1.2.840.10045.4.3.3": { kind: "ecdsa", hash: "sha384" },
  "1.2.840.10045.4.3.4": { kind: "ecdsa", hash: "sha512" },
  "1.3.101.112": { kind: "eddsa" }, // Ed25519 (RFC 8410)
  "1.3.101.113": { kind: "eddsa" }, // Ed448
};

const MGF1_OID = "1.2.840.113549.1.1.8";

// Keyed by the issuer's SPKI byte array: an anchor verified a thousand times is imported once.
const keyCache = new WeakMap<Uint8Array, KeyObject>();

function publicKeyOf(issuer: Certificate): KeyObject {
  const spki = issuer.publicKey.spki;
  let key = keyCache.get(spki);
  if (!key) {
    key = createPublicKey({ key: Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength), format: "der", type: "spki" });
    keyCache.set(spki, key);
  }
  return key;
}

export function verifyCertificateSignature(subject: Certificate, issuer: Certificate): SignatureCheck {
  const oid = subject.signatureAlgorithm.oid;
  const scheme = SCHEME_BY_OID[oid];
  if (!scheme) return { ok: false, reason: `unsupported signature algorithm ${subject.signatureAlgorithm.name} (${oid})` };
  let key: KeyObject;
  try {
    key = publicKeyOf(issuer);
  } catch (error) {
    return { ok: false, reason: `the issuer's public key cannot be used (${(error as Error).message})` };
  }
  const data = subject.tbs;
  const signature = subject.signature;
  try {
    switch (scheme.kind) {
      case "pkcs1":
        return outcome(verify(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature));
      case "ecdsa":
      case "dsa":
        // X.509 carries (EC)DSA signatures as DER SEQUENCE { r, s } (RFC 5758 §3.2, RFC 3279 §2.2.2).
        return outcome(verify(scheme.hash, data, { key, dsaEncoding: "der" }, signature));
      case "eddsa":
        return outcome(verify(null, data, key, signature));
      case "pss": {
        const params = pssParameters(subject.signatureAlgorithmDer);
        if (!params.ok) return params;
        return outcome(
          verify(params.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }, signature),
        );
      }
    }
  } catch (error) {
    return { ok: false, reason: `the signature cannot be checked with the issuer's ${issuer.publicKey.algorithm} key (${(error as Error).message})` };
  }
}

function outcome(valid: boolean): SignatureCheck {
  return valid ? { ok: true } : { ok: false, reason: "the signature does not verify with the issuer's public key" };
}

type PssParameters = { readonly ok: true; readonly hash: string; readonly saltLength: number } | { readonly ok: false; readonly reason: string };

/** RSASSA-PSS-params (RFC 4055 §3.1): defaults SHA-1, MGF1-SHA-1, salt 20, trailer 1. */
function pssParameters(algorithmDer: Uint8Array): PssParameters {
  let params: RsaSaPssParams;
  try {
    const algorithm = AsnConvert.parse(algorithmDer, AlgorithmIdentifier);
    params = algorithm.parameters ? AsnConvert.parse(algorithm.parameters, RsaSaPssParams) : new RsaSaPssParams();
  } catch (error) {
    return { ok: false, reason: `malformed RSASSA-PSS parameters (${(error as Error).message})` };
  }
  const hash = HASH_BY_OID[params.hashAlgorithm.algorithm];
  if (!hash) return { ok: false, reason: `unsupported RSASSA-PSS hash ${params.hashAlgorithm.algorithm}` };
  if (params.maskGenAlgorithm.algorithm !== MGF1_OID) {
    return { ok: false, reason: `unsupported RSASSA-PSS mask generation ${params.maskGenAlgorithm.algorithm}` };
  }
  // Node's PSS uses the message hash for MGF1 too; certificates in practice do the same.
  let mgfHash: string | undefined;
  try {
    const mgfParams = params.maskGenAlgorithm.parameters;
    mgfHash = mgfParams ? HASH_BY_OID[AsnConvert.parse(mgfParams, AlgorithmIdentifier).algorithm] : "sha1";
  } catch {
    mgfHash = undefined;
  }
  if (mgfHash !== hash) return { ok: false, reason: `unsupported RSASSA-PSS parameters: MGF1 with ${mgfHash ?? "an unknown hash"} but message hash ${hash}` };
  if (params.trailerField !== 1) return { ok: false, reason: `unsupported RSASSA-PSS trailer field ${params.trailerField}` };
  return { ok: true, hash, saltLength: params.saltLength };
}
