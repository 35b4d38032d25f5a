import { OthernameError } from "../errors.js";
import type { AutomatonBudget } from "./automaton-budget.js";

/**
 * Finite automata over Unicode code points (0..0x10FFFF) with code-point range transitions,
 * the model Lucene's `org.apache.lucene.util.automaton` uses and Elasticsearch matches names
 * with. Thompson-style NFAs are built with `NfaBuilder`, turned into DFAs by subset
 * construction with a state limit (never a hang), minimized, and combined.
 *
 * Accepting states carry a *label* (a non-negative integer; -1 = not accepting). A single
 * pattern uses label 0; the union matcher of a whole file labels each pattern's accepting
 * states with its file-order index, and a determinized state keeps the lowest label of the NFA
 * states it stands for, so it knows the first matching pattern.
 */

/** The largest Unicode code point; `.`, `?`, `*` and complements range over 0..MAX_CODE_POINT. */
export const MAX_CODE_POINT = 0x10ffff;

/**
 * Lucene's `Operations.DEFAULT_DETERMINIZE_WORK_LIMIT` (10,000), which Elasticsearch applies to
 * every trust pattern. Lucene counts "work" rather than states; we count DFA states, which is
 * the same order of magnitude and keeps the promise that matters: bounded, never a hang.
 */
export const DEFAULT_MAX_DFA_STATES = 10_000;

/** A deterministic automaton: state 0 is the start; missing transitions reject. */
export interface Dfa {
  readonly stateCount: number;
  /** Per state: -1 when not accepting, else the lowest label accepted there. */
  readonly labels: Int32Array;
  /** Transitions of state s are indices offsets[s] .. offsets[s+1]-1, sorted, disjoint. */
  readonly offsets: Int32Array;
  readonly mins: Int32Array;
  readonly maxs: Int32Array;
  readonly targets: Int32Array;
}

export interface DeterminizeOptions {
  /** DFA states allowed before giving up with PATTERN_TOO_COMPLEX (default 10,000). */
  readonly maxStates?: number;
  /** Names the pattern in the error message. */
  readonly what?: string;
  /** Summed NFA-state-set sizes allowed (default 10 × maxStates, like Lucene's effort limit). */
  readonly maxEffort?: number;
  /** A whole-file bound shared by many automata: every state created is spent from it. */
  readonly budget?: AutomatonBudget;
}

/** Thrown (as OthernameError) when an automaton would exceed its state limit. */
export function tooComplex(what: string, limit: number): OthernameError {
  return new OthernameError(
    "PATTERN_TOO_COMPLEX",
    `cannot compile ${what}: determinizing it needs more than ${limit} automaton states (Elasticsearch: TooComplexToDeterminizeException)`,
    { hint: "Simplify the pattern: avoid a fixed-length tail after a wildcard (e.g. (a|b)*a(a|b){20}) and large repetition counts." },
  );
}

/** A mutable NFA with epsilon moves, for Thompson-style construction. */
export class NfaBuilder {
  /** Per state, flat triples (min, max, target). */
  readonly trans: number[][] = [];
  readonly eps: number[][] = [];
  readonly labels: number[] = [];

  get stateCount(): number {
    return this.labels.length;
  }

  addState(label = -1): number {
    this.trans.push([]);
    this.eps.push([]);
    this.labels.push(label);
    return this.labels.length - 1;
  }

  addTransition(from: number, min: number, max: number, to: number): void {
    (this.trans[from] as number[]).push(min, max, to);
  }

  addEpsilon(from: number, to: number): void {
    (this.eps[from] as number[]).push(to);
  }

  /**
   * Copies `dfa` into this NFA and returns its start state. `relabel` maps the DFA's accept
   * labels (default: keep them); `acceptTo`, when given, receives an epsilon move from every
   * accepting state (and those states stop accepting), for concatenation.
   */
  embed(dfa: Dfa, options: { relabel?: (label: number) => number; acceptTo?: number } = {}): number {
    const base = this.stateCount;
    for (let s = 0; s < dfa.stateCount; s++) {
      const label = dfa.labels[s] as number;
      const accepting = label >= 0;
      if (options.acceptTo !== undefined) {
        this.addState(-1);
        if (accepting) this.addEpsilon(base + s, options.acceptTo);
      } else {
        this.addState(accepting ? (options.relabel ? options.relabel(label) : label) : -1);
      }
    }
    for (let s = 0; s < dfa.stateCount; s++) {
      const row = this.trans[base + s] as number[];
      for (let t = dfa.offsets[s] as number; t < (dfa.offsets[s + 1] as number); t++) {
        row.push(dfa.mins[t] as number, dfa.maxs[t] as number, base + (dfa.targets[t] as number));
      }
    }
    return base;
  }
}

// ---------------------------------------------------------------------------------------------
// Basic languages

