// A confirmation-mail job carries no usable token (issue 32 item 7): Bull Board shows job data to
// console users, and failed jobs are kept a day, so the job holds a seed (a nonce and a key
// version) from which only a process holding SECRET derives the token. Read straight from Redis
// while the queue is paused: nothing in the job's record is the token the mail then carries, and
// that mail still confirms. A job queued before this version (with its raw token) is still sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIRM_JOB, enqueueConfirmationMail } from '../../src/subscribers/transactional-jobs.ts';
import { createConfirmation } from '../../src/subscribers/tokens.ts';
import { confirmByClick, confirmPathFrom, formBody, nextIp, startHttpHarness, waitForMail, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttpHarness();
});
afterAll(async () => {
  await h?.close();
});

function subscribe(email: string) {
  return h.app.inject({
    method: 'POST',
    url: '/subscribe',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: formBody({ email, newsletter: h.en.id }),
    remoteAddress: nextIp(),
  });
}

/** The one confirmation job waiting in the paused queue, and its whole record as Redis holds it. */
async function waitingJob(): Promise<{ id: string; data: Record<string, unknown>; record: Record<string, string> }> {
  const jobs = (await h.transactionalQueue.getJobs(['waiting', 'delayed', 'prioritized'])).filter((j) => j.name === CONFIRM_JOB);
  expect(jobs).toHaveLength(1);
  const job = jobs[0]!;
  const record = await h.redis.hgetall(`${h.config.keyPrefix}:${h.transactionalQueue.name}:${job.id}`);
  expect(record.data).toBeDefined();
  return { id: job.id!, data: JSON.parse(record.data!) as Record<string, unknown>, record };
}

const tokenOf = (path: string) => decodeURIComponent(path.slice('/confirm/'.length));

describe('confirmation-mail job data', () => {
  it('holds a seed, not the token the mail carries; the mail still confirms', async () => {
    const email = 'seeded@jobs.example';
    await h.transactionalQueue.pause();
    expect((await subscribe(email)).statusCode).toBe(202);
    const queued = await waitingJob();
    expect(Object.keys(queued.data).sort()).toEqual(['keyVersion', 'listId', 'nonce', 'subscriberId']);
    expect(queued.data.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await h.transactionalQueue.resume();

    const [mail] = await waitForMail(h, email);
    const path = confirmPathFrom(mail!, h.config.publicUrl);
    const token = tokenOf(path);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // Nowhere in what the queue held (data, options, anything Bull Board could show) is the token.
    expect(JSON.stringify(queued.record)).not.toContain(token);
    expect(queued.data.nonce).not.toBe(token);

    const confirmed = await confirmByClick(h.app, path);
    expect(confirmed.statusCode).toBe(200);
    expect(await h.store.findByEmail(email)).toMatchObject({ status: 'active', lists: [h.en.listId] });
  });

  it('a job queued before this version, with its raw token, is still mailed and confirms', async () => {
    const email = 'legacy@jobs.example';
    await h.transactionalQueue.pause();
    expect((await subscribe(email)).statusCode).toBe(202);
    // Replace the new job with one as the previous version queued it.
    const queued = await waitingJob();
    await (await h.transactionalQueue.getJob(queued.id))!.remove();
    const target = { subscriberId: String(queued.data.subscriberId), listId: String(queued.data.listId) };
    const token = await createConfirmation(h.redis, h.keys, target, 48);
    await enqueueConfirmationMail(h.transactionalQueue, { ...target, token });
    await h.transactionalQueue.resume();

    const [mail] = await waitForMail(h, email);
    const path = confirmPathFrom(mail!, h.config.publicUrl);
    expect(tokenOf(path)).toBe(token);
    expect((await confirmByClick(h.app, path)).statusCode).toBe(200);
    expect(await h.store.findByEmail(email)).toMatchObject({ status: 'active' });
  });
});
