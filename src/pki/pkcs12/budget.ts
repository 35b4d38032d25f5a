import type { Pkcs12Failures } from "./failures.js";
import { GOST_WORK_FACTOR, TOTAL_ITERATION_BUDGET_FACTOR } from "./limits.js";
import type { MacScheme } from "./mac.js";
import { HASH_SIZES } from "./oids.js";
import type { EncryptionScheme, PasswordForms } from "./pbe.js";
import { pbkdf2Passwords } from "./pbe.js";

/**
 * One key derivation a read runs: `blocks` output blocks of `iterations` each. Both KDFs compute
 * every output block with its own full run of iterations (RFC 7292 B.2 step 6, RFC 8018 §5.2
 * step 3), so the work is blocks × iterations: a 3DES key from SHA-1 is two blocks, a 64-byte
 * PBKDF2-HMAC-SHA1 key four.
 */
export interface Derivation {
  readonly what: string;
  readonly iterations: number;
  readonly blocks: number;
  /** Units per block × iteration: 1 for the KDFs on Node's hashes, GOST_WORK_FACTOR for GOST (limits.ts). */
  readonly weight?: number;
}

/** The work units a derivation costs (hash or HMAC invocations, weighted). */
export function derivationCost(derivation: Derivation): number {
  return derivation.iterations * derivation.blocks * (derivation.weight ?? 1);
}

const blocksOf = (length: number, blockBytes: number): number => Math.ceil(length / blockBytes);

/** One try at verifying the MAC (`mac.ts` spends it per password form it tries). */
export function macDerivation(scheme: MacScheme): Derivation {
  const what = `MAC ${scheme.name}`;
  // The PKCS#12 KDF with GOST R 34.11-94 (gost/pkcs12-kdf.ts): one 32-byte block.
  if (scheme.kind === "gost-hmac") return { what, iterations: scheme.iterations, blocks: 1, weight: GOST_WORK_FACTOR };
  if (scheme.kind === "pbmac1") return { what, iterations: scheme.iterations, blocks: blocksOf(scheme.keyLength, HASH_SIZES[scheme.prf].u) };
  // RFC 7292 B.4: the MAC key is as long as the hash output, one block.
  return { what, iterations: scheme.iterations, blocks: 1 };
}

/** One try at decrypting under `scheme` (`pbe.ts` spends it per password form it tries). */
export function decryptionDerivation(scheme: EncryptionScheme): Derivation {
  // PBKDF2-HMAC-GOSTR3411-94 for a 32-byte GOST 28147-89 key: one block.
  if (scheme.kind === "gost-pbes2") return { what: scheme.name, iterations: scheme.iterations, blocks: 1, weight: GOST_WORK_FACTOR };
  if (scheme.kind === "pbes2") return { what: scheme.name, iterations: scheme.iterations, blocks: blocksOf(scheme.keyLength, HASH_SIZES[scheme.prf].u) };
  // RFC 7292 Appendix C: key (ID 1) and IV (ID 2, 8 bytes) are separate SHA-1 derivations.
  return { what: scheme.name, iterations: scheme.iterations, blocks: blocksOf(scheme.keyLength, HASH_SIZES.sha1.u) + blocksOf(8, HASH_SIZES.sha1.u) };
}

/**
 * How many password forms a scheme may try: the PKCS#12 KDF takes each BMPString candidate (two
 * for "", as OpenSSL tries), PBKDF2 (PBES2, PBMAC1) the UTF-8 and, when they differ, ISO-8859-1 bytes.
 */
export function triesOf(scheme: MacScheme | EncryptionScheme, passwords: PasswordForms): number {
  return scheme.kind === "pbes2" || scheme.kind === "pbmac1" || scheme.kind === "gost-pbes2" ? pbkdf2Passwords(passwords).length : passwords.bmp.length;
}

/** Every try of a scheme, as `plan` charges them up front. */
export function allTries(derivation: Derivation, tries: number): Derivation[] {
  return Array.from({ length: tries }, () => derivation);
}

/**
 * Counts the key-derivation work a read spends, in blocks × iterations. Each derivation's
 * iteration count is checked against the cap, and all of them together against a total. The
 * derivations known before decryption are charged up front by `plan`, with the same
 * `Derivation` values `spend` charges later, so a file over the budget is refused before any work.
 */
export class WorkBudget {
  private spentUnits = 0;
  private plannedUnits = 0;
  private readonly total: number;

  constructor(
    readonly maxIterations: number,
    private readonly failures: Pkcs12Failures,
  ) {
    this.total = maxIterations * TOTAL_ITERATION_BUDGET_FACTOR;
  }

  /** Work spent so far (blocks × iterations). */
  get spent(): number {
    return this.spentUnits;
  }

  /** Work charged by `plan` (blocks × iterations). */
  get planned(): number {
    return this.plannedUnits;
  }

  /** Refuses an iteration count over the per-derivation cap, divided by the weight of a GOST derivation (no work is charged). */
  check(iterations: number, what: string, weight = 1): void {
    if (iterations * weight > this.maxIterations) {
      const cap = Math.floor(this.maxIterations / weight);
      const why = weight === 1 ? "" : ` for this algorithm (${this.maxIterations} divided by ${weight}: it runs in JavaScript, each iteration costing about ${weight} SHA-2 ones)`;
      throw this.failures.limit(
        `${what} asks for ${iterations} iterations, more than the cap of ${cap}${why}`,
        "If you trust this file, raise the iteration cap (maxIterations); otherwise treat the file as hostile.",
      );
    }
  }

  /** Checks, before any work, every derivation known up front: each against the cap, their sum against the total. */
  plan(derivations: readonly Derivation[]): void {
    let units = 0;
    for (const derivation of derivations) {
      this.check(derivation.iterations, derivation.what, derivation.weight);
      units += derivationCost(derivation);
    }
    if (units > this.total) {
      throw this.failures.limit(
        `its key derivations add up to ${units} iterations (hash blocks × iteration count), more than ${this.total} in total`,
        "If you trust this file, raise the iteration cap (maxIterations); otherwise treat the file as hostile.",
      );
    }
    this.plannedUnits += units;
  }

  /** Charges one derivation about to run, refusing it when the cap or the total is exceeded. */
  spend(derivation: Derivation): void {
    this.check(derivation.iterations, derivation.what, derivation.weight);
    const units = derivationCost(derivation);
    if (this.spentUnits + units > this.total) {
      throw this.failures.limit(
        `${derivation.what} would bring the key derivations of this file to more than ${this.total} iterations in total`,
        "If you trust this file, raise the iteration cap (maxIterations); otherwise treat the file as hostile.",
      );
    }
    this.spentUnits += units;
  }
}
