// Retry delays for transient SMTP failures: exponential, capped, with "equal jitter" (half
// fixed, half random) so that thousands of jobs failing together do not retry together.
import type { BackoffStrategy } from 'bullmq';

export interface BackoffOptions {
  /** Delay before the first retry, in ms. Default 2,000. */
  baseMs: number;
  /** Longest delay, in ms. Default 300,000 (5 minutes). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2_000, maxMs: 300_000 };

/** The name deliver jobs carry in `opts.backoff.type`; the worker maps it to the strategy. */
export const BACKOFF_TYPE = 'nl-jitter';

export function retryDelay(attemptsMade: number, opts: BackoffOptions, random = Math.random()): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}

export function backoffStrategy(opts: BackoffOptions = DEFAULT_BACKOFF): BackoffStrategy {
  return (attemptsMade) => retryDelay(attemptsMade, opts);
}
