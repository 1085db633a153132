// German: formal address (Sie), as a serious publication writes to its readers.
import type { Strings } from './types.ts';
import { dateFormatter, eventTimeFormatter, numberFormatter, plural } from './format.ts';

const number = numberFormatter('de');

const hoursWord = (n: number) => plural('de', n, { one: 'Stunde', other: 'Stunden' });

export const de: Strings = {
  title: (name) => name,
  issueNumber: (n) => `Ausgabe ${number(n)}`,
  date: dateFormatter('de'),
  viewOnline: 'Im Browser ansehen',
  greetingPrefix: 'Hallo ',
  greetingSuffix: ',',
  // "Hallo zusammen," when the name is unknown; a subject's {{name}} wants its own fallback (lint says so).
  defaultName: 'zusammen',
  fieldHeading: (field) => field,
  affiliations: 'Institutionen: ',
  authors: 'Autoren: ',
  joinNames: (names) => names.join(', '),
  download: 'Herunterladen',
  details: 'Mehr erfahren',
  speaker: 'Vortrag: ',
  time: 'Wann: ',
  place: 'Ort: ',
  online: 'Online teilnehmen',
  register: 'Anmelden',
  addToCalendar: 'Zum Kalender hinzufügen',
  eventTime: eventTimeFormatter('de'),
  sponsorLabel: 'Anzeige',
  imageLabel: 'Bild',
  quoted: (text) => `„${text}“`,
  communityTitle: 'Zur Community',
  previous: 'Vorherige Ausgabe: ',
  next: 'Nächste Ausgabe: ',
  source: 'Quelle: ',
  disclaimer: 'Hinweis: ',
  whyReceived: (title) => `Sie erhalten diese E-Mail, weil Sie ${title} abonniert haben.`,
  unsubscribe: 'Abbestellen',
  managePreferences: 'Abonnements verwalten',
  archiveInvite: (title) => `${title} jede Woche im Postfach?`,
  subscribe: 'Abonnieren',
  confirm: {
    subject: (title) => `Bitte bestätigen Sie Ihr Abonnement von ${title}`,
    heading: 'Bitte bestätigen Sie Ihr Abonnement',
    intro: (title) => `Danke, dass Sie ${title} abonniert haben. Bitte bestätigen Sie mit dem Button unten, dass diese Adresse Ihnen gehört:`,
    button: 'Abonnement bestätigen',
    expires: (hours) => (hours ? `Dieser Link ist ${hours} ${hoursWord(hours)} gültig.` : 'Dieser Link ist nur begrenzte Zeit gültig.'),
    ignore: 'Falls Sie sich nicht angemeldet haben, ignorieren Sie diese E-Mail einfach: Ohne Bestätigung erhalten Sie keine weiteren Nachrichten von uns.',
    fallback: 'Der Button funktioniert nicht? Kopieren Sie diesen Link in Ihren Browser:',
  },
  welcome: {
    subject: (title) => `Willkommen bei ${title}`,
    heading: 'Ihr Abonnement ist aktiv. Willkommen!',
    intro: (title) => `Ab der nächsten Ausgabe kommt ${title} in dieses Postfach. Bis dahin hier die aktuelle Ausgabe:`,
    latest: 'Aktuelle Ausgabe lesen',
    archive: 'Alle Ausgaben',
    leave: 'Sie können sich jederzeit abmelden:',
    manage: 'Abonnements verwalten',
  },
  preferencesLink: {
    subject: (title) => `Ihr Link zur Verwaltung Ihres Abonnements von ${title}`,
    heading: 'Abonnement verwalten',
    intro: (title) =>
      `Jemand (hoffentlich Sie) hat einen Link angefordert, um Ihre Einstellungen für ${title} zu ändern: welche Newsletter Sie erhalten, Ihren Namen und Ihre Sprache.`,
    button: 'Abonnement verwalten',
    expires: (days) => `Dieser Link ist ${days} Tage lang gültig, nur für diese Adresse.`,
    ignore: 'Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese E-Mail einfach: Es ändert sich nichts.',
  },
};
