/**
 * Bounds on the work a PKCS#12 file may ask of us. A hostile file can name any iteration count,
 * length or nesting; each limit below ends such a file with PKCS12_LIMIT_EXCEEDED before the work.
 */

/**
 * The default cap on one key derivation's iteration count (overridable per read). Real files use
 * 1 to 600,000 (OpenSSL 2048, JDK 10,000, old JDK/Elasticsearch 50,000–100,000, OWASP's 600,000
 * for PBKDF2-HMAC-SHA256). At the KDFs' real speed (about 0.1–0.3 µs per hash or HMAC) a million
 * iterations is a fraction of a second, and the whole budget below a couple of seconds.
 */
export const DEFAULT_MAX_ITERATIONS = 1_000_000;

/**
 * All derivations of one read together may spend this many times the per-derivation cap, counted
 * as hash blocks × iterations (budget.ts): a normal file needs three to six blocks (MAC,
 * certificates, key; a 3DES key and its IV are three); the empty password may double them.
 */
export const TOTAL_ITERATION_BUDGET_FACTOR = 8;

/**
 * GOST R 34.11-94 and GOST 28147-89 run in JavaScript here (Node's OpenSSL has no GOST): one
 * PBKDF2-HMAC-GOSTR3411 iteration took 35–350 µs against 0.8–2.3 µs for Node's
 * PBKDF2-HMAC-SHA256, 36–220× measured side by side on a loaded 2-CPU machine. GOST derivations
 * are charged this many units per block × iteration, and their iteration count is capped at
 * maxIterations divided by it: 5,000 at the default cap (CryptoPro and the OpenSSL GOST engine
 * write 2,048), and the whole budget then holds 40,000 GOST iterations, about 1.5 s.
 */
export const GOST_WORK_FACTOR = 200;

/** Largest file we parse: real keystores are kilobytes; 32 MiB leaves room for huge bundles. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** Deepest ASN.1 nesting accepted anywhere (real files stay under 12). */
export const MAX_ASN1_DEPTH = 48;

/** ContentInfos in the AuthenticatedSafe, and bags in the whole file. */
export const MAX_CONTENT_INFOS = 1_000;
export const MAX_BAGS = 10_000;

/** Nested safeContentsBag levels (RFC 7292 §4.2.6 allows recursion; nobody needs much). */
export const MAX_SAFE_CONTENTS_DEPTH = 4;

/** Salts longer than this are refused (real ones are 8–64 bytes). */
export const MAX_SALT_BYTES = 1_024;

/** Attributes on one bag (real bags carry two or three). */
export const MAX_ATTRIBUTES_PER_BAG = 64;
