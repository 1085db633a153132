// The scanner storm of `bench tracking`, in its own process so that it loads the server, not
// the bench process that runs it: for every message the sink accepted, each of its tracked links
// is followed twice, by a link scanner's user agent and then by a browser's, both within the
// machine window after the message was sent, as a mail gateway's scanner (and a preview pane
// opened at once) would. The click token is the one the worker spliced into that message: signed
// with the deployment's SECRET for the subscriber, with the delivery time (to the second, as the
// token holds it). Driven over IPC; keep-alive connections, at most `connections` at once.
import { Agent, get } from 'node:http';
import { clickTokenSigner } from '../reports/click-token.ts';
import type { StormFigures, StormReply, StormRequest, StormStart } from './scanner-storm-protocol.ts';

interface Click {
  path: string;
  agent: string;
  deliveredAt: number;
}

const figures: StormFigures = { made: 0, late: 0, failed: 0, non3xx: 0, firstAt: 0, lastAt: 0, maxDelayMs: 0 };
const queue: Click[] = [];
let head = 0;
let ended = false;
/** Lanes waiting for clicks to be queued. */
const waiting: Array<() => void> = [];
let start: StormStart | null = null;
let sign: ((subscriberId: string, sentAt: number) => string) | null = null;

function reply(message: StormReply): void {
  process.send?.(message);
}

function follow(agent: Agent, url: URL, click: Click): Promise<void> {
  return new Promise((resolve) => {
    const request = get({ agent, host: url.hostname, port: url.port, path: click.path, headers: { 'user-agent': click.agent } }, (response) => {
      if (response.statusCode !== 302) figures.non3xx++;
      response.resume();
      response.on('end', () => {
        const now = Date.now();
        figures.made++;
        figures.firstAt ||= now;
        figures.lastAt = now;
        resolve();
      });
    });
    request.on('error', () => {
      figures.failed++;
      resolve();
    });
  });
}

async function lane(agent: Agent, url: URL, within: number): Promise<void> {
  for (;;) {
    if (head === queue.length) {
      if (ended) return;
      await new Promise<void>((resolve) => waiting.push(resolve));
      continue;
    }
    const click = queue[head++]!;
    // Followed clicks are dropped from the front now and then, not one by one (shift is O(n)).
    if (head >= 50_000) {
      queue.splice(0, head);
      head = 0;
    }
    const delay = Date.now() - click.deliveredAt;
    if (delay > within) {
      figures.late++;
      continue;
    }
    figures.maxDelayMs = Math.max(figures.maxDelayMs, delay);
    await follow(agent, url, click);
  }
}

function wakeAll(): void {
  for (const resolve of waiting.splice(0)) resolve();
}

process.on('message', (message: StormRequest) => {
  if (message.type === 'start') {
    start = message;
    sign = clickTokenSigner(message.secrets, message.campaignId);
    const agent = new Agent({ keepAlive: true, maxSockets: message.connections });
    const url = new URL(message.baseUrl);
    // Each lane takes the next click when its last one is answered.
    const lanes = Array.from({ length: message.connections }, () => lane(agent, url, message.clickWithinMs));
    void Promise.all(lanes).then(
      () => {
        agent.destroy();
        reply({ type: 'done', ...figures });
      },
      (error: unknown) => reply({ type: 'failed', error: String(error) }),
    );
    return;
  }
  if (message.type === 'delivered' && start && sign) {
    for (const [subscriberId, deliveredAt] of message.messages) {
      const token = sign(subscriberId, deliveredAt);
      for (const agent of [start.scannerAgent, start.browserAgent])
        for (let n = 1; n <= start.links; n++) queue.push({ path: `/r/${start.campaignId}/${n}/${token}`, agent, deliveredAt });
    }
  } else if (message.type === 'end') ended = true;
  wakeAll();
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready' });
