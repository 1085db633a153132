// A deterministic subscriber CSV for `newsletter bench subscribers`: the same seed and row count
// always give the same file, byte for byte. The rows look like a real list, so that prefix
// searches meet realistic spreads: local parts made of first and last names (some capitalised,
// some with digits), a few big mailbox providers and a long tail of organisations' domains,
// names in Latin script (some accented), in Chinese, or none, and a locale. Every address is a
// different mailbox (case-blind), so N rows make N subscribers.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** mulberry32: a small deterministic PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'james',
  'mary',
  'john',
  'patricia',
  'robert',
  'jennifer',
  'michael',
  'linda',
  'william',
  'elizabeth',
  'david',
  'barbara',
  'richard',
  'susan',
  'joseph',
  'jessica',
  'thomas',
  'sarah',
  'charles',
  'karen',
  'daniel',
  'nancy',
  'matthew',
  'lisa',
  'anthony',
  'betty',
  'mark',
  'margaret',
  'donald',
  'sandra',
  'steven',
  'ashley',
  'paul',
  'kimberly',
  'andrew',
  'emily',
  'joshua',
  'donna',
  'kenneth',
  'michelle',
  'kevin',
  'dorothy',
  'brian',
  'carol',
  'george',
  'amanda',
  'timothy',
  'melissa',
  'ada',
  'alan',
  'grace',
  'linus',
  'barbara',
  'ken',
  'dennis',
  'margaret',
  'edsger',
  'tony',
  'leslie',
  'frances',
  'donald',
  'radia',
  'yukihiro',
  'guido',
  'wei',
  'fang',
  'jing',
  'min',
  'lei',
  'yan',
  'hui',
  'xin',
  'hao',
  'ying',
  'jun',
  'ling',
  'tao',
  'mei',
  'chen',
  'yu',
  'hiroshi',
  'yuki',
  'sakura',
  'kenji',
  'jisoo',
  'minho',
  'ahmed',
  'fatima',
  'omar',
  'layla',
  'olga',
  'ivan',
  'sven',
  'ingrid',
  'lars',
  'astrid',
  'jose',
  'maria',
  'carlos',
  'lucia',
  'juan',
  'sofia',
  'pierre',
  'camille',
  'hans',
  'greta',
  'marco',
  'giulia',
  'priya',
  'arjun',
  'ananya',
  'rohan',
];
const LAST = [
  'smith',
  'johnson',
  'williams',
  'brown',
  'jones',
  'garcia',
  'miller',
  'davis',
  'rodriguez',
  'martinez',
  'hernandez',
  'lopez',
  'gonzalez',
  'wilson',
  'anderson',
  'thomas',
  'taylor',
  'moore',
  'jackson',
  'martin',
  'lee',
  'perez',
  'thompson',
  'white',
  'harris',
  'sanchez',
  'clark',
  'ramirez',
  'lewis',
  'robinson',
  'walker',
  'young',
  'lovelace',
  'turing',
  'hopper',
  'torvalds',
  'liskov',
  'thompson',
  'ritchie',
  'hamilton',
  'dijkstra',
  'hoare',
  'lamport',
  'allen',
  'knuth',
  'perlman',
  'matsumoto',
  'rossum',
  'wang',
  'li',
  'zhang',
  'liu',
  'chen',
  'yang',
  'huang',
  'zhao',
  'wu',
  'zhou',
  'xu',
  'sun',
  'ma',
  'zhu',
  'hu',
  'guo',
  'sato',
  'suzuki',
  'takahashi',
  'tanaka',
  'kim',
  'park',
  'choi',
  'nguyen',
  'tran',
  'khan',
  'ali',
  'hassan',
  'ivanov',
  'petrov',
  'larsen',
  'nielsen',
  'muller',
  'schmidt',
  'schneider',
  'fischer',
  'rossi',
  'russo',
  'ferrari',
  'dubois',
  'laurent',
  'moreau',
  'silva',
  'santos',
  'oliveira',
  'patel',
  'sharma',
  'singh',
];
/** Display forms with accents for some Latin names (the address keeps ASCII). */
const ACCENTED: Record<string, string> = {
  jose: 'José',
  lucia: 'Lucía',
  sofia: 'Sofía',
  muller: 'Müller',
  greta: 'Gréta',
  camille: 'Camille',
  zoe: 'Zoë',
  lopez: 'López',
  garcia: 'García',
  perez: 'Pérez',
  hernandez: 'Hernández',
  martinez: 'Martínez',
  gonzalez: 'González',
  ramirez: 'Ramírez',
  sanchez: 'Sánchez',
  rodriguez: 'Rodríguez',
};
const CJK_FAMILY = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗'];
const CJK_GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '霞',
  '平',
  '小明',
  '晓东',
  '思远',
  '雨桐',
];
/** Big providers and their share of the rows; the rest goes to the long tail. */
const PROVIDERS: Array<[string, number]> = [
  ['gmail.com', 0.26],
  ['outlook.com', 0.07],
  ['yahoo.com', 0.05],
  ['hotmail.com', 0.04],
  ['icloud.com', 0.04],
  ['qq.com', 0.04],
  ['163.com', 0.03],
  ['proton.me', 0.015],
  ['gmx.de', 0.015],
  ['web.de', 0.01],
  ['mail.ru', 0.01],
  ['yandex.ru', 0.01],
  ['naver.com', 0.01],
  ['orange.fr', 0.01],
];
const WORDS = [
  'acme',
  'north',
  'blue',
  'data',
  'river',
  'stone',
  'cloud',
  'lab',
  'quant',
  'deep',
  'open',
  'bright',
  'green',
  'iron',
  'silver',
  'star',
  'nova',
  'pixel',
  'logic',
  'vector',
  'tensor',
  'signal',
  'harbor',
  'summit',
  'atlas',
  'pine',
  'maple',
  'orbit',
  'delta',
  'prime',
];
const TLDS = ['com', 'org', 'io', 'ai', 'edu', 'net', 'de', 'fr', 'co.uk', 'com.cn', 'ac.jp', 'edu.cn', 'ch', 'nl', 'se'];
const LOCALES = ['en', 'en', 'en', 'zh-CN', 'zh-CN', 'de', 'fr', 'ja', 'es', 'ko', ''];
const TAIL_DOMAINS = 40_000;

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const title = (s: string) => ACCENTED[s] ?? s.charAt(0).toUpperCase() + s.slice(1);

