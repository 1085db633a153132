// Every sample issue, built by the workers' own fast path (DKIM-signed, list headers, the
// personal links of a real recipient; the links tracked, with a click token, for a newsletter
// that counts clicks, as its list send publishes them), scored by Debian's SpamAssassin with local rules only
// (-L: no network tests). Nothing may score: total ≤ 1.0 and no rule with points above 0
// (HTML_MESSAGE and the like fire on every HTML mail with 0 points and are fine).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toPublishedIssue } from '../../src/campaign/records/publish.ts';
import { prepareIssueMime } from '../../src/mail/index.ts';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { trackLinks } from '../../src/render/index.ts';
import { clickTokenSigner } from '../../src/reports/click-token.ts';
import { renderIssueFile } from '../../src/use-cases/render-issue-file.ts';

const SPAMASSASSIN = '/usr/bin/spamassassin';
const MISSING = existsSync(SPAMASSASSIN) ? null : 'Debian spamassassin is not installed (apt-get install spamassassin)';
// Every sample issue there is, so a new one is checked without anyone remembering to add it.
const SAMPLES = readdirSync('emails/issues')
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => `emails/issues/${f}`);
const secrets = [{ version: 1, key: 'spamassassin-test-secret-0123456789-abcdef' }];
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

function score(message: Buffer): Promise<{ total: number; rules: Array<{ points: number; name: string }> }> {
  return new Promise((resolve, reject) => {
    const child = execFile(SPAMASSASSIN, ['-L', '-t'], { maxBuffer: 32 * 1024 * 1024 }, (error, stdout) => {
      if (error && !stdout) return reject(error);
      const report = stdout.slice(stdout.lastIndexOf('Content analysis details:'));
      const total = Number(/\(([-\d.]+) points/.exec(report)?.[1] ?? NaN);
      const rules = [...report.matchAll(/^\s*(-?\d+\.\d+)\s+([A-Z0-9_]+)\s/gm)].map((m) => ({ points: Number(m[1]), name: m[2]! }));
      resolve({ total, rules });
    });
    child.stdin!.end(message);
  });
}

describe.skipIf(MISSING)(`SpamAssassin on every sample${MISSING ? ` [skipped: ${MISSING}]` : ''}`, () => {
  it.each(SAMPLES)(
    '%s scores nothing',
    async (file) => {
      const { rendered, issue, newsletter } = await renderIssueFile(file, { assetsUrl: 'https://news.example.org/assets' });
      const untracked = toPublishedIssue(rendered, issue, newsletter);
      const published = untracked.trackClicks ? { ...untracked, clicks: trackLinks(rendered, `https://news.example.org/r/${issue.id}`) } : untracked;
      const mime = prepareIssueMime(published, {
        clickToken: clickTokenSigner(secrets, issue.id),
        from: `${newsletter.name} <weekly@news.example.org>`,
        publicUrl: 'https://news.example.org',
        dkim: { domainName: 'news.example.org', keySelector: 'nl', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string },
      });
      const { raw } = mime.build({
        subscriberId: '42',
        email: 'reader@example.net',
        name: 'Li Lei',
        unsubscribeToken: signListToken(secrets, '42', newsletter.listId),
      });
      // The model newsletter counts clicks: its issue is scored as sent, every link through /r/.
      if (newsletter.id === 'pretrain-weekly') expect(published.clicks?.links.length).toBeGreaterThan(15);
      const { total, rules } = await score(raw);
      expect(total, JSON.stringify(rules)).toBeLessThanOrEqual(1.0);
      expect(
        rules.filter((r) => r.points > 0),
        JSON.stringify(rules),
      ).toEqual([]);
      expect(rules.map((r) => r.name)).not.toContain('HTML_FONT_LOW_CONTRAST');
    },
    60_000,
  );
});
