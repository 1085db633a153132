// Every word the templates print that does not come from the issue file, per locale, in one
// table so templates stay free of language and a new locale is one entry here.
import { CJK } from './cjk.ts';
import type { Newsletter } from '../content/schema.ts';

export type Locale = Newsletter['locale'];

export interface Strings {
  /** The newsletter's name as a title: 《预训练周刊》 or Pretrain Weekly. */
  title: (name: string) => string;
  issueNumber: (n: number) => string;
  date: (isoDate: string) => string;
  viewOnline: string;
  /** The greeting is prefix + name token + suffix, so the name can be spliced per recipient. */
  greetingPrefix: string;
  greetingSuffix: string;
  /** Used when a recipient has no name, and on the web archive. */
  defaultName: string;
  fieldHeading: (field: string) => string;
  affiliations: string;
  authors: string;
  /** Joins author names; CJK names read better with 、 than with a comma. */
  joinNames: (names: string[]) => string;
  download: string;
  details: string;
  speaker: string;
  time: string;
  communityTitle: string;
  previous: string;
  next: string;
  source: string;
  disclaimer: string;
  whyReceived: (title: string) => string;
  unsubscribe: string;
  /** The footer's link to the subscriber's preferences page. */
  managePreferences: string;
  /** Replace whyReceived and unsubscribe on the web archive, where no subscriber is known. */
  archiveInvite: (title: string) => string;
  subscribe: string;
  confirm: {
    subject: (title: string) => string;
    heading: string;
    intro: (title: string) => string;
    button: string;
    expires: (hours: number | undefined) => string;
    ignore: string;
    fallback: string;
  };
  welcome: {
    subject: (title: string) => string;
    heading: string;
    intro: (title: string) => string;
    latest: string;
    archive: string;
    leave: string;
    manage: string;
  };
}


export const STRINGS: Record<Locale, Strings> = {
  'zh-CN': {
    title: (name) => (name.startsWith('《') ? name : `《${name}》`),
    issueNumber: (n) => `第${n}期`,
    date: (iso) => formatDate(iso, 'zh-CN'),
    viewOnline: '在浏览器中查看',
    greetingPrefix: '',
    greetingSuffix: '，你好！',
    defaultName: '读者',
    fieldHeading: (field) => (field.startsWith('【') ? field : `【${field}】`),
    affiliations: '机构：',
    authors: '作者：',
    joinNames: (names) => names.join(names.some((n) => CJK.test(n)) ? '、' : ', '),
    download: '论文下载',
    details: '了解详情',
    speaker: '主讲：',
    time: '时间：',
    communityTitle: '加入社区',
    previous: '上一期：',
    next: '下一期：',
    source: '来源：',
    disclaimer: '声明：',
    whyReceived: (title) => `你收到这封邮件，是因为你订阅了${title}。`,
    unsubscribe: '退订',
    managePreferences: '管理订阅',
    archiveInvite: (title) => `想每周收到${title}？`,
    subscribe: '订阅',
    confirm: {
      subject: (title) => `请确认订阅${title}`,
      heading: '请确认你的订阅',
      intro: (title) => `感谢订阅${title}。请点击下面的按钮，确认这个邮箱地址是你的：`,
      button: '确认订阅',
      expires: (hours) => (hours ? `此链接将在 ${hours} 小时后失效。` : '此链接会在一段时间后失效。'),
      ignore: '如果你没有订阅，忽略这封邮件即可：不确认，我们就不会再给你发任何邮件。',
      fallback: '按钮无法点击？请把下面的链接复制到浏览器中打开：',
    },
    welcome: {
      subject: (title) => `欢迎订阅${title}`,
      heading: '订阅成功，欢迎你！',
      intro: (title) => `从下一期起，${title}会准时来到你的邮箱。先读读最近的一期吧：`,
      latest: '阅读最新一期',
      archive: '浏览往期',
      leave: '随时可以退订：',
      manage: '管理我的订阅',
    },
  },
  en: {
    title: (name) => name,
    issueNumber: (n) => `Issue ${n}`,
    date: (iso) => formatDate(iso, 'en'),
    viewOnline: 'View online',
    greetingPrefix: 'Hi ',
    greetingSuffix: ',',
    defaultName: 'reader',
    fieldHeading: (field) => field,
    affiliations: 'Affiliations: ',
    authors: 'Authors: ',
    joinNames: (names) => names.join(', '),
    download: 'Download',
    details: 'Details',
    speaker: 'Speaker: ',
    time: 'When: ',
    communityTitle: 'Join the community',
    previous: 'Previous: ',
    next: 'Next: ',
    source: 'Source: ',
    disclaimer: 'Disclaimer: ',
    whyReceived: (title) => `You receive this email because you subscribed to ${title}.`,
    unsubscribe: 'Unsubscribe',
    managePreferences: 'Manage subscriptions',
    archiveInvite: (title) => `Want ${title} in your inbox every week?`,
    subscribe: 'Subscribe',
    confirm: {
      subject: (title) => `Please confirm your subscription to ${title}`,
      heading: 'Please confirm your subscription',
      intro: (title) => `Thank you for subscribing to ${title}. Please press the button below to confirm that this address is yours:`,
      button: 'Confirm subscription',
      expires: (hours) => (hours ? `This link expires in ${hours} hours.` : 'This link expires after a while.'),
      ignore: 'If you did not subscribe, just ignore this email: without confirmation we will not send you anything else.',
      fallback: 'Button not working? Copy this link into your browser:',
    },
    welcome: {
      subject: (title) => `Welcome to ${title}`,
      heading: 'You are subscribed. Welcome!',
      intro: (title) => `From the next issue on, ${title} comes to this inbox. Meanwhile, here is the latest one:`,
      latest: 'Read the latest issue',
      archive: 'All past issues',
      leave: 'You can leave at any time:',
      manage: 'Manage your subscriptions',
    },
  },
};

export function stringsFor(locale: Locale | undefined): Strings {
  return STRINGS[locale ?? 'zh-CN'];
}

/** YYYY-MM-DD as a calendar date, independent of the machine's time zone. */
function formatDate(iso: string, locale: string): string {
  const date = new Date(`${iso}T00:00:00Z`);
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(date);
}
