import { availableParallelism } from "node:os";

/**
 * Sizes libuv's thread pool, where Node runs asynchronous key generation and signing. libuv
 * reads UV_THREADPOOL_SIZE once, when the pool first starts, so this must run before the
 * process's first pooled operation (async fs, crypto, dns); later calls change nothing.
 * An explicit UV_THREADPOOL_SIZE in the environment wins.
 */
export function configureThreadPool(options: { readonly jobs?: number | undefined }): number {
  const existing = Number(process.env["UV_THREADPOOL_SIZE"]);
  if (Number.isInteger(existing) && existing > 0 && options.jobs === undefined) return existing;
  // libuv's own cap is 1024; 4 is its default.
  const size = Math.max(1, Math.min(1024, options.jobs ?? Math.max(4, availableParallelism())));
  process.env["UV_THREADPOOL_SIZE"] = String(size);
  return size;
}

export function coreCount(): number {
  return availableParallelism();
}
