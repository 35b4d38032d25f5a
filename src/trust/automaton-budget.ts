import { OthernameError } from "../errors.js";

/**
 * A bound on the automaton work of a whole trust_restrictions file, shared by every pattern it
 * compiles (and by the linter's analyses), so that many patterns that are each within the
 * per-pattern limit cannot add up to minutes of CPU and gigabytes of memory.
 *
 * Elasticsearch bounds each automaton it builds for security patterns with the node setting
 * `xpack.security.automata.max_determinized_states` (default 100,000). We spend one unit per
 * automaton state created while compiling the file (every intermediate subset-construction and
 * product state counts) and stop when the whole file passes that same number, with an error
 * naming the setting: about 1.5 s of CPU at worst, while a file of thousands of ordinary
 * patterns stays far below it (a plain name costs nothing, `*.node.c.cluster.s` 19).
 */
export const DEFAULT_FILE_AUTOMATON_BUDGET = 100_000;

/** Elasticsearch's setting for the states of the automata it builds from security patterns. */
export const ES_AUTOMATA_SETTING = "xpack.security.automata.max_determinized_states";

export class AutomatonBudget {
  private used = 0;

  constructor(
    readonly limit: number = DEFAULT_FILE_AUTOMATON_BUDGET,
    /** Names what the budget is for in the error, e.g. "the trust patterns of trust.yml". */
    readonly what: string = "the trust patterns of the file",
  ) {}

  get spent(): number {
    return this.used;
  }

  get exhausted(): boolean {
    return this.used > this.limit;
  }

  /** Spends `units` states; throws TRUST_AUTOMATON_BUDGET once the total passes the limit. */
  spend(units: number): void {
    this.used += units;
    if (this.used > this.limit) throw budgetExceeded(this.what, this.limit);
  }
}

export function budgetExceeded(what: string, limit: number): OthernameError {
  return new OthernameError(
    "TRUST_AUTOMATON_BUDGET",
    `cannot compile ${what}: together they need more than ${limit.toLocaleString("en-US")} automaton states (othername's whole-file bound; ` +
      `Elasticsearch bounds each automaton it builds with ${ES_AUTOMATA_SETTING}, default 100,000)`,
    { hint: "Use fewer or simpler patterns: one wildcard per cluster (e.g. *.node.CLUSTER.cluster.SCOPE) instead of many regular expressions." },
  );
}
