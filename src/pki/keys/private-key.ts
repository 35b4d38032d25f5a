import { createPublicKey } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { OthernameError } from "../../errors.js";
import { curveOids, describeOid } from "./oids.js";

export type KeyAlgorithm = "rsa" | "ec" | "ed25519";
export type NamedCurve = "P-256" | "P-384" | "P-521";

/**
 * A private key as an immutable value: its kind and size plus the two DER encodings every
 * consumer needs (PKCS#8 for signing and export, SubjectPublicKeyInfo for certificates).
 */
export interface PrivateKey {
  readonly algorithm: KeyAlgorithm;
  /** RSA modulus length; EC field size (256, 384, 521); 256 for Ed25519. */
  readonly bits: number;
  readonly curve?: NamedCurve;
  /** Unencrypted PrivateKeyInfo DER (RFC 5958 §2). */
  readonly pkcs8: Uint8Array;
  /** SubjectPublicKeyInfo DER (RFC 5280 §4.1.2.7). */
  readonly spki: Uint8Array;
}

/** Node's (OpenSSL's) curve names for the curves we support. */
const nodeCurves: Readonly<Record<string, NamedCurve>> = {
  prime256v1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521",
};

const curveBits: Readonly<Record<NamedCurve, number>> = { "P-256": 256, "P-384": 384, "P-521": 521 };

export function unsupportedAlgorithm(what: string): OthernameError {
  return new OthernameError("KEY_UNSUPPORTED_ALGORITHM", `${what} is not supported`, {
    hint: "Use an RSA, EC P-256/P-384/P-521 or Ed25519 key, e.g. `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`.",
  });
}

/** Builds the value object from a key Node has already parsed; refuses kinds we do not sign with. */
export function privateKeyFromKeyObject(keyObject: KeyObject): PrivateKey {
  if (keyObject.type !== "private") throw new Error("privateKeyFromKeyObject needs a private key");
  const pkcs8 = new Uint8Array(keyObject.export({ format: "der", type: "pkcs8" }));
  // createPublicKey on a private KeyObject derives its public half.
  const spki = new Uint8Array(createPublicKey(keyObject).export({ format: "der", type: "spki" }));
  const type = keyObject.asymmetricKeyType;
  const details = keyObject.asymmetricKeyDetails ?? {};
  switch (type) {
    case "rsa":
      return freeze({ algorithm: "rsa", bits: details.modulusLength ?? 0, pkcs8, spki });
    case "ec": {
      const nodeName = details.namedCurve ?? "unknown";
      const curve = nodeCurves[nodeName];
      if (curve === undefined) {
        const oid = curveOids[nodeName];
        throw unsupportedAlgorithm(`EC curve ${nodeName}${oid === undefined ? "" : ` (OID ${oid})`}`);
      }
      return freeze({ algorithm: "ec", bits: curveBits[curve], curve, pkcs8, spki });
    }
    case "ed25519":
      return freeze({ algorithm: "ed25519", bits: 256, pkcs8, spki });
    default:
      throw unsupportedAlgorithm(`key type ${describeNodeType(type)}`);
  }
}

function describeNodeType(type: string | undefined): string {
  const oids: Record<string, string> = {
    "rsa-pss": "1.2.840.113549.1.1.10",
    dsa: "1.2.840.10040.4.1",
    dh: "1.2.840.113549.1.3.1",
    x25519: "1.3.101.110",
    x448: "1.3.101.111",
    ed448: "1.3.101.113",
  };
  const oid = type === undefined ? undefined : oids[type];
  return oid === undefined ? (type ?? "unknown") : describeOid(oid);
}

function freeze(key: PrivateKey): PrivateKey {
  return Object.freeze(key);
}
