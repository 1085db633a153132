// IPC messages between the benchmark and its sink process (see sink-process.ts).

export type SinkRequest = { type: 'stats'; reqId: number } | { type: 'records'; reqId: number } | { type: 'reset'; reqId: number } | { type: 'stop' };

export interface SinkStats {
  messages: number;
  bytes: number;
  /** Epoch ms of the first and last 250 given since the last reset (0 when none). */
  firstAt: number;
  lastAt: number;
}

export type SinkReply =
  | { type: 'ready'; port: number; pid: number }
  | ({ type: 'stats'; reqId: number } & SinkStats)
  /** Message-ID (without <>) and epoch ms of the 250, per accepted message, in order. */
  | { type: 'records'; reqId: number; ids: string[]; times: number[] }
  | { type: 'reset'; reqId: number };