/** The empty language (Lucene `#`). */
export function emptyDfa(): Dfa {
  return buildDfa([-1], [[]]);
}

/** The language { "" }. */
export function emptyStringDfa(): Dfa {
  return buildDfa([0], [[]]);
}

/** Every string (Lucene `@`, wildcard `*`). */
export function anyStringDfa(): Dfa {
  return buildDfa([0], [[0, MAX_CODE_POINT, 0]]);
}

/** One code point from the given sorted, disjoint flat (min, max) pairs. */
export function charSetDfa(ranges: readonly number[]): Dfa {
  const row: number[] = [];
  for (let i = 0; i < ranges.length; i += 2) row.push(ranges[i] as number, ranges[i + 1] as number, 1);
  return buildDfa([-1, 0], [row, []]);
}

/** Exactly the string of the given code points. */
export function stringDfa(codePoints: readonly number[]): Dfa {
  const labels: number[] = [];
  const rows: number[][] = [];
  for (let i = 0; i < codePoints.length; i++) {
    labels.push(-1);
    rows.push([codePoints[i] as number, codePoints[i] as number, i + 1]);
  }
  labels.push(0);
  rows.push([]);
  return buildDfa(labels, rows);
}

function buildDfa(labels: readonly number[], rows: readonly (readonly number[])[]): Dfa {
  const offsets = new Int32Array(labels.length + 1);
  let n = 0;
  for (let s = 0; s < rows.length; s++) {
    offsets[s] = n;
    n += (rows[s] as number[]).length / 3;
  }
  offsets[rows.length] = n;
  const mins = new Int32Array(n);
  const maxs = new Int32Array(n);
  const targets = new Int32Array(n);
  let t = 0;
  for (const row of rows) {
    for (let i = 0; i < row.length; i += 3) {
      mins[t] = row[i] as number;
      maxs[t] = row[i + 1] as number;
      targets[t] = row[i + 2] as number;
      t++;
    }
  }
  return { stateCount: labels.length, labels: Int32Array.from(labels), offsets, mins, maxs, targets };
}

// ---------------------------------------------------------------------------------------------
// Thompson-style combinators (DFA pieces glued with epsilon moves, then determinized)

/** Concatenation of the languages, in order. */
export function concatenate(parts: readonly Dfa[], options: DeterminizeOptions = {}): Dfa {
  if (parts.length === 0) return emptyStringDfa();
  if (parts.length === 1) return parts[0] as Dfa;
  const nfa = new NfaBuilder();
  const start = nfa.addState();
  const final = nfa.addState(0);
  // Build back to front so each piece knows where its accepting states continue.
  let next = final;
  for (let i = parts.length - 1; i >= 0; i--) next = nfa.embed(parts[i] as Dfa, { acceptTo: next });
  nfa.addEpsilon(start, next);
  return minimize(determinize(nfa, start, options));
}

/** Union of the languages (labels kept). */
export function union(parts: readonly Dfa[], options: DeterminizeOptions = {}): Dfa {
  if (parts.length === 0) return emptyDfa();
  if (parts.length === 1) return parts[0] as Dfa;
  const nfa = new NfaBuilder();
  const start = nfa.addState();
  for (const part of parts) nfa.addEpsilon(start, nfa.embed(part));
  return minimize(determinize(nfa, start, options));
}

/** `a?`: the language plus the empty string. */
export function optional(a: Dfa, options: DeterminizeOptions = {}): Dfa {
  return union([a, emptyStringDfa()], options);
}

/** `a{min,max}`; `max` undefined means unbounded (`a*` is {0,}, `a+` is {1,}). */
export function repeat(a: Dfa, min: number, max: number | undefined, options: DeterminizeOptions = {}): Dfa {
  if (max !== undefined && min > max) return emptyDfa();
  const nfa = new NfaBuilder();
  const start = nfa.addState();
  const final = nfa.addState(0);
  let next = final;
  if (max === undefined) {
    // Kleene star loop: hub --ε--> a --ε--> hub, hub --ε--> next.
    const hub = nfa.addState();
    nfa.addEpsilon(hub, next);
    nfa.addEpsilon(hub, nfa.embed(a, { acceptTo: hub }));
    next = hub;
  } else {
    // (max - min) optional copies, each of which may stop early.
    for (let i = 0; i < max - min; i++) {
      const entry = nfa.addState();
      nfa.addEpsilon(entry, final);
      nfa.addEpsilon(entry, nfa.embed(a, { acceptTo: next }));
      next = entry;
    }
  }
  for (let i = 0; i < min; i++) next = nfa.embed(a, { acceptTo: next });
  nfa.addEpsilon(start, next);
  return minimize(determinize(nfa, start, options));
}

// ---------------------------------------------------------------------------------------------
// Subset construction

