// Runs the scanner storm (scanner-storm-process.ts) beside a send: the messages the sink accepts
// are passed to it as they arrive (polled a few times a second), and finish() waits until every
// click was made or its time was up.
import type { ChildProcess } from 'node:child_process';
import { entryBeside, spawnEntry, stopChild } from './children.ts';
import { subscriberFromMessageId } from './pipeline.ts';
import type { StormFigures, StormReply, StormRequest, StormStart } from './scanner-storm-protocol.ts';
import type { SinkHandle } from './sink.ts';

const STORM_ENTRY = entryBeside('./scanner-storm-process.ts', import.meta.url);
const POLL_MS = 200;

export interface ScannerStorm {
  /** Passes the last deliveries, says no more will come, and waits for the storm to end. */
  finish(): Promise<StormFigures>;
  stop(): Promise<void>;
}

function nextReply(child: ChildProcess): Promise<StormReply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench tracking: the scanner storm exited (code ${code})`));
    child.once('exit', onExit);
    child.once('message', (message: StormReply) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}

export async function startScannerStorm(sink: SinkHandle, issueId: string, start: Omit<StormStart, 'type'>): Promise<ScannerStorm> {
  const child = spawnEntry(STORM_ENTRY, { ipc: true });
  if ((await nextReply(child)).type !== 'ready') throw new Error('bench tracking: the scanner storm did not start');
  // A storm stopped early (Ctrl-C stops every child) is not worth an error of its own.
  child.on('error', () => {});
  const send = (message: StormRequest) => {
    if (child.connected) child.send(message);
  };
  send({ type: 'start', ...start });
  let seen = 0;
  const pass = async () => {
    const { ids, times } = await sink.records();
    // The sink is reset when the send starts: its records begin again.
    if (ids.length < seen) seen = 0;
    const messages: Array<[string, number]> = [];
    for (let i = seen; i < ids.length; i++) {
      const subscriberId = subscriberFromMessageId(ids[i]!, issueId);
      if (subscriberId) messages.push([subscriberId, times[i]!]);
    }
    seen = ids.length;
    if (messages.length) send({ type: 'delivered', messages });
  };
  let polling = Promise.resolve();
  const timer = setInterval(() => {
    polling = polling.then(pass).catch(() => {});
  }, POLL_MS);
  return {
    async finish() {
      clearInterval(timer);
      await polling;
      await pass();
      const done = nextReply(child);
      send({ type: 'end' });
      const reply = await done;
      if (reply.type !== 'done') throw new Error(`bench tracking: the scanner storm ${reply.type === 'failed' ? `failed: ${reply.error}` : 'answered oddly'}`);
      const { type: _type, ...figures } = reply;
      return figures;
    },
    async stop() {
      clearInterval(timer);
      await stopChild(child, 3000);
    },
  };
}
