// English: the title as written, names joined with commas.
import type { Strings } from '../strings.ts';
import { dateFormatter, numberFormatter } from './format.ts';

const number = numberFormatter('en');

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
};