/** Sort-key unit of a sweep point in determinize's events (2^23: the target and open/close bit below it). */
const EVENT_POINT = 2 ** 23;

/**
 * Determinizes the NFA from `start` by subset construction over code-point ranges. Each DFA
 * state's label is the lowest label among its NFA states. Throws PATTERN_TOO_COMPLEX past
 * `maxStates` DFA states (or proportionate work), so hostile patterns end quickly.
 */
export function determinize(nfa: NfaBuilder, start: number, options: DeterminizeOptions = {}): Dfa {
  const maxStates = options.maxStates ?? DEFAULT_MAX_DFA_STATES;
  const what = options.what ?? "pattern";
  // Work bounds, as Lucene's determinize has (its effort is the summed size of the NFA-state
  // sets, limited to 10 × the work limit): set sizes, and transitions examined.
  const maxSetEffort = options.maxEffort ?? maxStates * 10;
  const maxTransitionEffort = maxSetEffort * 20;
  let setEffort = 0;
  let effort = 0;

  if (nfa.stateCount * 2 >= EVENT_POINT) throw tooComplex(what, maxStates); // event keys need the room
  const stamp = new Int32Array(nfa.stateCount);
  let generation = 0;
  const stack: number[] = [];
  const closure = (seeds: readonly number[]): number[] => {
    generation++;
    const out: number[] = [];
    for (const s of seeds) {
      if (stamp[s] !== generation) {
        stamp[s] = generation;
        stack.push(s);
      }
    }
    while (stack.length > 0) {
      const s = stack.pop() as number;
      out.push(s);
      for (const e of nfa.eps[s] as number[]) {
        if (stamp[e] !== generation) {
          stamp[e] = generation;
          stack.push(e);
        }
      }
    }
    out.sort((x, y) => x - y);
    return out;
  };

  const sets: number[][] = [];
  const index = new Map<string, number>();
  const labels: number[] = [];
  const rows: number[][] = [];
  const intern = (set: number[]): number => {
    const key = set.join(",");
    const found = index.get(key);
    if (found !== undefined) return found;
    if (sets.length >= maxStates) throw tooComplex(what, maxStates);
    options.budget?.spend(1);
    const id = sets.length;
    index.set(key, id);
    sets.push(set);
    let label = -1;
    for (const s of set) {
      const l = nfa.labels[s] as number;
      if (l >= 0 && (label < 0 || l < label)) label = l;
    }
    labels.push(label);
    rows.push([]);
    return id;
  };

  intern(closure([start]));
  /** Seed sets already turned into DFA states, by a hash of the set. */
  const closureCache = new Map<number, { readonly seeds: readonly number[]; readonly target: number }[]>();
  // Per NFA state: how many of the current DFA state's ranges that lead to it cover the sweep point.
  const activeCount = new Int32Array(nfa.stateCount);
  const active: number[] = [];
  let events = new Float64Array(64);
  for (let d = 0; d < sets.length; d++) {
    const set = sets[d] as number[];
    // Events: a range [min, max] to t opens at min and closes at max + 1. Each is one number,
    // point × 2^23 + (target × 2 + closing), so a plain numeric sort orders them by point
    // (points ≤ 0x110000 < 2^21; NFA states < 2^22 — larger NFAs exceed the effort bounds first).
    let count = 0;
    for (const s of set) count += (nfa.trans[s] as number[]).length / 3;
    setEffort += set.length;
    effort += count * 2;
    if (setEffort > maxSetEffort || effort > maxTransitionEffort) throw tooComplex(what, maxStates);
    if (count === 0) continue;
    if (events.length < count * 2) events = new Float64Array(count * 4);
    let e = 0;
    for (const s of set) {
      const row = nfa.trans[s] as number[];
      for (let i = 0; i < row.length; i += 3) {
        const to = row[i + 2] as number;
        events[e++] = (row[i] as number) * EVENT_POINT + to * 2;
        events[e++] = ((row[i + 1] as number) + 1) * EVENT_POINT + to * 2 + 1;
      }
    }
    const sorted = events.subarray(0, e).sort();
    const row = rows[d] as number[];
    let i = 0;
    let from = -1;
    while (i < e) {
      const p = Math.floor((sorted[i] as number) / EVENT_POINT);
      if (from >= 0 && active.length > 0) {
        // The active set, looked up by an order-free hash: no sort and no string on a hit.
        let sum = 0;
        let mixed = 0;
        for (const t of active) {
          const m = Math.imul(t ^ 0x9e3779b9, 0x85ebca6b);
          sum = (sum + m) | 0;
          mixed ^= Math.imul(m ^ (m >>> 13), 0xc2b2ae35);
        }
        const hash = (sum >>> 0) * 0x200000 + ((mixed >>> 0) & 0x1fffff);
        let bucket = closureCache.get(hash);
        let target = -1;
        if (bucket !== undefined) {
          for (const entry of bucket) {
            // Same size and every seed active: the same set (both hold distinct states).
            if (entry.seeds.length === active.length && entry.seeds.every((x) => (activeCount[x] as number) > 0)) {
              target = entry.target;
              break;
            }
          }
        } else {
          bucket = [];
          closureCache.set(hash, bucket);
        }
        if (target < 0) {
          const seeds = active.slice().sort((x, y) => x - y);
          target = intern(closure(seeds));
          bucket.push({ seeds, target });
        }
        const last = row.length - 3;
        if (last >= 0 && row[last + 2] === target && (row[last + 1] as number) + 1 === from) row[last + 1] = p - 1;
        else row.push(from, p - 1, target);
      }
      for (; i < e; i++) {
        const event = sorted[i] as number;
        if (Math.floor(event / EVENT_POINT) !== p) break;
        const code = event - p * EVENT_POINT;
        const to = code >>> 1;
        if ((code & 1) === 0) {
          if (activeCount[to]!++ === 0) active.push(to);
        } else if (--activeCount[to]! === 0) {
          active.splice(active.indexOf(to), 1);
        }
      }
      from = p;
    }
  }
  return buildDfa(labels, rows);
}

