// The time limit each group of checks runs under, so `newsletter doctor` never hangs on a server
// that does not answer, and the one-line form of whatever a check threw.
import { type CheckResult, fail } from './types.ts';

/** Default limit of one group of checks (one server asked). */
export const CHECK_TIMEOUT_MS = 5_000;

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
