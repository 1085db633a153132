// Every sentence the web pages show, per locale. Pages pick the newsletter's locale; a locale
// without a table falls back to English. en and zh-CN live here, the other seven under
// page-messages/. The consent sentence's text is versioned by its hash, so the consent record
// names exactly what the person saw: never edit a published consent sentence in place.
import { createHash } from 'node:crypto';
import { ar } from './page-messages/ar.ts';
import { de } from './page-messages/de.ts';
import { es } from './page-messages/es.ts';
import { fr } from './page-messages/fr.ts';
import { ja } from './page-messages/ja.ts';
import { ko } from './page-messages/ko.ts';
import type { Messages, PageLocale } from './page-messages/types.ts';
import { zhTW } from './page-messages/zh-TW.ts';

export type { Messages, PageLocale } from './page-messages/types.ts';

const en: Messages = {
  lang: 'en',
  subscribeTitle: (name) => `Subscribe to ${name}`,
  subscribeIntro: (organisation) => `Published by ${organisation}. Free, straight to your inbox.`,
  emailLabel: 'Email address',
  nameLabel: 'Name',
  optional: '(optional)',
  otherNewsletters: 'Also from us:',
  consent: (name) =>
    `By subscribing I agree to receive ${name} by email. Every issue has a link to unsubscribe at once. We record when and from where I subscribed, as proof of consent.`,
  subscribeButton: 'Subscribe',
  confirmNote: (hours) => `We will email you a link to confirm; it is valid for ${hours} hours.`,
  honeypotLabel: 'Leave this field empty',
  checkInboxTitle: 'Check your inbox',
  checkInboxBody: (hours) =>
    `Unless this address is already subscribed, we have sent it a message with a confirmation link. Open it and follow the link within ${hours} hours to finish subscribing.`,
  checkInboxHint: 'Nothing after a few minutes? Look in the spam folder, or subscribe again.',
  confirmAskTitle: (name) => `Confirm your subscription to ${name}`,
  confirmAskBody: (name) => `Press the button to start receiving ${name}. (We ask so that nobody else, and no link checker, can subscribe you.)`,
  confirmAskButton: 'Yes, subscribe me',
  confirmedTitle: 'You are subscribed',
  confirmedBody: (name) => `Thank you. The next issue of ${name} will come to your inbox.`,
  readArchive: 'Read past issues',
  confirmInvalidTitle: 'This confirmation link does not work',
  confirmInvalidBody: (hours) =>
    `It may have expired (links are valid for ${hours} hours), been used already, or been cut short by your mail program. Subscribe again to get a new link.`,
  subscribeAgain: 'Subscribe again',
  unsubscribeTitle: (name) => `Unsubscribe from ${name}?`,
  unsubscribeBody: (masked, name) => `${masked} will no longer receive ${name}.`,
  unsubscribeButton: 'Unsubscribe',
  unsubscribedTitle: 'You are unsubscribed',
  unsubscribedBody: (masked, name) => `${masked ?? 'This address'} will not receive ${name} any more.`,
  resubscribeOffer: 'Changed your mind? Subscribe again; we will ask you to confirm by email.',
  unsubscribeInvalidTitle: 'This unsubscribe link does not work',
  preferencesInvalidTitle: 'This preferences link does not work',
  preferences: {
    title: 'Your subscriptions',
    intro: (masked) => `Settings for ${masked}. Tick the newsletters you want; untick to leave one.`,
    lists: 'Newsletters',
    language: 'Language',
    languages: { 'zh-CN': '中文', en: 'English' },
    save: 'Save',
    leaveAll: 'Unsubscribe from all',
    saved: 'Saved.',
    leftAll: 'You are unsubscribed from every newsletter.',
    manage: 'Manage your subscriptions',
    awaiting: 'waiting for you to confirm by email',
    asked: (names) => `To join ${names}, open the confirmation link we have just emailed you.`,
    linkIntro: (days) => `For your privacy, this link shows and changes nothing: emails get forwarded. We can email a link to the address this newsletter is sent to; it opens your settings for ${days} days.`,
    linkExpired: 'This link has expired.',
    linkButton: 'Email me a link to manage my subscription',
    linkSent: (days) => `If this link belongs to a subscriber, a link to manage the subscription is on its way to their address. It works for ${days} days.`,
    unsubscribeOnly: (name) => `Only want to stop receiving ${name}?`,
  },
  unsubscribeInvalidBody:
    'It may have been cut short when it was copied. Open the unsubscribe link at the bottom of any issue, or use the unsubscribe button of your mail program.',
  archiveTitle: (name) => `${name}: all issues`,
  allArchivesTitle: 'All issues of every newsletter',
  landingTitle: 'Our newsletters',
  landingIntro: 'Pick a newsletter, read its past issues, and subscribe with your email address. Every issue has a link to leave at once.',
  latestIssues: 'Latest issues',
  archiveEmpty: 'No issue has been published yet.',
  issueNumber: (n) => `No. ${n}`,
  previousIssue: 'Previous issue',
  nextIssue: 'Next issue',
  allIssues: 'All issues',
  subscribeLink: 'Subscribe',
  invalidEmail: 'Enter an email address such as name@example.com.',
  errors: {
    '400': { title: 'That request did not work', body: 'Something in the request was missing or not valid.' },
    '404': { title: 'Page not found', body: 'There is nothing at this address.' },
    '413': { title: 'Too much data', body: 'The form sent more data than this page accepts.' },
    '415': { title: 'Unsupported form', body: 'The form was sent in a format this page does not accept.' },
    '429': { title: 'Too many attempts', body: 'Please wait a minute, then try again.' },
    '500': { title: 'Something went wrong on our side', body: 'Please try again in a few minutes.' },
  },
  backHome: 'Go to the subscription page',
};

