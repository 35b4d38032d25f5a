import type { Pkcs12Failures } from "./failures.js";
import { TOTAL_ITERATION_BUDGET_FACTOR } from "./limits.js";

/**
 * Counts the key-derivation iterations a read spends. Each derivation is checked against the cap
 * before it starts, and all of them together against a total, so a hostile file naming a huge
 * count (or a thousand moderate ones) is refused before the work is done.
 */
export class WorkBudget {
  private spent = 0;
  private readonly total: number;

  constructor(
    readonly maxIterations: number,
    private readonly failures: Pkcs12Failures,
  ) {
    this.total = maxIterations * TOTAL_ITERATION_BUDGET_FACTOR;
  }

  /** Refuses an iteration count over the per-derivation cap (no work is charged). */
  check(iterations: number, what: string): void {
    if (iterations > this.maxIterations) {
      throw this.failures.limit(
        `${what} asks for ${iterations} iterations, more than the cap of ${this.maxIterations}`,
        "If you trust this file, raise the iteration cap (maxIterations); otherwise treat the file as hostile.",
      );
    }
  }

  /** Refuses up front a file whose known derivations together already exceed the total. */
  checkTotal(iterations: number): void {
    if (iterations > this.total) {
      throw this.failures.limit(
        `its key derivations add up to ${iterations} iterations, more than ${this.total} in total`,
        "If you trust this file, raise the iteration cap (maxIterations); otherwise treat the file as hostile.",
      );
    }
  }

  /** Charges one derivation of `iterations`, refusing it when the cap or the total is exceeded. */
  spend(iterations: number, what: string): void {
    this.check(iterations, what);
    if (this.spent + iterations > this.total) {
      throw this.failures.limit(
        `${what} would bring the key derivations of this file to more than ${this.total} iterations in total`,
        "If you trust this file, raise the iteration cap (maxIterations); otherwise treat the file as hostile.",
      );
    }
    this.spent += iterations;
  }
}
