// `status` and `send` as an editor reads them (issue #26 item 19): counts in the singular for
// one; a scheduled send's time in `send --at` (the newsletter's zone), `status` (this machine's)
// and `status --json` (ISO), with the zone's offset and in UTC; `status --watch` into a pipe
// prints one plain line per change and ends with the send; on a terminal (a pty from util-linux
// `script`) the bar of a cancelled send stops at the messages that went out and the state reads
// `cancelled: 20 of 24 sent, 4 skipped`.
// Tests wait for lines of output, sink events and process exits, never for time.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelCampaign, pauseCampaign, resumeCampaign } from '../../src/campaign/control.ts';
import { startListSend } from '../../src/campaign/start-send.ts';
import { BIN, runCli } from '../helpers/cli.ts';
import { waitUntil } from '../helpers/wait.ts';
import { SAMPLE_ISSUE, startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

const ISSUE_ID = 'pretrain-weekly-064';

/** The lines a child writes to one stream, and a wait for the first (from `from` on) that matches. */
function lines(child: ChildProcess, stream: 'stdout' | 'stderr' = 'stdout') {
  const seen: string[] = [];
  const waiters: Array<{ from: number; match: (line: string) => boolean; resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  let closed = false;
  const settle = () => {
    for (const w of [...waiters]) {
      const found = seen.slice(w.from).find(w.match);
      if (found !== undefined) w.resolve(found);
      else if (closed) w.reject(new Error(`the ${stream} ended without the line; it had:\n${seen.join('\n')}`));
      else continue;
      waiters.splice(waiters.indexOf(w), 1);
    }
  };
  const rl = createInterface({ input: child[stream]! });
  rl.on('line', (line) => {
    seen.push(line);
    settle();
  });
  rl.on('close', () => {
    closed = true;
    settle();
  });
  return {
    seen,
    waitFor(match: (line: string) => boolean, from = 0): Promise<string> {
      return new Promise((resolve, reject) => {
        waiters.push({ from, match, resolve, reject });
        settle();
      });
    },
  };
}

describe('status and send in the CLI', () => {
  let h: CampaignHarness;
  /** Every watch this file starts: one a failed test left running is stopped at the end. */
  const children = new Set<ChildProcess>();
  const started = (child: ChildProcess) => {
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };

  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { ...process.env, ...h.env, ...env } });

  function watch(issueId: string, env: Record<string, string> = {}): ChildProcess {
    return started(spawn(process.execPath, [BIN, 'status', issueId, '--watch'], { env: { ...process.env, ...h.env, ...env } }));
  }

  beforeAll(async () => {
    h = await startCampaignHarness();
    await h.seed(1, 'one');
    await h.startWorker();
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await h?.close();
  });

  it('one subscriber is "1 subscriber", never "1 subscribers"', async () => {
    const refused = await cli(['send', SAMPLE_ISSUE]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('to list pretrain-weekly (1 active subscriber) without confirmation');
    const run = await cli(['send', SAMPLE_ISSUE, '--yes']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${ISSUE_ID}: published; sending to 1 subscriber of list pretrain-weekly\n`);
    expect(`${refused.stderr}${run.stdout}`).not.toMatch(/\b1 (active )?subscribers\b/);
    await h.waitForState(ISSUE_ID, ['done']);
  });

  it("a scheduled send says when: send --at in the newsletter's zone with its offset and UTC; status in the local zone; status --json scheduledAt", async () => {
    const year = new Date().getUTCFullYear() + 1;
    const at = `${year}-07-15T00:00:00.000Z`;
    const utc = `${year}-07-15 00:00 UTC`;
    const tokyo = `${year}-07-15 09:00 +09:00 Asia/Tokyo (${utc})`;
    // send --at: in the newsletter's own zone (Field Notes: Europe/London, summer time in July).
    const london = `${year}-07-15 01:00 +01:00 Europe/London (${utc})`;
    // Field Notes' list has no subscribers here: "0 subscribers".
    // Without an offset, --at is read in that zone too, not in this machine's (Tokyo here).
    const bad = await cli(['send', 'emails/issues/field-notes-012.yaml', '--yes', '--at', `${year}-07-15 25:00`], { TZ: 'Asia/Tokyo' });
    expect(bad.stderr).toBe(
      `newsletter: --at "${year}-07-15 25:00" is not a date and time; write e.g. 2026-12-08T08:00 (read in Europe/London, the newsletter's time zone) or with an offset, 2026-12-08T08:00+08:00\n`,
    );
    const sent = await cli(['send', 'emails/issues/field-notes-012.yaml', '--yes', '--at', `${year}-07-15T01:00`], { TZ: 'Asia/Tokyo' });
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain(`field-notes-012: published; scheduled at ${london} to 0 subscribers of list field-notes-readers\n`);

    const status = await cli(['status', 'field-notes-012'], { TZ: 'Asia/Tokyo' });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('field-notes-012: scheduled\n');
    expect(status.stdout).toContain(`  scheduled for ${tokyo}\n`);
    // Where the zone is UTC, the time is said once.
    expect((await cli(['status', 'field-notes-012'], { TZ: 'UTC' })).stdout).toContain(`  scheduled for ${utc}\n`);

    const json = await cli(['status', 'field-notes-012', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ issueId: 'field-notes-012', state: 'scheduled', scheduledAt: at });

    const cancelled = await cli(['cancel', 'field-notes-012']);
    expect(cancelled.stdout).toContain('field-notes-012: cancelled, 0 of 0 sent, 0 skipped\n');
  });

  it('status --watch into a pipe: one plain line per change, ending with the send', async () => {
    // A scheduled send, steered by hand: each change is made once the line of the last is out.
    const published = await h.publish('pretrain-weekly-301');
    const child = watch(published.issueId, { TZ: 'Asia/Tokyo' });
    const out = lines(child);
    await lines(child, 'stderr').waitFor((line) => line.startsWith('no send of pretrain-weekly-301 yet'));
    const at = new Date(Date.now() + 3_600_000);
    await startListSend({ ...h.sends, store: h.store }, published, { at });
    const scheduled = await out.waitFor((line) => line.startsWith('scheduled:'));
    expect(scheduled).toMatch(
      /^scheduled: 0\/1 sent, 0 failed, 0 bounced, 0 skipped, 0 unknown, 1 queued; starts \d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? \+09:00 Asia\/Tokyo \(\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? UTC\)$/,
    );
    await pauseCampaign(h.sends, published.issueId);
    expect(await out.waitFor((line) => line.startsWith('paused:'))).toBe('paused: 0/1 sent, 0 failed, 0 bounced, 0 skipped, 0 unknown, 1 queued');
    const afterPause = out.seen.length;
    await resumeCampaign(h.sends, published.issueId);
    await out.waitFor((line) => line.startsWith('scheduled:'), afterPause);
    await cancelCampaign(h.sends, published.issueId);
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out.seen.at(-1)).toBe('cancelled: 0 of 1 sent, 1 skipped');
    // No line twice in a row: a line means a change.
    for (let i = 1; i < out.seen.length; i++) expect(out.seen[i]).not.toBe(out.seen[i - 1]);
    expect(out.seen.map((line) => line.split(':')[0])).toEqual(expect.arrayContaining(['scheduled', 'paused', 'cancelled']));
  });

  it('status --watch into a pipe follows a send to the end: the last line is done, every line the same shape', async () => {
    await h.seed(19, 'more');
    const published = await h.publish('pretrain-weekly-302');
    const child = watch(published.issueId);
    const out = lines(child);
    await lines(child, 'stderr').waitFor((line) => line.startsWith('no send of pretrain-weekly-302 yet'));
    await h.send(published);
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out.seen.at(-1)).toBe('done: 20/20 sent, 0 failed, 0 bounced, 0 skipped, 0 unknown, 0 queued');
    for (const line of out.seen) expect(line).toMatch(/^(sending|done): \d+\/20 sent, \d+ failed, \d+ bounced, \d+ skipped, \d+ unknown, \d+ queued$/);
  });

  it("status --watch on a terminal: a cancelled send's bar stops at what went out, and says so plainly", async () => {
    await h.seed(4, 'held');
    const hold = h.sink.hold((to) => to.startsWith('held-'));
    const published = await h.publish('pretrain-weekly-303');
    // A pty: util-linux `script` runs the watch on a terminal of its own and copies what it draws.
    const command = `'${process.execPath}' '${BIN}' status ${published.issueId} --watch`;
    const child = started(spawn('script', ['-qefc', command, '/dev/null'], { env: { ...process.env, ...h.env } }));
    let drawn = '';
    const drawnChanged = new EventTarget();
    child.stdout!.on('data', (chunk: Buffer) => {
      drawn += chunk.toString();
      drawnChanged.dispatchEvent(new Event('data'));
    });
    const drawnContains = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (drawn.includes(text)) {
            drawnChanged.removeEventListener('data', check);
            resolve();
          }
        };
        drawnChanged.addEventListener('data', check);
        child.once('exit', () => reject(new Error(`the watch ended without "${text}":\n${drawn}`)));
        check();
      });
    try {
      await drawnContains('waiting for it to start');
      await h.send(published);
      // The 20 others are sent; the 4 "held-" transactions wait at RCPT TO.
      await hold.waitForHeld(4);
      await waitUntil('20 sent', async () => (await h.status(published.issueId)).sent === 20);
      await drawnContains('sending: 20/24 sent');
      const cancelling = cancelCampaign(h.sends, published.issueId);
      await h.waitForState(published.issueId, ['cancelled']);
      hold.release(); // each is withdrawn before its final dot
      expect(await cancelling).toMatchObject({ state: 'cancelled', total: 24, sent: 20, skipped: 4, queued: 0 });
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      hold.release();
      child.kill();
    }
    // The frames of the bar, as drawn: each starts at column 1 (ESC[1G); colours and cursor codes out.
    const frames = drawn
      .split(/\u001b\[1G|\r?\n/)
      .map((frame) => frame.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]/g, '').trim())
      .filter((frame) => frame.includes('%'));
    expect(frames.some((frame) => frame.includes('| sending: 20/24 sent'))).toBe(true);
    const last = frames.at(-1)!;
    // 20 of 24 went out: 83 %, 33 of 40 cells; the 4 skipped are no progress.
    expect(last).toBe(`${'█'.repeat(33)}${'░'.repeat(7)} 83% | cancelled: 20 of 24 sent, 4 skipped`);
    expect(drawn).toContain('pretrain-weekly-303: cancelled, 20 of 24 sent, 4 skipped');
  });
});
