// The draft of a newsletter's next issue, as "New issue" starts it: from the structure of its
// latest issue (sections and paper groups kept, their items emptied), or from an empty skeleton.
// Its banner is not copied: a banner belongs to one issue.
// Pure: the caller reads the latest issue and writes the draft (src/studio/issue-drafts.ts).
//
// The draft is meant to be edited, not sent: lint names each emptied list as an error (a group
// with no papers, a section with no events), so a send refuses the draft until it is filled.

/** The latest issue as its YAML file holds it: plain data, maybe a draft that is not valid yet. */
export interface LatestIssue {
  /** Its id (the file's base name), for the link back to it in the archive. */
  id: string;
  data: Record<string, unknown>;
}

export interface DraftSettings {
  /** The newsletter's id, as issue files name it. */
  newsletter: string;
  /** Its display name, for the skeleton's subject. */
  name: string;
  /** Base URL of the web archive (an issue is at `${archiveUrl}/${id}`). */
  archiveUrl: string;
}

export interface NewIssueDraft {
  /** The file's base name: `<newsletter>-<number, 3 digits or more>`. */
  id: string;
  data: Record<string, unknown>;
  /** The number of the issue whose structure it copies; null for a skeleton. */
  fromNumber: number | null;
}

/** Days between issues when there is no earlier issue to tell: a weekly. */
const DEFAULT_CADENCE_DAYS = 7;
/** The longest gap read as the rhythm (a monthly); longer ones are breaks. */
const MAX_CADENCE_DAYS = 31;
const DAY_MS = 86_400_000;

export function draftId(newsletter: string, number: number): string {
  return `${newsletter}-${String(number).padStart(3, '0')}`;
}

/**
 * The next issue day: the latest issue's date plus the cadence (the gap between the two latest
 * issues when it is a month or less, else a week), moved on by whole cadences until it is today or later. No latest issue:
 * today.
 */
export function nextIssueDate(today: string, latestDate?: string, previousDate?: string): string {
  if (!latestDate || !isCalendarDate(latestDate)) return today;
  const latest = Date.parse(`${latestDate}T00:00:00Z`);
  const gap = previousDate && isCalendarDate(previousDate) ? Math.round((latest - Date.parse(`${previousDate}T00:00:00Z`)) / DAY_MS) : 0;
  // A gap of more than a month is a pause, not the rhythm (an issue written after a break).
  const cadence = gap > 0 && gap <= MAX_CADENCE_DAYS ? gap : DEFAULT_CADENCE_DAYS;
  const start = Date.parse(`${today}T00:00:00Z`);
  let next = latest + cadence * DAY_MS;
  if (next < start) next += Math.ceil((start - next) / (cadence * DAY_MS)) * cadence * DAY_MS;
  return new Date(next).toISOString().slice(0, 10);
}

function isCalendarDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `text` with the first whole occurrence of the number `from` (as written, or zero-padded) made `to`. */
function renumber(text: string, from: number, to: number): string {
  for (const written of new Set([String(from), String(from).padStart(3, '0'), String(from).padStart(2, '0')])) {
    const at = new RegExp(`(?<!\\d)${written}(?!\\d)`).exec(text);
    if (at) return `${text.slice(0, at.index)}${String(to).padStart(written.length, '0')}${text.slice(at.index + written.length)}`;
  }
  return text;
}

/**
 * One section of the latest issue with its items emptied: the papers of each group, the events,
 * the links. The rest (text, images, quote, community, button, sponsor, divider) is copied as it
 * was: in a weekly those are mostly the same every week, and the editor changes what is not.
 */
function emptied(section: Record<string, unknown>, link: { title: string; url: string } | null): Record<string, unknown> | null {
  switch (section.kind) {
    case 'papers':
      return {
        ...structuredClone(section),
        groups: (Array.isArray(section.groups) ? section.groups : []).filter(isRecord).map((g) => ({ field: g.field ?? '', papers: [] })),
      };
    case 'events':
      return { ...structuredClone(section), events: [] };
    case 'links':
      return { ...structuredClone(section), items: [] };
    case 'navigation':
      // Back to the latest issue; the next one does not exist yet.
      return link ? { kind: 'navigation', previous: link } : null;
    default:
      return structuredClone(section);
  }
}

/** The title the latest issue's own "previous" link gives an issue, renumbered; else its subject. */
function linkTitle(latest: Record<string, unknown>, number: number): string {
  const nav = (Array.isArray(latest.sections) ? latest.sections : []).find((s) => isRecord(s) && s.kind === 'navigation') as
    | Record<string, unknown>
    | undefined;
  const previous = nav && isRecord(nav.previous) && typeof nav.previous.title === 'string' ? nav.previous.title : null;
  if (previous) {
    const renumbered = renumber(previous, number - 1, number);
    if (renumbered !== previous) return renumbered;
  }
  return typeof latest.subject === 'string' ? latest.subject : `#${number}`;
}

export interface DraftOptions {
  /** Start from the latest issue's structure (default); false: an empty skeleton. */
  fromLatest?: boolean;
  /** Today's date (YYYY-MM-DD) in the newsletter's time zone. */
  today: string;
}

/**
 * The next issue of `settings.newsletter`. `issues` are its existing issues, any order; the
 * number is one past the highest, the date the next issue day, and the draft links back to the
 * latest issue in the archive.
 */
export function draftNextIssue(settings: DraftSettings, issues: readonly LatestIssue[], opts: DraftOptions): NewIssueDraft {
  const numbered = issues
    .filter((i) => Number.isInteger(i.data.number) && (i.data.number as number) > 0)
    .sort((a, b) => (b.data.number as number) - (a.data.number as number));
  const latest = numbered[0];
  const number = latest ? (latest.data.number as number) + 1 : 1;
  const date = nextIssueDate(opts.today, latest?.data.date as string | undefined, numbered[1]?.data.date as string | undefined);
  const link = latest ? { title: linkTitle(latest.data, latest.data.number as number), url: `${settings.archiveUrl.replace(/\/+$/, '')}/${latest.id}` } : null;
  const head = { newsletter: settings.newsletter, number, date };

  if (opts.fromLatest === false || !latest) {
    const sections: Record<string, unknown>[] = [{ kind: 'text', markdown: '' }];
    if (link) sections.push({ kind: 'navigation', previous: link });
    return { id: draftId(settings.newsletter, number), data: { ...head, subject: `${settings.name} #${number}`, preheader: '', sections }, fromNumber: null };
  }

  const from = latest.data;
  const previousNumber = from.number as number;
  // The subject's pattern with this issue's number; last week's theme is not this week's.
  let subject = typeof from.subject === 'string' ? from.subject : `${settings.name} #${number}`;
  if (typeof from.theme === 'string' && from.theme && subject.includes(from.theme)) subject = subject.replace(from.theme, '').trim();
  subject = renumber(subject, previousNumber, number);
  const sections = (Array.isArray(from.sections) ? from.sections : [])
    .filter(isRecord)
    .map((s) => emptied(s, link))
    .filter((s): s is Record<string, unknown> => s !== null);
  if (link && !sections.some((s) => s.kind === 'navigation')) sections.push({ kind: 'navigation', previous: link });
  return { id: draftId(settings.newsletter, number), data: { ...head, theme: '', subject, preheader: '', sections }, fromNumber: previousNumber };
}