/** The long-tail domain number n (deterministic, a function of n only). */
function tailDomain(n: number): string {
  const r = prng(n * 7919 + 17);
  return `${pick(r, WORDS)}${pick(r, WORDS)}${n % 7 === 0 ? `-${pick(r, WORDS)}` : ''}.${pick(r, TLDS)}`;
}

export interface CsvRow {
  email: string;
  name: string;
  locale: string;
}

/**
 * The rows, one at a time (nothing kept but a set of the mailboxes handed out, for uniqueness).
 * Deterministic in (seed, count).
 */
export function* subscriberRows(count: number, seed = 64): Generator<CsvRow> {
  const rand = prng(seed);
  const taken = new Set<string>();
  for (let i = 0; i < count; i++) {
    const first = pick(rand, FIRST);
    const last = pick(rand, LAST);
    const shape = rand();
    let local =
      shape < 0.3
        ? `${first}.${last}`
        : shape < 0.45
          ? `${first}${last}`
          : shape < 0.55
            ? `${first[0]}${last}`
            : shape < 0.65
              ? `${first}_${last}`
              : shape < 0.8
                ? `${first}${Math.floor(rand() * 1000)}`
                : shape < 0.9
                  ? `${last}.${first}`
                  : `${first}.${last}${1950 + Math.floor(rand() * 60)}`;
    // Some people type their address capitalised; the mailbox is the same whatever the case.
    if (rand() < 0.08) local = local.charAt(0).toUpperCase() + local.slice(1);
    let u = rand();
    let domain = '';
    for (const [provider, share] of PROVIDERS) {
      if (u < share) {
        domain = provider;
        break;
      }
      u -= share;
    }
    // The long tail: a Zipf-like spread over TAIL_DOMAINS organisations.
    if (!domain) domain = tailDomain(Math.floor(TAIL_DOMAINS ** rand()));
    let email = `${local}@${domain}`;
    while (taken.has(email.toLowerCase())) email = `${local}${Math.floor(rand() * 10_000)}@${domain}`;
    taken.add(email.toLowerCase());
    const kind = rand();
    const name = kind < 0.12 ? '' : kind < 0.24 ? `${pick(rand, CJK_FAMILY)}${pick(rand, CJK_GIVEN)}` : `${title(first)} ${title(last)}`;
    yield { email, name, locale: pick(rand, LOCALES) };
  }
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes `count` rows (header `email,name,locale`) to `path`, with backpressure; `onRow` sees each row and its index. */
export async function writeSubscriberCsv(
  path: string,
  count: number,
  opts: { seed?: number; onRow?: (row: CsvRow, index: number) => void } = {},
): Promise<{ rows: number; bytes: number }> {
  const out = createWriteStream(path);
  let bytes = 0;
  let chunk = 'email,name,locale\n';
  const flush = async () => {
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
    chunk = '';
  };
  let index = 0;
  for (const row of subscriberRows(count, opts.seed)) {
    opts.onRow?.(row, index++);
    chunk += `${csvCell(row.email)},${csvCell(row.name)},${row.locale}\n`;
    if (chunk.length > 64 * 1024) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return { rows: count, bytes };
}
