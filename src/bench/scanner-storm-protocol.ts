// IPC messages between `bench tracking` and its scanner storm (scanner-storm-process.ts).

export interface StormStart {
  type: 'start';
  baseUrl: string;
  campaignId: string;
  /** Links 1..links of every message. */
  links: number;
  /** The deployment's SECRET (the workers sign with it; so does the storm). */
  secrets: Array<{ version: number; key: string }>;
  scannerAgent: string;
  browserAgent: string;
  connections: number;
  /** A click not made this soon after its message's delivery is dropped, not made late. */
  clickWithinMs: number;
}

/** Messages the sink accepted: subscriber id and epoch ms of the 250, in order. */
export interface StormDelivered {
  type: 'delivered';
  messages: Array<[subscriberId: string, deliveredAt: number]>;
}

export type StormRequest = StormStart | StormDelivered | { type: 'end' };

export interface StormFigures {
  /** Clicks made (each answered), dropped because their time was up, failed (no answer). */
  made: number;
  late: number;
  failed: number;
  /** Answers other than a 302. */
  non3xx: number;
  firstAt: number;
  lastAt: number;
  /** The latest a click was made after its message's delivery, ms. */
  maxDelayMs: number;
}

export type StormReply = { type: 'ready' } | ({ type: 'done' } & StormFigures) | { type: 'failed'; error: string };
