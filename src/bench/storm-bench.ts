// Part two of `bench tracking`: a scanner storm during a send (see runStormBench).

export interface SendFigures {
  messages: number;
  seconds: number;
  /** Messages per second, first job added → last 250 (the pipeline bench's measure). */
  rate: number;
}

export interface StormBenchResult {
  subscribers: number;
  linksPerMessage: number;
  clickWithinSeconds: number;
  quiet: SendFigures;
  stormy: SendFigures;
  /** In the storm over quiet. */
  rateRatio: number;
  clicks: { made: number; late: number; failed: number; non3xx: number; perSecond: number };
  counted: { human: number; machine: number };
  allMachine: boolean;
}
