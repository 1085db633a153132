// German page sentences: formal address (Sie), as the German emails write.
import { numberFormatter, plural } from '../../../render/locales/format.ts';
import type { Messages } from './types.ts';

const number = numberFormatter('de');

const hoursWord = (n: number) => plural('de', n, { one: 'Stunde', other: 'Stunden' });

export const de: Messages = {
  lang: 'de',
  subscribeTitle: (name) => `${name} abonnieren`,
  subscribeIntro: (organisation) => `Herausgegeben von ${organisation}. Kostenlos und direkt in Ihr Postfach.`,
  emailLabel: 'E-Mail-Adresse',
  nameLabel: 'Name',
  optional: '(optional)',
  otherNewsletters: 'Außerdem von uns:',
  consent: (name) =>
    `Mit meinem Abonnement willige ich ein, ${name} per E-Mail zu erhalten. Jede Ausgabe enthält einen Link, mit dem ich mich sofort abmelden kann. Als Nachweis meiner Einwilligung wird gespeichert, wann und von wo aus ich mich angemeldet habe.`,
  subscribeButton: 'Abonnieren',
  confirmNote: (hours) => `Wir senden Ihnen einen Bestätigungslink per E-Mail; er ist ${hours} ${hoursWord(hours)} gültig.`,
  honeypotLabel: 'Dieses Feld bitte leer lassen',
  checkInboxTitle: 'Bitte sehen Sie in Ihr Postfach',
  checkInboxBody: (hours) =>
    `Sofern diese Adresse noch nicht angemeldet ist, haben wir ihr eine Nachricht mit einem Bestätigungslink geschickt. Öffnen Sie die Nachricht und klicken Sie innerhalb von ${hours} ${hoursWord(hours)} auf den Link, um Ihr Abonnement abzuschließen.`,
  checkInboxHint: 'Nach einigen Minuten noch nichts angekommen? Sehen Sie im Spam-Ordner nach oder melden Sie sich erneut an.',
  confirmAskTitle: (name) => `Abonnement von ${name} bestätigen`,
  confirmAskBody: (name) => `Klicken Sie auf die Schaltfläche, um ${name} zu erhalten. (So kann niemand sonst, auch kein Link-Scanner, Sie anmelden.)`,
  confirmAskButton: 'Ja, abonnieren',
  confirmedTitle: 'Ihr Abonnement ist bestätigt',
  confirmedBody: (name) => `Vielen Dank. Die nächste Ausgabe von ${name} erhalten Sie per E-Mail.`,
  readArchive: 'Frühere Ausgaben lesen',
  confirmInvalidTitle: 'Dieser Bestätigungslink funktioniert nicht',
  confirmInvalidBody: (hours) =>
    `Möglicherweise ist er abgelaufen (Links sind ${hours} ${hoursWord(hours)} gültig), wurde bereits verwendet oder von Ihrem E-Mail-Programm abgeschnitten. Melden Sie sich erneut an, um einen neuen Link zu erhalten.`,
  subscribeAgain: 'Erneut abonnieren',
  unsubscribeTitle: (name) => `${name} abbestellen?`,
  unsubscribeBody: (masked, name) => `${masked} erhält ${name} dann nicht mehr.`,
  unsubscribeButton: 'Abbestellen',
  unsubscribedTitle: 'Sie sind abgemeldet',
  unsubscribedBody: (masked, name) => `${masked ?? 'Diese Adresse'} erhält ${name} nicht mehr.`,
  resubscribeOffer: 'Sie haben es sich anders überlegt? Abonnieren Sie einfach erneut; wir bitten Sie dann per E-Mail um Bestätigung.',
  preferencesInvalidTitle: 'Dieser Link zu Ihren Einstellungen funktioniert nicht',
  unsubscribeInvalidTitle: 'Dieser Abmeldelink funktioniert nicht',
  unsubscribeInvalidBody:
    'Möglicherweise wurde er beim Kopieren abgeschnitten. Öffnen Sie den Abmeldelink am Ende einer beliebigen Ausgabe oder nutzen Sie die Abmeldefunktion Ihres E-Mail-Programms.',
  preferences: {
    title: 'Ihre Abonnements',
    intro: (masked) =>
      `Einstellungen für ${masked}. Setzen Sie ein Häkchen bei den Newslettern, die Sie erhalten möchten; entfernen Sie es, um einen abzubestellen.`,
    lists: 'Newsletter',
    language: 'Sprache',
    languages: { 'zh-CN': '中文', en: 'English' },
    save: 'Speichern',
    leaveAll: 'Alle abbestellen',
    saved: 'Gespeichert.',
    leftAll: 'Sie sind von allen Newslettern abgemeldet.',
    manage: 'Abonnements verwalten',
    awaiting: 'wartet auf Ihre Bestätigung per E-Mail',
    asked: (names) => `Um ${names} zu abonnieren, öffnen Sie den Bestätigungslink, den wir Ihnen soeben per E-Mail geschickt haben.`,
    linkIntro: (days) =>
      `Zum Schutz Ihrer Daten zeigt und ändert dieser Link nichts: E-Mails werden weitergeleitet. Wir können einen Link an die Adresse senden, an die dieser Newsletter geht; er öffnet Ihre Einstellungen ${days} Tage lang.`,
    linkExpired: 'Dieser Link ist abgelaufen.',
    linkButton: 'Link zur Verwaltung meines Abonnements senden',
    linkSent: (days) =>
      `Wenn dieser Link zu einem Abonnement gehört, ist ein Link zu dessen Verwaltung an diese Adresse unterwegs. Er ist ${days} Tage lang gültig.`,
    unsubscribeOnly: (name) => `Möchten Sie nur ${name} nicht mehr erhalten?`,
  },
  archiveTitle: (name) => `${name}: alle Ausgaben`,
  allArchivesTitle: 'Alle Ausgaben aller Newsletter',
  landingTitle: 'Unsere Newsletter',
  landingIntro:
    'Wählen Sie einen Newsletter, lesen Sie frühere Ausgaben und abonnieren Sie ihn mit Ihrer E-Mail-Adresse. Jede Ausgabe enthält einen Link, mit dem Sie sich sofort abmelden können.',
  latestIssues: 'Neueste Ausgaben',
  archiveEmpty: 'Bisher ist noch keine Ausgabe erschienen.',
  issueNumber: (n) => `Ausgabe ${number(n)}`,
  previousIssue: 'Vorherige Ausgabe',
  nextIssue: 'Nächste Ausgabe',
  allIssues: 'Alle Ausgaben',
  subscribeLink: 'Abonnieren',
  invalidEmail: 'Bitte geben Sie eine E-Mail-Adresse ein, zum Beispiel name@example.com.',
  errors: {
    '400': { title: 'Die Anfrage hat nicht funktioniert', body: 'In der Anfrage fehlte etwas, oder etwas war ungültig.' },
    '404': { title: 'Seite nicht gefunden', body: 'Unter dieser Adresse gibt es nichts.' },
    '413': { title: 'Zu viele Daten', body: 'Das Formular hat mehr Daten gesendet, als diese Seite annimmt.' },
    '415': { title: 'Formular nicht unterstützt', body: 'Das Formular wurde in einem Format gesendet, das diese Seite nicht annimmt.' },
    '429': { title: 'Zu viele Versuche', body: 'Bitte warten Sie eine Minute und versuchen Sie es dann erneut.' },
    '500': { title: 'Bei uns ist ein Fehler aufgetreten', body: 'Bitte versuchen Sie es in einigen Minuten erneut.' },
  },
  backHome: 'Zur Anmeldeseite',
};