// ---------------------------------------------------------------------------------------------
// Minimization (Moore partition refinement) and trimming

/**
 * The minimal DFA for the same labelled language, without dead states (states from which no
 * accepting state is reachable): a run stops at the first code point that leaves the language.
 */
export function minimize(dfa: Dfa, options: { readonly maxCells?: number } = {}): Dfa {
  const live = trimMask(dfa);
  if (!live[0]) return emptyDfa();
  const { cls, count } = hopcroft(dfa, live, options.maxCells ?? MAX_MINIMIZE_CELLS);
  // Renumber live classes breadth-first from the start so state 0 is the start.
  const newId = new Int32Array(count).fill(-1);
  const representative: number[] = [];
  const queue = [0];
  newId[cls[0] as number] = 0;
  representative.push(0);
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q] as number;
    for (let t = dfa.offsets[s] as number; t < (dfa.offsets[s + 1] as number); t++) {
      const to = dfa.targets[t] as number;
      if (!live[to]) continue;
      const c = cls[to] as number;
      if (newId[c] === -1) {
        newId[c] = representative.length;
        representative.push(to);
        queue.push(to);
      }
    }
  }
  const labels: number[] = [];
  const rows: number[][] = [];
  for (const s of representative) {
    labels.push(dfa.labels[s] as number);
    const row: number[] = [];
    for (let t = dfa.offsets[s] as number; t < (dfa.offsets[s + 1] as number); t++) {
      const to = dfa.targets[t] as number;
      if (!live[to]) continue;
      const target = newId[cls[to] as number] as number;
      const last = row.length - 3;
      if (last >= 0 && row[last + 2] === target && (row[last + 1] as number) + 1 === dfa.mins[t]) row[last + 1] = dfa.maxs[t] as number;
      else row.push(dfa.mins[t] as number, dfa.maxs[t] as number, target);
    }
    rows.push(row);
  }
  return buildDfa(labels, rows);
}

/** Past this many (state × interval) cells minimization is skipped (memory bound); the DFA stays correct. */
const MAX_MINIMIZE_CELLS = 20_000_000;

/**
 * Hopcroft's partition refinement, over the elementary code-point intervals the DFA's ranges
 * cut the alphabet into (so a range DFA becomes a total DFA over K letters plus a dead state).
 * O(K·n·log n); returns each state's class (dead states share one class).
 */
