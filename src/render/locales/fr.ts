// French: vouvoiement, and French typography: a no-break space (U+00A0) before : ? !
import type { Strings } from './types.ts';
import { dateFormatter, eventTimeFormatter, numberFormatter, plural } from './format.ts';

const number = numberFormatter('fr');
const NBSP = '\u00a0';

const hoursWord = (n: number) => plural('fr', n, { one: 'heure', other: 'heures' });

export const fr: Strings = {
  title: (name) => name,
  issueNumber: (n) => `Numéro ${number(n)}`,
  date: dateFormatter('fr'),
  viewOnline: 'Voir en ligne',
  greetingPrefix: 'Bonjour ',
  greetingSuffix: ',',
  // "Bonjour à tous," when the name is unknown.
  defaultName: 'à tous',
  fieldHeading: (field) => field,
  affiliations: `Affiliations${NBSP}: `,
  authors: `Auteurs${NBSP}: `,
  joinNames: (names) => names.join(', '),
  download: 'Télécharger',
  details: 'En savoir plus',
  speaker: 'Avec ',
  time: `Quand${NBSP}: `,
  place: `Lieu${NBSP}: `,
  online: 'Participer en ligne',
  register: 'S’inscrire',
  addToCalendar: 'Ajouter au calendrier',
  eventTime: eventTimeFormatter('fr'),
  sponsorLabel: 'Publicité',
  imageLabel: 'Image',
  quoted: (text) => `«${NBSP}${text}${NBSP}»`,
  communityTitle: 'Rejoindre la communauté',
  previous: `Numéro précédent${NBSP}: `,
  next: `Numéro suivant${NBSP}: `,
  source: `Source${NBSP}: `,
  disclaimer: `Avertissement${NBSP}: `,
  whyReceived: (title) => `Vous recevez cet e-mail suite à votre abonnement à ${title}.`,
  unsubscribe: 'Se désabonner',
  managePreferences: 'Gérer mes abonnements',
  archiveInvite: (title) => `Recevoir ${title} chaque semaine dans votre boîte mail${NBSP}?`,
  subscribe: 'S’abonner',
  confirm: {
    subject: (title) => `Confirmez votre abonnement à ${title}`,
    heading: 'Confirmez votre abonnement',
    intro: (title) => `Merci de votre abonnement à ${title}. Cliquez sur le bouton ci-dessous pour confirmer que cette adresse est bien la vôtre${NBSP}:`,
    button: 'Confirmer l’abonnement',
    expires: (hours) => (hours ? `Ce lien expire dans ${hours}${NBSP}${hoursWord(hours)}.` : 'Ce lien expire au bout d’un certain temps.'),
    ignore: `Si vous n’êtes pas à l’origine de cette demande, ignorez simplement cet e-mail${NBSP}: sans confirmation, nous ne vous enverrons rien d’autre.`,
    fallback: `Le bouton ne fonctionne pas${NBSP}? Copiez ce lien dans votre navigateur${NBSP}:`,
  },
  welcome: {
    subject: (title) => `Bienvenue dans ${title}`,
    heading: `Votre abonnement est confirmé. Bienvenue${NBSP}!`,
    intro: (title) => `À partir du prochain numéro, ${title} arrivera dans cette boîte de réception. En attendant, voici le dernier${NBSP}:`,
    latest: 'Lire le dernier numéro',
    archive: 'Tous les numéros',
    leave: `Vous pouvez vous désabonner à tout moment${NBSP}:`,
    manage: 'Gérer mes abonnements',
  },
  preferencesLink: {
    subject: (title) => `Votre lien pour gérer votre abonnement à ${title}`,
    heading: 'Gérer votre abonnement',
    intro: (title) =>
      `Quelqu’un (vous, nous l’espérons) a demandé un lien pour modifier vos paramètres pour ${title}${NBSP}: les lettres que vous recevez, votre nom et votre langue.`,
    button: 'Gérer mon abonnement',
    expires: (days) => `Ce lien est valable ${days}${NBSP}jours, pour cette adresse seulement.`,
    ignore: `Si vous ne l’avez pas demandé, ignorez simplement cet e-mail${NBSP}: rien ne change.`,
  },
};
