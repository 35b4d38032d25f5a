import { availableParallelism } from "node:os";

/**
 * libuv's thread pool runs Node's asynchronous key generation and signing. Its size is fixed
 * when the pool starts, before our code runs; bin/othername.js relaunches `cert`, `csr` and
 * `quickstart` with UV_THREADPOOL_SIZE set when they want more than libuv's default of 4
 * (src/cli/thread-pool-launch.ts). These helpers only report.
 */
export function coreCount(): number {
  return availableParallelism();
}

/** The pool size in force: UV_THREADPOOL_SIZE when set and valid, else libuv's default 4. */
export function threadPoolSize(env: Readonly<Record<string, string | undefined>>): number {
  const size = Number(env["UV_THREADPOOL_SIZE"]);
  return Number.isInteger(size) && size > 0 ? Math.min(size, 1024) : 4;
}
