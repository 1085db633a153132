// The next issue's draft (src/studio/new-issue.ts): pure, so compared exactly.
import { describe, expect, it } from 'vitest';
import { draftNextIssue, nextIssueDate } from '../../src/studio/new-issue.ts';

const settings = { newsletter: 'pretrain-weekly', name: '《预训练周刊》', archiveUrl: 'https://pretrain-weekly.example/issues/' };

const issue63 = { id: 'pretrain-weekly-063', data: { newsletter: 'pretrain-weekly', number: 63, date: '2022-10-31', subject: '《预训练周刊》第63期' } };
const issue64 = {
  id: 'pretrain-weekly-064',
  data: {
    newsletter: 'pretrain-weekly',
    number: 64,
    date: '2022-11-07',
    theme: '微调新范式',
    subject: '《预训练周刊》第64期:微调新范式',
    preheader: '本期精选 8 篇论文',
    banner: [{ src: 'pretrain-weekly/064/banner.png', alt: '题图', width: 600, height: 240 }],
    sections: [
      { kind: 'text', title: '订阅本刊', markdown: '点击“阅读原文”订阅。' },
      { kind: 'image', image: { src: 'pretrain-weekly/064/guide.jpeg', alt: '订阅指引', width: 600, height: 300 } },
      {
        kind: 'papers',
        title: '论文推荐',
        groups: [
          { field: '【CV研究】', papers: [{ title: 'A', authors: ['X'], summary: 'S', url: 'https://arxiv.org/pdf/1' }] },
          { field: '【NLP研究】', papers: [] },
        ],
      },
      { kind: 'events', title: '活动预告', events: [{ title: 'Talk', time: 'Monday', url: 'https://example.com/t' }] },
      { kind: 'links', title: '更多', items: [{ title: 'L', url: 'https://example.com/l' }] },
      { kind: 'community' },
      {
        kind: 'navigation',
        previous: { title: '《预训练周刊》第63期', url: 'https://pretrain-weekly.example/issues/pretrain-weekly-063' },
        next: { title: '《预训练周刊》第65期', url: 'https://pretrain-weekly.example/issues/pretrain-weekly-065' },
      },
    ],
  },
};

describe('nextIssueDate', () => {
  it('adds the gap between the two latest issues, else a week, and moves on by whole steps to today or later', () => {
    expect(nextIssueDate('2022-11-08', '2022-11-07', '2022-10-31')).toBe('2022-11-14');
    expect(nextIssueDate('2022-11-08', '2022-11-07')).toBe('2022-11-14');
    expect(nextIssueDate('2022-11-14', '2022-11-07', '2022-10-24')).toBe('2022-11-21'); // fortnightly
    expect(nextIssueDate('2026-12-07', '2022-11-07', '2022-10-31')).toBe('2026-12-07'); // a Monday, as issue 64
    expect(nextIssueDate('2026-12-08', '2022-11-07', '2022-10-31')).toBe('2026-12-14');
    expect(nextIssueDate('2026-12-08', '2026-12-07', '2022-11-07')).toBe('2026-12-14'); // a break is not the rhythm
    expect(nextIssueDate('2026-12-08')).toBe('2026-12-08');
  });
});

describe('draftNextIssue', () => {
  it('from the latest issue: its sections and groups with their items emptied, number + 1, the next issue day, a link back', () => {
    expect(draftNextIssue(settings, [issue64, issue63], { today: '2022-11-08' })).toEqual({
      id: 'pretrain-weekly-065',
      data: {
        newsletter: 'pretrain-weekly',
        number: 65,
        date: '2022-11-14',
        theme: '',
        subject: '《预训练周刊》第65期:',
        preheader: '',
        sections: [
          { kind: 'text', title: '订阅本刊', markdown: '点击“阅读原文”订阅。' },
          { kind: 'image', image: { src: 'pretrain-weekly/064/guide.jpeg', alt: '订阅指引', width: 600, height: 300 } },
          {
            kind: 'papers',
            title: '论文推荐',
            groups: [
              { field: '【CV研究】', papers: [] },
              { field: '【NLP研究】', papers: [] },
            ],
          },
          { kind: 'events', title: '活动预告', events: [] },
          { kind: 'links', title: '更多', items: [] },
          { kind: 'community' },
          { kind: 'navigation', previous: { title: '《预训练周刊》第64期', url: 'https://pretrain-weekly.example/issues/pretrain-weekly-064' } },
        ],
      },
      fromNumber: 64,
    });
    // The latest issue itself is left as it was.
    expect(issue64.data.sections[2]).toMatchObject({ groups: [{ papers: [{ title: 'A' }] }, { papers: [] }] });
  });

  it('an empty skeleton on request, and for a newsletter with no issue yet', () => {
    expect(draftNextIssue(settings, [issue64, issue63], { today: '2022-11-08', fromLatest: false })).toEqual({
      id: 'pretrain-weekly-065',
      data: {
        newsletter: 'pretrain-weekly',
        number: 65,
        date: '2022-11-14',
        subject: '《预训练周刊》 #65',
        preheader: '',
        sections: [
          { kind: 'text', markdown: '' },
          { kind: 'navigation', previous: { title: '《预训练周刊》第64期', url: 'https://pretrain-weekly.example/issues/pretrain-weekly-064' } },
        ],
      },
      fromNumber: null,
    });
    expect(draftNextIssue(settings, [], { today: '2026-12-07' })).toEqual({
      id: 'pretrain-weekly-001',
      data: {
        newsletter: 'pretrain-weekly',
        number: 1,
        date: '2026-12-07',
        subject: '《预训练周刊》 #1',
        preheader: '',
        sections: [{ kind: 'text', markdown: '' }],
      },
      fromNumber: null,
    });
  });

  it('links back by the latest subject when its own link title carries no number to count on', () => {
    const english = {
      id: 'field-notes-012',
      data: {
        newsletter: 'field-notes',
        number: 12,
        date: '2026-11-30',
        subject: 'Field Notes #12: loaders',
        theme: 'loaders',
        sections: [{ kind: 'text', markdown: 'Hi' }],
      },
    };
    const draft = draftNextIssue({ newsletter: 'field-notes', name: 'Field Notes', archiveUrl: 'https://field-notes.example/issues' }, [english], {
      today: '2026-12-01',
    });
    expect(draft.id).toBe('field-notes-013');
    expect(draft.data.subject).toBe('Field Notes #13:');
    expect(draft.data.sections).toEqual([
      { kind: 'text', markdown: 'Hi' },
      { kind: 'navigation', previous: { title: 'Field Notes #12: loaders', url: 'https://field-notes.example/issues/field-notes-012' } },
    ]);
  });
});