function hopcroft(dfa: Dfa, live: Uint8Array, maxCells: number): { cls: Int32Array; count: number } {
  const n = dfa.stateCount + 1; // + the dead sink
  const dead = n - 1;
  const bounds = new Set<number>();
  for (let t = 0; t < dfa.mins.length; t++) {
    bounds.add(dfa.mins[t] as number);
    bounds.add((dfa.maxs[t] as number) + 1);
  }
  const cuts = Float64Array.from(bounds).sort();
  const K = Math.max(0, cuts.length - 1);
  if (n * K > maxCells) {
    // Too big to tabulate: keep every live state as its own class (trimmed, not minimal).
    const cls = new Int32Array(dfa.stateCount);
    let count = 0;
    for (let s = 0; s < dfa.stateCount; s++) cls[s] = live[s] ? count++ : -1;
    for (let s = 0; s < dfa.stateCount; s++) if (cls[s] === -1) cls[s] = count;
    return { cls, count: count + 1 };
  }
  // Total transition table over the elementary intervals.
  const delta = new Int32Array(n * K).fill(dead);
  for (let s = 0; s < dfa.stateCount; s++) {
    if (!live[s]) continue;
    for (let t = dfa.offsets[s] as number; t < (dfa.offsets[s + 1] as number); t++) {
      const to = dfa.targets[t] as number;
      if (!live[to]) continue;
      let lo = 0;
      let hi = K - 1;
      const min = dfa.mins[t] as number;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cuts[mid] as number) < min) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < K && (cuts[k] as number) <= (dfa.maxs[t] as number); k++) delta[s * K + k] = to;
    }
  }
  // Inverse transitions, grouped by (letter, target).
  const invStart = new Int32Array(K * n + 1);
  for (let s = 0; s < n; s++) for (let k = 0; k < K; k++) invStart[k * n + (delta[s * K + k] as number) + 1]!++;
  for (let i = 0; i < K * n; i++) invStart[i + 1]! += invStart[i] as number;
  const inv = new Int32Array(n * K);
  const fill = invStart.slice(0, K * n);
  for (let s = 0; s < n; s++) for (let k = 0; k < K; k++) inv[fill[k * n + (delta[s * K + k] as number)]!++] = s;

  // Blocks as ranges of `elems`; initial blocks by label, dead states with the sink.
  const blockOf = new Int32Array(n);
  const initial = new Map<number, number>();
  for (let s = 0; s < n; s++) {
    const key = s === dead || !live[s] ? -2 : (dfa.labels[s] as number);
    let b = initial.get(key);
    if (b === undefined) {
      b = initial.size;
      initial.set(key, b);
    }
    blockOf[s] = b;
  }
  let blocks = initial.size;
  const first = new Int32Array(n + 1);
  const end = new Int32Array(n + 1);
  const sizes = new Int32Array(n + 1);
  for (let s = 0; s < n; s++) sizes[blockOf[s] as number]!++;
  for (let b = 1; b < blocks; b++) first[b] = (first[b - 1] as number) + (sizes[b - 1] as number);
  for (let b = 0; b < blocks; b++) end[b] = first[b] as number;
  const elems = new Int32Array(n);
  const pos = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const b = blockOf[s] as number;
    pos[s] = end[b] as number;
    elems[end[b]!++] = s;
  }
  const marked = new Int32Array(n + 1);
  const touched: number[] = [];
  const inList = new Uint8Array((n + 1) * Math.max(K, 1));
  const work: number[] = [];
  for (let b = 0; b < blocks; b++) {
    for (let k = 0; k < K; k++) {
      work.push(b * K + k);
      inList[b * K + k] = 1;
    }
  }
  // The splitter's states, copied: marking moves states inside their blocks, the splitter's too.
  const members = new Int32Array(n);
  while (work.length > 0) {
    const item = work.pop() as number;
    inList[item] = 0;
    const splitter = Math.floor(item / K);
    const k = item - splitter * K;
    const memberCount = (end[splitter] as number) - (first[splitter] as number);
    members.set(elems.subarray(first[splitter] as number, end[splitter] as number));
    for (let m = 0; m < memberCount; m++) {
      const t = members[m] as number;
      for (let i = invStart[k * n + t] as number; i < (invStart[k * n + t + 1] as number); i++) {
        const p = inv[i] as number;
        const b = blockOf[p] as number;
        const slot = (first[b] as number) + (marked[b] as number);
        if ((pos[p] as number) < slot) continue; // already marked
        // Swap p to the marked front of its block.
        const other = elems[slot] as number;
        elems[pos[p] as number] = other;
        pos[other] = pos[p] as number;
        elems[slot] = p;
        pos[p] = slot;
        if (marked[b] === 0) touched.push(b);
        marked[b]!++;
      }
    }
    for (const b of touched) {
      const m = marked[b] as number;
      marked[b] = 0;
      const size = (end[b] as number) - (first[b] as number);
      if (m === size) continue;
      const nb = blocks++;
      first[nb] = first[b] as number;
      end[nb] = (first[b] as number) + m;
      first[b] = end[nb] as number;
      for (let i = first[nb] as number; i < (end[nb] as number); i++) blockOf[elems[i] as number] = nb;
      const smaller = m <= size - m ? nb : b;
      for (let kk = 0; kk < K; kk++) {
        const add = inList[b * K + kk] ? nb : smaller;
        if (!inList[add * K + kk]) {
          inList[add * K + kk] = 1;
          work.push(add * K + kk);
        }
      }
    }
    touched.length = 0;
  }
  return { cls: blockOf.subarray(0, dfa.stateCount), count: blocks };
}

