// IPC messages between `bench tracking` and its load generator (redirect-load-process.ts).

export interface RedirectLoadRun {
  type: 'run';
  baseUrl: string;
  campaignId: string;
  /** Links 1..links of the campaign's table. */
  links: number;
  /** One valid click token per reader. */
  tokens: string[];
  userAgent: string;
  connections: number;
  durationSeconds: number;
}

export interface RedirectLoadFigures {
  /** Requests written to the server; `completed` is those answered before the end. */
  sent: number;
  completed: number;
  requestsPerSecondMean: number;
  latencyMs: { p50: number; p99: number; max: number; mean: number };
  status: { '1xx': number; '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  errors: number;
  timeouts: number;
  seconds: number;
}

export type RedirectLoadReply = { type: 'ready' } | ({ type: 'done' } & RedirectLoadFigures) | { type: 'failed'; error: string };
