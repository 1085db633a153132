// A CSV import as the CLI and the console run it: the rows into the store (src/subscribers/
// csv-import.ts), then one confirmation mail per new pending subscriber through the queue,
// spaced at the send rate so an import of thousands does not burst past it.
import type { Readable } from 'node:stream';
import { requestConfirmationMail, type ConfirmationRequestDeps } from '../subscribers/confirmation-mail.ts';
import { importSubscribers, type ImportOptions, type ImportResult } from '../subscribers/csv-import.ts';
import type { RedisSubscriberStore } from '../subscribers/redis-store.ts';

export interface ImportDeps extends ConfirmationRequestDeps {
  store: RedisSubscriberStore;
  /** RATE_LIMIT_PER_SECOND: confirmation mails are spaced at it (0: not spaced). */
  rateLimitPerSecond: number;
}

export interface ImportOutcome extends ImportResult {
  /** Confirmation mails queued for the new pending subscribers (a recent one is not queued again). */
  confirmationsQueued: number;
}

export async function runImport(deps: ImportDeps, input: string | Readable, opts: ImportOptions): Promise<ImportOutcome> {
  const result = await importSubscribers(deps.store, input, opts);
  const spacingMs = deps.rateLimitPerSecond > 0 ? 1000 / deps.rateLimitPerSecond : 0;
  let confirmationsQueued = 0;
  for (const target of result.pending) {
    if (await requestConfirmationMail(deps, target, { delayMs: Math.round(confirmationsQueued * spacingMs) })) confirmationsQueued++;
  }
  return { ...result, confirmationsQueued };
}