/** Which states are reachable from the start and can reach an accepting state. */
function trimMask(dfa: Dfa): Uint8Array {
  const n = dfa.stateCount;
  const reach = new Uint8Array(n);
  const queue = [0];
  reach[0] = 1;
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q] as number;
    for (let t = dfa.offsets[s] as number; t < (dfa.offsets[s + 1] as number); t++) {
      const to = dfa.targets[t] as number;
      if (!reach[to]) {
        reach[to] = 1;
        queue.push(to);
      }
    }
  }
  // Reverse edges for co-reachability.
  const revCount = new Int32Array(n + 1);
  for (let t = 0; t < dfa.targets.length; t++) revCount[(dfa.targets[t] as number) + 1]!++;
  for (let s = 0; s < n; s++) revCount[s + 1]! += revCount[s] as number;
  const rev = new Int32Array(dfa.targets.length);
  const fill = revCount.slice();
  for (let s = 0; s < n; s++) {
    for (let t = dfa.offsets[s] as number; t < (dfa.offsets[s + 1] as number); t++) {
      const to = dfa.targets[t] as number;
      rev[fill[to]!++] = s;
    }
  }
  const live = new Uint8Array(n);
  const back: number[] = [];
  for (let s = 0; s < n; s++) {
    if ((dfa.labels[s] as number) >= 0) {
      live[s] = 1;
      back.push(s);
    }
  }
  for (let q = 0; q < back.length; q++) {
    const s = back[q] as number;
    for (let r = revCount[s] as number; r < (revCount[s + 1] as number); r++) {
      const from = rev[r] as number;
      if (!live[from]) {
        live[from] = 1;
        back.push(from);
      }
    }
  }
  for (let s = 0; s < n; s++) live[s] = live[s]! & reach[s]!;
  return live;
}

// ---------------------------------------------------------------------------------------------
// Set operations

/** The complement over all strings of code points 0..0x10FFFF (Lucene `~`); label 0. */
export function complement(a: Dfa): Dfa {
  const sink = a.stateCount;
  const labels: number[] = [];
  const rows: number[][] = [];
  for (let s = 0; s < a.stateCount; s++) {
    labels.push((a.labels[s] as number) >= 0 ? -1 : 0);
    const row: number[] = [];
    let next = 0;
    for (let t = a.offsets[s] as number; t < (a.offsets[s + 1] as number); t++) {
      const lo = a.mins[t] as number;
      if (lo > next) row.push(next, lo - 1, sink);
      row.push(lo, a.maxs[t] as number, a.targets[t] as number);
      next = (a.maxs[t] as number) + 1;
    }
    if (next <= MAX_CODE_POINT) row.push(next, MAX_CODE_POINT, sink);
    rows.push(row);
  }
  labels.push(0);
  rows.push([0, MAX_CODE_POINT, sink]);
  return minimize(buildDfa(labels, rows));
}

/** The intersection (Lucene `&`); label 0. Bounded like determinization. */
export function intersection(a: Dfa, b: Dfa, options: DeterminizeOptions = {}): Dfa {
  const maxStates = options.maxStates ?? DEFAULT_MAX_DFA_STATES;
  const pairs = new Map<number, number>();
  const queue: [number, number][] = [[0, 0]];
  pairs.set(0, 0);
  const labels: number[] = [];
  const rows: number[][] = [];
  for (let q = 0; q < queue.length; q++) {
    const [x, y] = queue[q] as [number, number];
    labels.push((a.labels[x] as number) >= 0 && (b.labels[y] as number) >= 0 ? 0 : -1);
    const row: number[] = [];
    let i = a.offsets[x] as number;
    let j = b.offsets[y] as number;
    const iEnd = a.offsets[x + 1] as number;
    const jEnd = b.offsets[y + 1] as number;
    while (i < iEnd && j < jEnd) {
      const lo = Math.max(a.mins[i] as number, b.mins[j] as number);
      const hi = Math.min(a.maxs[i] as number, b.maxs[j] as number);
      if (lo <= hi) {
        const tx = a.targets[i] as number;
        const ty = b.targets[j] as number;
        const key = tx * b.stateCount + ty;
        let id = pairs.get(key);
        if (id === undefined) {
          if (pairs.size >= maxStates) throw tooComplex(options.what ?? "pattern", maxStates);
          options.budget?.spend(1);
          id = pairs.size;
          pairs.set(key, id);
          queue.push([tx, ty]);
        }
        row.push(lo, hi, id);
      }
      if ((a.maxs[i] as number) < (b.maxs[j] as number)) i++;
      else j++;
    }
    rows.push(row);
  }
  return minimize(buildDfa(labels, rows));
}

/** True when the DFA accepts no string at all. */
export function isEmpty(a: Dfa): boolean {
  return shortestAccepted(a) === undefined;
}

/**
 * True when `a` accepts every string: each state reachable from the start accepts and has a
 * transition for every code point (a reachable state that does not accept, or lacks a code
 * point, rejects the string that leads there, or that string plus the missing point). Linear in
 * the DFA, without building its complement.
 */
