// English: the title as written, names joined with commas.
import type { Strings } from './types.ts';
import { dateFormatter, eventTimeFormatter, numberFormatter, plural } from './format.ts';

const number = numberFormatter('en');

const hoursWord = (n: number) => plural('en', n, { one: 'hour', other: 'hours' });

export const en: Strings = {
  title: (name) => name,
  issueNumber: (n) => `Issue ${number(n)}`,
  date: dateFormatter('en'),
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
  place: 'Where: ',
  online: 'Join online',
  register: 'Register',
  addToCalendar: 'Add to calendar',
  eventTime: eventTimeFormatter('en'),
  sponsorLabel: 'Advertisement',
  imageLabel: 'Image',
  quoted: (text) => `“${text}”`,
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
    expires: (hours) => (hours ? `This link expires in ${hours} ${hoursWord(hours)}.` : 'This link expires after a while.'),
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
  preferencesLink: {
    subject: (title) => `Your link to manage your subscription to ${title}`,
    heading: 'Manage your subscription',
    intro: (title) => `Someone (we hope you) asked for a link to change your settings for ${title}: which newsletters you get, your name and your language.`,
    button: 'Manage my subscription',
    expires: (days) => `This link works for ${days} days, for this address only.`,
    ignore: 'If you did not ask for it, just ignore this email: nothing changes.',
  },
};
