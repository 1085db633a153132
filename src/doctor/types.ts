// What every doctor check returns, and the time limit each runs under so `newsletter doctor`
// never hangs on a server that does not answer.

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  /** Short, stable name (`spf`, `dkim-key`, `redis-aof`…): what `--json` readers match on. */
  check: string;
  status: CheckStatus;
  /** What was found, in one line; never a secret. */
  detail: string;
  /** What to change, when the status is not pass. */
  fix?: string;
}

/** Default limit of one group of checks (one server asked). */
export const CHECK_TIMEOUT_MS = 5_000;

export const pass = (check: string, detail: string): CheckResult => ({ check, status: 'pass', detail });
export const warn = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'warn', detail, fix });
export const fail = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'fail', detail, fix });

/**
 * The group's results, or one failed `check` when it takes longer than `ms` or throws: a
 * server that never answers is itself the finding.
 */
export async function withTimeout(check: string, ms: number, run: () => Promise<CheckResult[]>, fix: string): Promise<CheckResult[]> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckResult[]>((resolve) => {
    timer = setTimeout(() => resolve([fail(check, `no answer within ${ms / 1000} s`, fix)]), ms);
  });
  try {
    return await Promise.race([run().catch((error: unknown) => [fail(check, `could not check: ${messageOf(error)}`, fix)]), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 300);
}
