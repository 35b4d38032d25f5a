/** PKCS#12 (RFC 7292) read and write: the public surface of src/pki/pkcs12. */
export { readPkcs12 } from "./read.js";
export type { Pkcs12Certificate, Pkcs12Contents, Pkcs12Key, Pkcs12Safe, Pkcs12Secret, ReadPkcs12Options } from "./read.js";
export type { EncryptionInfo, PasswordEncoding } from "./pbe.js";
export type { MacInfo } from "./mac.js";
export { isPkcs12 } from "./sniff.js";
export { Pkcs12ErrorCode } from "./failures.js";
export { DEFAULT_MAX_ITERATIONS } from "./limits.js";
export { writePkcs12 } from "./write.js";
export type { Pkcs12KeyEntryInput, WritePkcs12Input, WritePkcs12Options } from "./write.js";