export function isUniversal(a: Dfa): boolean {
  if (a.stateCount === 0) return false;
  const seen = new Uint8Array(a.stateCount);
  const queue = [0];
  seen[0] = 1;
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q] as number;
    if ((a.labels[s] as number) < 0) return false;
    let next = 0;
    for (let t = a.offsets[s] as number; t < (a.offsets[s + 1] as number); t++) {
      if ((a.mins[t] as number) !== next) return false; // transitions are sorted and disjoint
      next = (a.maxs[t] as number) + 1;
      const to = a.targets[t] as number;
      if (!seen[to]) {
        seen[to] = 1;
        queue.push(to);
      }
    }
    if (next !== MAX_CODE_POINT + 1) return false;
  }
  return true;
}

/**
 * True when every string `a` accepts is also accepted by `b` (A ⊆ B): a breadth-first walk of
 * the product of `a` with `b` completed by a dead state, stopping at the first pair where `a`
 * accepts and `b` does not. The same answer as "A ∩ ¬B is empty" without building the
 * complement or minimizing the product (lint asks this for up to 20,000 pairs of patterns).
 */
export function isSubsetOf(a: Dfa, b: Dfa, options: DeterminizeOptions = {}): boolean {
  const maxStates = options.maxStates ?? Math.max(DEFAULT_MAX_DFA_STATES, a.stateCount * (b.stateCount + 1));
  if (a.stateCount === 0) return true;
  const DEAD = b.stateCount; // b has no transition: no extension of the string is in B
  const width = b.stateCount + 1;
  // A pair (x in a, y in b or DEAD) is the number x × width + y.
  const start = b.stateCount === 0 ? DEAD : 0;
  const seen = new Set<number>([start]);
  const queue: number[] = [start];
  options.budget?.spend(1);
  const visit = (tx: number, ty: number) => {
    const next = tx * width + ty;
    if (seen.has(next)) return;
    if (seen.size >= maxStates) throw tooComplex(options.what ?? "pattern", maxStates);
    options.budget?.spend(1);
    seen.add(next);
    queue.push(next);
  };
  for (let q = 0; q < queue.length; q++) {
    const key = queue[q] as number;
    const x = Math.floor(key / width);
    const y = key % width;
    if ((a.labels[x] as number) >= 0 && (y === DEAD || (b.labels[y] as number) < 0)) return false;
    let j = y === DEAD ? 0 : (b.offsets[y] as number);
    const jEnd = y === DEAD ? 0 : (b.offsets[y + 1] as number);
    for (let i = a.offsets[x] as number; i < (a.offsets[x + 1] as number); i++) {
      const tx = a.targets[i] as number;
      let lo = a.mins[i] as number;
      const hi = a.maxs[i] as number;
      // Walk b's sorted ranges across [lo, hi]: overlaps go to b's target, gaps to the dead state.
      while (j < jEnd && (b.maxs[j] as number) < lo) j++;
      while (lo <= hi) {
        if (j >= jEnd || (b.mins[j] as number) > hi) {
          visit(tx, DEAD);
          break;
        }
        const bMin = b.mins[j] as number;
        const bMax = b.maxs[j] as number;
        if (bMin > lo) visit(tx, DEAD); // the gap [lo, bMin - 1]
        visit(tx, b.targets[j] as number);
        if (bMax >= hi) break;
        lo = bMax + 1;
        j++;
      }
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Running and explaining

/** The transition target of `state` on code point `c`, or -1 (binary search over its ranges). */
export function step(dfa: Dfa, state: number, c: number): number {
  let lo = dfa.offsets[state] as number;
  let hi = (dfa.offsets[state + 1] as number) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (c < (dfa.mins[mid] as number)) hi = mid - 1;
    else if (c > (dfa.maxs[mid] as number)) lo = mid + 1;
    else return dfa.targets[mid] as number;
  }
  return -1;
}

/**
 * Runs `text` through the DFA code point by code point (as Lucene's CharacterRunAutomaton does:
 * a surrogate pair is one code point, a lone surrogate is itself) and returns the accepting
 * label, or -1. Linear in the length of `text`.
 */
export function run(dfa: Dfa, text: string): number {
  let state = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
      }
    }
    state = step(dfa, state, c);
    if (state < 0) return -1;
  }
  return dfa.labels[state] as number;
}

/** True when the DFA accepts `text`. */
export function accepts(dfa: Dfa, text: string): boolean {
  return run(dfa, text) >= 0;
}

/** A representative code point of a range: the first printable ASCII one if any, else its minimum. */
function representative(min: number, max: number): number {
  if (min <= 0x61 && max >= 0x61) return 0x61; // "a" reads best in examples
  if (max >= 0x21 && min <= 0x7e) return Math.max(min, 0x21);
  return min;
}

