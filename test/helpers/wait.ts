// Waiting for a state, not for a time: `check` is asked again every few milliseconds until it
// holds. The timeout is a safety net that names what never happened; no test asserts on time.
import { setTimeout as delay } from 'node:timers/promises';

export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}
