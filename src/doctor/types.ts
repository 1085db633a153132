// What every doctor check returns, and its three constructors.

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

export const pass = (check: string, detail: string): CheckResult => ({ check, status: 'pass', detail });
export const warn = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'warn', detail, fix });
export const fail = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'fail', detail, fix });
