// The CLI as an editor runs it: `send` refuses without confirmation when there is no terminal,
// `send --yes --at` schedules, `status --json` prints one object, `send --test` reaches only
// the given addresses with a marked subject, and control commands say clearly what they refuse.
// What touches the partitions (sending, scheduling, the controls, an issue already sent) runs with
// one partition and with QUEUE_PARTITIONS=3 (src/redis/partitions.ts); what is the CLI's own
// (refusing without --yes, --test, --watch, naming a refusal) once, with one.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_ISSUE, startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

const BIN = fileURLToPath(new URL('../../bin/newsletter.js', import.meta.url));
const ISSUE_ID = 'pretrain-weekly-064';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.each([1, 3])('newsletter send / status / pause / resume / cancel (%i partition(s))', (partitions) => {
  let h: CampaignHarness;
  /** The CLI's own behaviour, the same whatever the partitions: defined for one partition only (not a skip). */
  const cliOnly = (name: string, fn: () => Promise<void>) => {
    if (partitions === 1) it(name, fn);
  };
  /** Every partition's shard of the send's campaign hash, in partition order. */
  const shards = (id: string) => Promise.all(h.partitions.keys.map((k) => h.redis.hgetall(k.campaign(id))));

  function cli(...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      // stdin is not a terminal here, as in CI or a cron job.
      const child = execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...h.env }, timeout: 30_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
      child.stdin?.end();
    });
  }

  beforeAll(async () => {
    h = await startCampaignHarness({ partitions });
    await h.seed(20);
    await h.startWorker();
  });
  afterAll(async () => h?.close());

  cliOnly('refuses to send without --yes when there is no terminal to ask on', async () => {
    const run = await cli('send', SAMPLE_ISSUE);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refusing to send pretrain-weekly-064 to list \S+ \(20 active subscribers\) without confirmation.*--yes/);
    for (const k of h.partitions.keys) expect(await h.redis.exists(k.campaign(ISSUE_ID))).toBe(0);
  });

  it('schedules with --at; pause, resume and cancel it; refuses a second send meanwhile', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const run = await cli('send', SAMPLE_ISSUE, '--yes', '--at', at);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('scheduled');
    expect((await h.status(ISSUE_ID)).state).toBe('scheduled');

    const again = await cli('send', SAMPLE_ISSUE, '--yes');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is already scheduled');

    expect((await cli('pause', ISSUE_ID)).stdout).toContain(`${ISSUE_ID}: paused`);
    // Resumed before its time, it is scheduled again (the fan-out has not started).
    expect((await cli('resume', ISSUE_ID)).stdout).toContain(`${ISSUE_ID}: scheduled`);
    expect((await cli('cancel', ISSUE_ID)).stdout).toContain(`${ISSUE_ID}: cancelled`);
    for (const shard of h.sends.shards) expect(await shard.queues.fanout.getDelayedCount()).toBe(0);
    expect(h.sink.messages).toHaveLength(0);
  }, 120_000);

  it('send --yes after a cancel delivers to everyone; status --json adds up', async () => {
    const run = await cli('send', SAMPLE_ISSUE, '--yes');
    expect(run.code).toBe(0);
    await h.waitForState(ISSUE_ID, ['done'], 30_000);
    const status = await cli('status', ISSUE_ID, '--json');
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout);
    expect(json).toMatchObject({ issueId: ISSUE_ID, state: 'done', total: 20, queued: 0, sent: 20, failed: 0, bounced: 0, skipped: 0, unknown: 0 });
    expect(h.sink.messages).toHaveLength(20);
  });

  it('a scheduled send starts at its time', async () => {
    const published = await h.publish('pretrain-weekly-080');
    const { startListSend } = await import('../../src/campaign/start-send.ts');
    const started = await startListSend({ ...h.sends, store: h.store }, published, { at: new Date(Date.now() + 1_500) });
    expect(started.state).toBe('scheduled');
    expect((await h.status(published.issueId)).state).toBe('scheduled');
    const status = await h.waitForState(published.issueId, ['done'], 30_000);
    expect(status).toMatchObject({ total: 20, sent: 20 });
    expect(Date.parse(status.startedAt!)).toBeGreaterThanOrEqual(Date.parse(started.scheduledAt!) - 50);
  });

  cliOnly('send --test reaches only the given addresses, marked [TEST], without touching the list', async () => {
    const before = h.sink.messages.length;
    const run = await cli('send', SAMPLE_ISSUE, '--test', 'Editor@Example.test', 'second@example.test');
    expect(run.code).toBe(0);
    const testId = /(pretrain-weekly-064~test-\d+)/.exec(run.stdout)?.[1];
    expect(testId).toBeTruthy();
    await h.waitForState(testId!, ['done'], 20_000);
    const mails = await Promise.all(h.sink.messages.slice(before).map((m) => simpleParser(m.raw)));
    expect(mails.map((m) => (m.to as { text: string }).text).sort()).toEqual(['Editor@example.test', 'second@example.test']);
    for (const m of mails) expect(m.subject).toMatch(/^\[TEST\] /);
    expect(await h.status(ISSUE_ID)).toMatchObject({ sent: 20, total: 20 });
  });

  it('send of an issue that is done says when and to how many it went, and changes nothing', async () => {
    const before = await shards(ISSUE_ID);
    for (const shard of before) expect(shard.state).toBe('done');
    const run = await cli('send', SAMPLE_ISSUE, '--yes');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^issue pretrain-weekly-064 was already sent \(finished \S+\): 20 sent of 20 \(0 failed, 0 bounced, 0 skipped, 0 unknown\); nothing was changed\. To send it to subscribers who joined since: newsletter send emails\/issues\/pretrain-weekly-064\.yaml --new-subscribers\n$/,
    );
    expect(await shards(ISSUE_ID)).toEqual(before);
    const more = await cli('send', SAMPLE_ISSUE, '--yes', '--new-subscribers');
    expect(more.code).toBe(0);
    expect(more.stdout).toContain('to the subscribers of list pretrain-weekly it has not reached yet');
    const status = await h.waitForState(ISSUE_ID, ['done']);
    expect(status).toMatchObject({ total: 20, sent: 20 });
  });

  cliOnly('status --watch started before the send exists waits for it, then follows it to the end', async () => {
    const child = spawn(process.execPath, [BIN, 'status', 'pretrain-weekly-095', '--watch', '--json'], { env: { ...process.env, ...h.env } });
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    const [waitLine] = await once(createInterface({ input: child.stderr }), 'line');
    expect(waitLine).toBe('no send of pretrain-weekly-095 yet; waiting for it to start (Ctrl-C to stop watching)');
    await h.send(await h.publish('pretrain-weekly-095'));
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    const last = JSON.parse(lines.at(-1)!);
    expect(last).toMatchObject({ issueId: 'pretrain-weekly-095', state: 'done', total: 20, sent: 20 });
  });

  cliOnly('control commands name what they refuse', async () => {
    const pause = await cli('pause', ISSUE_ID);
    expect(pause.code).toBe(1);
    expect(pause.stderr).toContain('cannot pause issue pretrain-weekly-064: it is done');
    const missing = await cli('status', 'no-such-issue');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no send of issue "no-such-issue"');
  });
});
