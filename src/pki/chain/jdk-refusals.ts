import type { Certificate } from "../certificate.js";
import { Tag, readChildren, readTlv } from "../der.js";
import type { ChainFailure } from "./result.js";

/**
 * What the JDK 17 trust manager refuses although RFC 5280 accepts it, for every certificate of
 * a path (the trust anchor included: the JDK parses it and checks its key):
 * - keys `jdk.certpath.disabledAlgorithms` disables: RSA and DSA under 1024 bits, EC under 224
 *   bits, and curves other than P-256, P-384 and P-521 (JDK 17 ships no other curve and lists the
 *   rest in `jdk.disabled.namedCurves`); MD2 and MD5 signatures;
 * - encodings its certificate parser rejects: explicit EC parameters ("Only named ECParameters
 *   supported"), an empty subject without a critical subjectAltName.
 */
const JDK_CURVES: ReadonlySet<string> = new Set(["P-256", "P-384", "P-521"]);
const DISABLED_SIGNATURES: ReadonlySet<string> = new Set(["1.2.840.113549.1.1.2", "1.2.840.113549.1.1.4"]); // MD2, MD5 with RSA
const EC_PUBLIC_KEY = "1.2.840.10045.2.1";
const SUBJECT_ALT_NAME_OID = "2.5.29.17";

export function jdkRefusals(path: readonly Certificate[]): ChainFailure[] {
  const failures: ChainFailure[] = [];
  path.forEach((cert, index) => {
    const reason = refusal(cert);
    if (reason) failures.push({ index, code: "JDK_REFUSED", message: `the JDK refuses ${cert.subject || "(empty subject)"}: ${reason}` });
  });
  return failures;
}

function refusal(cert: Certificate): string | undefined {
  const key = cert.publicKey;
  if (key.algorithm === "ec" || key.algorithm === EC_PUBLIC_KEY) {
    if (hasExplicitEcParameters(key.spki)) return "its EC key has explicit curve parameters (the JDK supports only named curves)";
    if (!key.curve || !JDK_CURVES.has(key.curve)) return `its EC key on ${key.curve ?? "an unknown curve"} is disabled (jdk.certpath.disabledAlgorithms, jdk.disabled.namedCurves)`;
  }
  if ((key.algorithm === "rsa" || key.algorithm === "rsa-pss" || key.algorithm === "dsa") && key.bits > 0 && key.bits < 1024) {
    return `its ${key.bits}-bit ${key.algorithm.toUpperCase()} key is disabled (jdk.certpath.disabledAlgorithms: keySize < 1024)`;
  }
  if (DISABLED_SIGNATURES.has(cert.signatureAlgorithm.oid)) return `its signature algorithm ${cert.signatureAlgorithm.name} is disabled (jdk.certpath.disabledAlgorithms)`;
  if (isEmptyName(cert.subjectDer) && !cert.extensions.some((e) => e.oid === SUBJECT_ALT_NAME_OID && e.critical)) {
    return "its subject is empty and its subjectAltName is not critical (\"X.509 Certificate is incomplete\")";
  }
  return undefined;
}

function hasExplicitEcParameters(spki: Uint8Array): boolean {
  try {
    const [algorithm] = readChildren(spki, readTlv(spki, 0));
    const parameters = algorithm ? readChildren(spki, algorithm)[1] : undefined;
    return parameters !== undefined && parameters.tag === Tag.sequence;
  } catch {
    return false;
  }
}

function isEmptyName(nameDer: Uint8Array): boolean {
  try {
    return readChildren(nameDer, readTlv(nameDer, 0)).length === 0;
  } catch {
    return false;
  }
}