const zhCN: Messages = {
  lang: 'zh-CN',
  subscribeTitle: (name) => `订阅${name}`,
  subscribeIntro: (organisation) => `由${organisation}出品，免费发送到你的邮箱。`,
  emailLabel: '邮箱地址',
  nameLabel: '称呼',
  optional: '（选填）',
  otherNewsletters: '其他刊物：',
  consent: (name) =>
    `点击订阅即表示我同意通过邮件接收${name}。每一期邮件都附有退订链接，可随时一键退订。我们会记录订阅的时间和来源，作为同意的凭证。`,
  subscribeButton: '订阅',
  confirmNote: (hours) => `我们会发送一封确认邮件，其中的链接 ${hours} 小时内有效。`,
  honeypotLabel: '请勿填写此项',
  checkInboxTitle: '请查收确认邮件',
  checkInboxBody: (hours) => `如果该地址尚未订阅，我们已向它发送了一封含确认链接的邮件。请在 ${hours} 小时内打开邮件并点击链接，完成订阅。`,
  checkInboxHint: '几分钟后仍未收到？请查看垃圾邮件文件夹，或重新订阅。',
  confirmAskTitle: (name) => `确认订阅${name}`,
  confirmAskBody: (name) => `点击下面的按钮，开始接收${name}。（多这一步，是为了不让别人或链接扫描程序替你订阅。）`,
  confirmAskButton: '确认订阅',
  confirmedTitle: '订阅成功',
  confirmedBody: (name) => `感谢订阅！下一期${name}将发送到你的邮箱。`,
  readArchive: '阅读往期内容',
  confirmInvalidTitle: '确认链接无效',
  confirmInvalidBody: (hours) => `链接可能已过期（有效期 ${hours} 小时）、已被使用，或在复制时不完整。请重新订阅以获取新的链接。`,
  subscribeAgain: '重新订阅',
  unsubscribeTitle: (name) => `退订${name}？`,
  unsubscribeBody: (masked, name) => `${masked} 将不再收到${name}。`,
  unsubscribeButton: '确认退订',
  unsubscribedTitle: '已退订',
  unsubscribedBody: (masked, name) => `${masked ?? '该地址'} 将不再收到${name}。`,
  resubscribeOffer: '改变主意了？可以重新订阅，我们会再发邮件请你确认。',
  unsubscribeInvalidTitle: '退订链接无效',
  preferencesInvalidTitle: '偏好设置链接无效',
  unsubscribeInvalidBody: '链接可能在复制时不完整。请使用任意一期邮件底部的退订链接，或邮件客户端自带的退订按钮。',
  preferences: {
    title: '我的订阅',
    intro: (masked) => `${masked} 的订阅设置。勾选想收到的通讯，取消勾选即退订。`,
    lists: '通讯',
    language: '语言',
    languages: { 'zh-CN': '中文', en: 'English' },
    save: '保存',
    leaveAll: '全部退订',
    saved: '已保存。',
    leftAll: '已退订全部通讯。',
    manage: '管理我的订阅',
    awaiting: '等待邮件确认',
    asked: (names) => `要订阅${names}，请打开我们刚发给你的确认邮件中的链接。`,
    linkIntro: (days) => `为保护你的隐私，这个链接不显示也不更改任何设置：邮件可能被转发过。我们可以把一个链接发到接收本通讯的邮箱，${days} 天内可用它打开你的设置。`,
    linkExpired: '这个链接已过期。',
    linkButton: '给我发送管理订阅的链接',
    linkSent: (days) => `如果这个链接属于某位订阅者，管理订阅的链接正在发往其邮箱，${days} 天内有效。`,
    unsubscribeOnly: (name) => `只想不再收到${name}？`,
  },
  archiveTitle: (name) => `${name}往期`,
  allArchivesTitle: '全部刊物往期',
  landingTitle: '我们的刊物',
  landingIntro: '选择感兴趣的刊物，阅读往期内容，留下邮箱即可订阅。每一期邮件都附有退订链接，可随时退订。',
  latestIssues: '最近几期',
  archiveEmpty: '还没有发布任何一期。',
  issueNumber: (n) => `第 ${n} 期`,
  previousIssue: '上一期',
  nextIssue: '下一期',
  allIssues: '全部往期',
  subscribeLink: '订阅',
  invalidEmail: '请输入有效的邮箱地址，例如 name@example.com。',
  errors: {
    '400': { title: '请求无效', body: '请求中缺少内容或内容无效。' },
    '404': { title: '页面不存在', body: '这个地址上没有内容。' },
    '413': { title: '提交的数据过多', body: '表单提交的数据超出了本页面接受的大小。' },
    '415': { title: '不支持的提交格式', body: '表单的提交格式不被本页面接受。' },
    '429': { title: '尝试次数过多', body: '请稍等一分钟后再试。' },
    '500': { title: '服务器出错了', body: '请几分钟后再试。' },
  },
  backHome: '前往订阅页面',
};

const TABLES: Readonly<Record<PageLocale, Messages>> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW, ja, ko, de, fr, es, ar };

export function messagesFor(locale: string | undefined): Messages {
  return locale !== undefined && Object.hasOwn(TABLES, locale) ? TABLES[locale as PageLocale] : en;
}

/** `form-v1-<locale>-<hash of the consent sentence>`: recorded with every form consent. */
export function consentTextVersion(m: Messages, newsletterName: string): string {
  const digest = createHash('sha256').update(m.consent(newsletterName)).digest('hex').slice(0, 10);
  return `form-v1-${m.lang}-${digest}`;
}

/** The consent sentence a `consentTextVersion` stands for, over these newsletters and every locale. */
export function consentTextResolver(newsletterNames: readonly string[]): (version: string) => string | undefined {
  const texts = new Map<string, string>();
  for (const m of Object.values(TABLES)) for (const name of newsletterNames) texts.set(consentTextVersion(m, name), m.consent(name));
  return (version) => texts.get(version);
}
