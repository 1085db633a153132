// Runs the load generator (redirect-load-process.ts) in a child process and returns its figures.
import { once } from 'node:events';
import { entryBeside, spawnEntry, stopChild } from './children.ts';
import type { RedirectLoadFigures, RedirectLoadReply, RedirectLoadRun } from './redirect-load-protocol.ts';

const LOAD_ENTRY = entryBeside('./redirect-load-process.ts', import.meta.url);

export async function runRedirectLoad(run: Omit<RedirectLoadRun, 'type'>): Promise<RedirectLoadFigures> {
  const child = spawnEntry(LOAD_ENTRY, { ipc: true });
  try {
    const replies: RedirectLoadReply[] = [];
    let wake: (() => void) | null = null;
    child.on('message', (message: RedirectLoadReply) => {
      replies.push(message);
      wake?.();
    });
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`bench tracking: the load generator exited (code ${code}) before reporting`);
    });
    const next = async (): Promise<RedirectLoadReply> => {
      while (replies.length === 0) await Promise.race([new Promise<void>((resolve) => (wake = resolve)), exited]);
      return replies.shift()!;
    };
    if ((await next()).type !== 'ready') throw new Error('bench tracking: the load generator did not start');
    child.send({ type: 'run', ...run } satisfies RedirectLoadRun);
    const done = await next();
    if (done.type === 'failed') throw new Error(`bench tracking: the load generator failed: ${done.error}`);
    if (done.type !== 'done') throw new Error(`bench tracking: unexpected reply ${done.type}`);
    const { type: _type, ...figures } = done;
    return figures;
  } finally {
    await stopChild(child, 3000);
  }
}
