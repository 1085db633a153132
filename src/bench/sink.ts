// Starts the sink process (sink-process.ts) and talks to it over IPC.
import type { ChildProcess } from 'node:child_process';
import { entryBeside, spawnEntry, stopChild } from './children.ts';
import type { SinkReply, SinkRequest, SinkStats } from './sink-protocol.ts';

export interface SinkHandle {
  smtpUrl: string;
  pid: number;
  stats(): Promise<SinkStats>;
  /** Message-ID → epoch ms of the 250, for every message since the last reset. */
  records(): Promise<{ ids: string[]; times: number[] }>;
  reset(): Promise<void>;
  /** Waits until the sink has accepted `count` messages since the last reset. */
  waitFor(count: number, opts?: { timeoutMs?: number; pollMs?: number; onProgress?: (s: SinkStats) => void }): Promise<SinkStats>;
  stop(): Promise<void>;
}

const SINK_ENTRY = entryBeside('./sink-process.ts', import.meta.url);

export async function startSinkProcess(): Promise<SinkHandle> {
  const child: ChildProcess = spawnEntry(SINK_ENTRY, { ipc: true, stopLast: true });
  const pending = new Map<number, (reply: SinkReply) => void>();
  let nextId = 1;

  const ready = await new Promise<{ port: number; pid: number }>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`SMTP sink process exited (code ${code}) before it was ready`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.on('message', (message: SinkReply) => {
      if (message.type === 'ready') {
        child.off('exit', onExit);
        resolve(message);
      } else {
        pending.get(message.reqId)?.(message);
        pending.delete(message.reqId);
      }
    });
  });

  const ask = <T extends SinkReply['type']>(type: T & SinkRequest['type']) =>
    new Promise<Extract<SinkReply, { type: T }>>((resolve, reject) => {
      if (!child.connected) return reject(new Error('SMTP sink process is gone'));
      const reqId = nextId++;
      pending.set(reqId, resolve as (reply: SinkReply) => void);
      child.send({ type, reqId } as SinkRequest);
    });

  const stats = async (): Promise<SinkStats> => {
    const { messages, bytes, firstAt, lastAt } = await ask('stats');
    return { messages, bytes, firstAt, lastAt };
  };

  return {
    smtpUrl: `smtp://127.0.0.1:${ready.port}`,
    pid: ready.pid,
    stats,
    async records() {
      const { ids, times } = await ask('records');
      return { ids, times };
    },
    async reset() {
      await ask('reset');
    },
    async waitFor(count, { timeoutMs = 600_000, pollMs = 100, onProgress } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await stats();
        onProgress?.(s);
        if (s.messages >= count) return s;
        if (Date.now() > deadline) throw new Error(`SMTP sink: expected ${count} messages, got ${s.messages} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
    async stop() {
      if (child.connected) child.send({ type: 'stop' } satisfies SinkRequest);
      await stopChild(child, 3000);
    },
  };
}
