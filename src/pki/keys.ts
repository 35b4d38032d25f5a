/**
 * Private keys: generation, reading every common PEM/DER form (plain and encrypted), export,
 * and the bridges to WebCrypto signing. The pieces live in src/pki/keys/.
 */
export type { PrivateKey, KeyAlgorithm, NamedCurve } from "./keys/private-key.js";
export type { KeySpec } from "./keys/key-spec.js";
export { parseKeySpec, formatKeySpec, generateKey, defaultKeySpec } from "./keys/key-spec.js";
export type { ReadPrivateKeyOptions } from "./keys/read-private-key.js";
export { readPrivateKey } from "./keys/read-private-key.js";
export { MAX_PBKDF2_ITERATIONS } from "./keys/pbes2.js";
export type { ExportPrivateKeyOptions, PrivateKeyFormat, SigningHash } from "./keys/export-private-key.js";
export {
  exportPrivateKeyPem,
  exportPrivateKeyDer,
  publicKeyOf,
  toSigningKey,
  toVerifyingKey,
  signingAlgorithm,
  defaultSigningHash,
  keyMatchesCertificateSpki,
  PKCS8_PBKDF2_ITERATIONS,
} from "./keys/export-private-key.js";
