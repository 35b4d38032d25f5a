import { createPrivateKey, createPublicKey } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { readPublicKey } from "../certificate.js";
import { describeOid } from "./oids.js";

/** The key types othername signs with (certificates, CSRs, TLS client keys). */
export const SIGNING_KEY_TYPES = "RSA, EC P-256/P-384/P-521 and Ed25519";

/**
 * A private key othername cannot sign with (DSA, RSA-PSS, Ed448, brainpool, secp256k1, GOST, …),
 * described as far as Node's crypto reads it, so a keystore holding one still shows what it holds.
 */
export interface UnusableKey {
  /** Node's key type name ("dsa", "ec", "ed448", "rsa-pss"), or the PKCS#8 algorithm OID when Node cannot read the key. */
  readonly algorithm: string;
  /** Modulus length, field size or 448 for Ed448; 0 when unknown. */
  readonly bits: number;
  readonly curve?: string;
  /** SubjectPublicKeyInfo DER, when Node could derive it. */
  readonly spki?: Uint8Array;
  /** Node's crypto read the key; false: only its algorithm OID is known. */
  readonly readable: boolean;
  /** Why othername does not use it, e.g. "DSA keys cannot sign here: othername signs with …". */
  readonly reason: string;
}

const KEY_TYPE_NAMES: Readonly<Record<string, string>> = { dsa: "DSA", "rsa-pss": "RSA-PSS", ed448: "Ed448", x25519: "X25519", x448: "X448", dh: "DH" };

/** Describes the unencrypted PKCS#8 `pkcs8` that `readPrivateKey` refused as an unsupported algorithm. */
export function describeUnusableKey(pkcs8: Uint8Array): UnusableKey {
  let oid = "unknown";
  try {
    oid = AsnConvert.parse(pkcs8, PrivateKeyInfo).privateKeyAlgorithm.algorithm;
  } catch {
    // left as "unknown": the reason below still says Node could not read it
  }
  try {
    const key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
    const spki = new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" }));
    const info = readPublicKey(spki);
    const kind = info.curve !== undefined ? `EC ${info.curve}` : (KEY_TYPE_NAMES[info.algorithm] ?? info.algorithm);
    return {
      algorithm: info.algorithm,
      bits: info.bits,
      ...(info.curve !== undefined ? { curve: info.curve } : {}),
      spki,
      readable: true,
      reason: `${kind} keys cannot sign here: othername signs only with ${SIGNING_KEY_TYPES} keys`,
    };
  } catch {
    return { algorithm: oid, bits: 0, readable: false, reason: `Node's crypto cannot read ${describeOid(oid)} keys` };
  }
}