/** The shortest string the DFA accepts from `from` (breadth-first), or undefined for none. */
export function shortestAccepted(dfa: Dfa, from = 0): string | undefined {
  const parent = new Int32Array(dfa.stateCount).fill(-2);
  const via = new Int32Array(dfa.stateCount);
  parent[from] = -1;
  const queue = [from];
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q] as number;
    if ((dfa.labels[s] as number) >= 0) {
      const out: number[] = [];
      for (let x = s; parent[x] !== -1; x = parent[x] as number) out.push(via[x] as number);
      return String.fromCodePoint(...out.reverse());
    }
    for (let t = dfa.offsets[s] as number; t < (dfa.offsets[s + 1] as number); t++) {
      const to = dfa.targets[t] as number;
      if (parent[to] === -2) {
        parent[to] = s;
        via[to] = representative(dfa.mins[t] as number, dfa.maxs[t] as number);
        queue.push(to);
      }
    }
  }
  return undefined;
}

/** Where a string stops being accepted, for explanations. */
export type Divergence =
  | { readonly kind: "accepted" }
  /** The code point at `offset` (UTF-16 index; `codePointIndex` counts code points) has no transition. */
  | { readonly kind: "mismatch"; readonly offset: number; readonly codePointIndex: number; readonly found: number; readonly expected: readonly number[] }
  /** The string ended in a non-accepting state; `completion` is the shortest continuation. */
  | { readonly kind: "incomplete"; readonly offset: number; readonly codePointIndex: number; readonly completion: string; readonly expected: readonly number[] };

/** Runs `text` and reports the first point where it leaves the automaton (DFA must be minimized). */
export function divergence(dfa: Dfa, text: string): Divergence {
  let state = 0;
  let index = 0;
  const expectedAt = (s: number): number[] => {
    const out: number[] = [];
    for (let t = dfa.offsets[s] as number; t < (dfa.offsets[s + 1] as number); t++) out.push(dfa.mins[t] as number, dfa.maxs[t] as number);
    return out;
  };
  for (let i = 0; i < text.length; index++) {
    const c = text.codePointAt(i) as number;
    const next = step(dfa, state, c);
    if (next < 0) return { kind: "mismatch", offset: i, codePointIndex: index, found: c, expected: expectedAt(state) };
    state = next;
    i += c > 0xffff ? 2 : 1;
  }
  if ((dfa.labels[state] as number) >= 0) return { kind: "accepted" };
  return { kind: "incomplete", offset: text.length, codePointIndex: index, completion: shortestAccepted(dfa, state) ?? "", expected: expectedAt(state) };
}

/** Renders flat (min, max) code-point pairs as a short class, e.g. `'.'`, `[0-9]`, `any character`. */
export function describeRanges(ranges: readonly number[]): string {
  if (ranges.length === 0) return "nothing";
  if (ranges.length === 2 && ranges[0] === 0 && ranges[1] === MAX_CODE_POINT) return "any character";
  const show = (c: number): string => (c >= 0x21 && c <= 0x7e ? String.fromCodePoint(c) : `U+${c.toString(16).toUpperCase().padStart(4, "0")}`);
  if (ranges.length === 2 && ranges[0] === ranges[1]) return `'${show(ranges[0] as number)}'`;
  const parts: string[] = [];
  for (let i = 0; i < ranges.length && parts.length < 8; i += 2) {
    const lo = ranges[i] as number;
    const hi = ranges[i + 1] as number;
    parts.push(lo === hi ? show(lo) : `${show(lo)}-${show(hi)}`);
  }
  return `[${parts.join("")}${ranges.length > 16 ? "…" : ""}]`;
}

/** The automaton of the reversed strings (for explaining suffix-anchored patterns like `*.node.x`). */
export function reverse(dfa: Dfa, options: DeterminizeOptions = {}): Dfa {
  const nfa = new NfaBuilder();
  for (let s = 0; s < dfa.stateCount; s++) nfa.addState(s === 0 ? 0 : -1);
  const start = nfa.addState();
  for (let s = 0; s < dfa.stateCount; s++) {
    if ((dfa.labels[s] as number) >= 0) nfa.addEpsilon(start, s);
    for (let t = dfa.offsets[s] as number; t < (dfa.offsets[s + 1] as number); t++) {
      nfa.addTransition(dfa.targets[t] as number, dfa.mins[t] as number, dfa.maxs[t] as number, s);
    }
  }
  return minimize(determinize(nfa, start, options));
}

/** True when no string ever leaves the automaton (every reachable state has a transition on every code point). */
export function neverRejectsPrefix(dfa: Dfa): boolean {
  for (let s = 0; s < dfa.stateCount; s++) {
    let next = 0;
    for (let t = dfa.offsets[s] as number; t < (dfa.offsets[s + 1] as number); t++) {
      if ((dfa.mins[t] as number) !== next) return false;
      next = (dfa.maxs[t] as number) + 1;
    }
    if (next !== MAX_CODE_POINT + 1) return false;
  }
  return true;
}
