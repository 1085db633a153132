// The editor's "send this issue to these addresses only" (CLI `send --test`, the admin API,
// the console): every address checked first, then a test send of its own that the list never sees.
import type { PublishedIssue } from '../campaign/types.ts';
import { startTestSend, type SendDeps, type SendStarted } from '../campaign/start-send.ts';
import { UserError } from '../errors.ts';
import { normaliseEmail } from '../subscribers/email-address.ts';

/** At most this many test addresses in one test send. */
export const MAX_TEST_ADDRESSES = 20;

/** Normalised addresses; one UserError naming every one that is not an address. */
export function testAddresses(raw: readonly string[]): string[] {
  if (raw.length === 0) throw new UserError('a test send needs at least one address');
  if (raw.length > MAX_TEST_ADDRESSES) throw new UserError(`a test send goes to at most ${MAX_TEST_ADDRESSES} addresses, not ${raw.length}`);
  const bad: string[] = [];
  const good = raw.map((r) => {
    const email = normaliseEmail(r);
    if (!email) bad.push(JSON.stringify(r.slice(0, 100)));
    return email ?? '';
  });
  if (bad.length) throw new UserError(`not an email address: ${bad.join(', ')}`);
  return good;
}

export async function testSendIssue(deps: SendDeps, published: PublishedIssue, to: readonly string[], opts: { at?: Date } = {}): Promise<SendStarted> {
  return startTestSend(deps, published, testAddresses(to), opts);
}
