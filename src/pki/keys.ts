/**
 * Private keys: generation, reading every common PEM/DER form (plain and encrypted), export,
 * and the bridges to WebCrypto signing. The pieces live in src/pki/keys/.
 */
export type { PrivateKey, KeyAlgorithm, NamedCurve } from "./keys/private-key.js";
export type { KeySpec } from "./keys/key-spec.js";
export { parseKeySpec, formatKeySpec, generateKey, defaultKeySpec } from "./keys/key-spec.js";
