// Cost of personalising a rendered issue for one recipient: the splice that replaces
// re-rendering per subscriber (docs/architecture.md, Data flow: "microseconds").
import { personalise } from '../render/index.ts';
import type { RenderedIssue } from '../render/types.ts';

export function measurePersonalise(rendered: RenderedIssue, calls = 20_000): number {
  let bytes = 0;
  const run = (i: number) => {
    const out = personalise(rendered, {
      unsubscribeUrl: `https://news.example.com/unsubscribe/1.${i}.list.token`,
      viewOnlineUrl: 'https://news.example.com/issues/x',
      name: `Reader ${i}`,
    });
    // Touch the result so the work cannot be optimised away.
    bytes += out.html.length + out.text.length;
  };
  for (let i = 0; i < 2_000; i++) run(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) run(i);
  const us = Number(process.hrtime.bigint() - start) / 1_000 / calls;
  if (bytes === 0) throw new Error('personalise produced nothing');
  return us;
}
