import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { HashName } from "./oids.js";
import { iterateSha1, iterateSha224, iterateSha256 } from "./sha-iterate.js";

/**
 * Runs long hash iterations of the PKCS#12 KDF on worker threads, so the independent derivations
 * of one read (MAC, each content's key and IV, each shrouded key's) use every core: OpenSSL runs
 * them one after another on one. The workers run the same unrolled code (sha-iterate.ts, passed as
 * source text), are shared by every read, keep the process alive only while a job runs, and stop
 * after a short idle time. If a worker cannot start or fails, the caller computes in its own
 * thread instead.
 */

/** Below this many iterations (a few milliseconds) a thread hop costs more than it saves. */
export const THREAD_MIN_ITERATIONS = 100_000;

/** Idle workers stop after this long, so a library user's process does not keep them. */
const IDLE_MS = 2_000;

const WORKER_SOURCE = `"use strict";
const { parentPort } = require("node:worker_threads");
${iterateSha1.toString()}
${iterateSha224.toString()}
${iterateSha256.toString()}
const kernels = { sha1: iterateSha1, sha224: iterateSha224, sha256: iterateSha256 };
parentPort.on("message", (job) => {
  try {
    kernels[job.hash](job.state, job.count);
    parentPort.postMessage({ state: job.state });
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
});
`;

interface Job {
  readonly hash: HashName;
  readonly state: Int32Array;
  readonly count: number;
  readonly resolve: (state: Int32Array | null) => void;
}

class Slot {
  private idleTimer: NodeJS.Timeout | undefined;
  private current: Job | undefined;
  private dead = false;

  private constructor(
    private readonly worker: Worker,
    private readonly pool: ThreadPool,
  ) {
    worker.unref();
    worker.on("message", (message: { state?: Int32Array; error?: string }) => this.finish(message.state ?? null));
    worker.on("error", () => this.fail());
    worker.on("exit", () => this.fail());
  }

  static start(pool: ThreadPool): Slot | null {
    try {
      return new Slot(new Worker(WORKER_SOURCE, { eval: true }), pool);
    } catch {
      return null;
    }
  }

  run(job: Job): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.current = job;
    this.worker.ref(); // a caller awaits this job: the process must not exit under it
    this.worker.postMessage({ hash: job.hash, state: job.state, count: job.count });
  }

  private finish(state: Int32Array | null): void {
    const job = this.current;
    this.current = undefined;
    this.worker.unref();
    job?.resolve(state);
    this.pool.released(this);
  }

  /** The worker died: its job falls back to the caller's thread, and the slot leaves the pool. */
  private fail(): void {
    if (this.dead) return;
    this.dead = true;
    const job = this.current;
    this.current = undefined;
    this.pool.removed(this);
    job?.resolve(null);
  }

  idle(): void {
    this.idleTimer = setTimeout(() => void this.worker.terminate(), IDLE_MS);
    this.idleTimer.unref();
  }
}

class ThreadPool {
  private readonly idleSlots: Slot[] = [];
  private readonly queue: Job[] = [];
  private size = 0;
  private broken = false;

  constructor(private readonly maxSize: number) {}

  /** H^count of `state` on a worker, or null when no worker could do it. */
  iterate(hash: HashName, state: Int32Array, count: number): Promise<Int32Array | null> {
    if (this.broken) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.queue.push({ hash, state, count, resolve });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.idleSlots.pop();
      if (slot === undefined && this.size < this.maxSize) {
        slot = Slot.start(this) ?? undefined;
        if (slot === undefined) {
          this.broken = true;
          for (const job of this.queue.splice(0)) job.resolve(null);
          return;
        }
        this.size++;
      }
      if (slot === undefined) return;
      slot.run(this.queue.shift()!);
    }
  }

  released(slot: Slot): void {
    this.idleSlots.push(slot);
    this.dispatch();
    if (this.idleSlots.includes(slot)) slot.idle();
  }

  removed(slot: Slot): void {
    const index = this.idleSlots.indexOf(slot);
    if (index >= 0) this.idleSlots.splice(index, 1);
    this.size--;
    this.dispatch();
  }
}

let pool: ThreadPool | undefined;

/** H^count of a digest held as big-endian words, on a worker thread; null means "do it yourself". */
export function iterateOnThread(hash: HashName, state: Int32Array, count: number): Promise<Int32Array | null> {
  pool ??= new ThreadPool(Math.max(1, availableParallelism()));
  return pool.iterate(hash, state, count);
}
