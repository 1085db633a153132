// French page sentences: vouvoiement, and a no-break space (U+00A0) before : ; ? ! as in the French emails.
import { numberFormatter, plural } from '../../../render/locales/format.ts';
import type { Messages } from './types.ts';

const number = numberFormatter('fr');
const NBSP = '\u00a0';

const hoursWord = (n: number) => plural('fr', n, { one: 'heure', other: 'heures' });

export const fr: Messages = {
  lang: 'fr',
  subscribeTitle: (name) => `S’abonner à ${name}`,
  subscribeIntro: (organisation) => `Publié par ${organisation}. Gratuit, directement dans votre boîte mail.`,
  emailLabel: 'Adresse e-mail',
  nameLabel: 'Nom',
  optional: '(facultatif)',
  otherNewsletters: `Également chez nous${NBSP}:`,
  consent: (name) =>
    `En m’abonnant, j’accepte de recevoir ${name} par e-mail. Chaque numéro comporte un lien pour me désabonner immédiatement. La date et la provenance de mon inscription sont enregistrées comme preuve de mon consentement.`,
  subscribeButton: 'S’abonner',
  confirmNote: (hours) => `Nous vous enverrons par e-mail un lien de confirmation, valable ${hours}${NBSP}${hoursWord(hours)}.`,
  honeypotLabel: 'Laissez ce champ vide',
  checkInboxTitle: 'Consultez votre boîte de réception',
  checkInboxBody: (hours) =>
    `Si cette adresse n’est pas déjà abonnée, nous lui avons envoyé un message contenant un lien de confirmation. Ouvrez-le et suivez le lien ${plural('fr', hours, { one: 'dans l’heure', other: `dans les ${hours}${NBSP}${hoursWord(hours)}` })} pour finaliser votre abonnement.`,
  checkInboxHint: `Rien reçu au bout de quelques minutes${NBSP}? Vérifiez votre dossier de courrier indésirable, ou abonnez-vous à nouveau.`,
  confirmAskTitle: (name) => `Confirmez votre abonnement à ${name}`,
  confirmAskBody: (name) =>
    `Appuyez sur le bouton pour recevoir ${name}. (Nous le demandons pour que personne d’autre, ni un analyseur de liens, ne puisse vous abonner.)`,
  confirmAskButton: 'Oui, je m’abonne',
  confirmedTitle: 'Votre abonnement est confirmé',
  confirmedBody: (name) => `Merci. Le prochain numéro de ${name} arrivera dans votre boîte de réception.`,
  readArchive: 'Lire les numéros précédents',
  confirmInvalidTitle: 'Ce lien de confirmation ne fonctionne pas',
  confirmInvalidBody: (hours) =>
    `Il a peut-être expiré (les liens sont valables ${hours}${NBSP}${hoursWord(hours)}), déjà servi, ou été tronqué par votre messagerie. Abonnez-vous à nouveau pour recevoir un nouveau lien.`,
  subscribeAgain: 'S’abonner à nouveau',
  unsubscribeTitle: (name) => `Se désabonner de ${name}${NBSP}?`,
  unsubscribeBody: (masked, name) => `${masked} ne recevra plus ${name}.`,
  unsubscribeButton: 'Se désabonner',
  unsubscribedTitle: 'Votre désabonnement est confirmé',
  unsubscribedBody: (masked, name) => `${masked ?? 'Cette adresse'} ne recevra plus ${name}.`,
  resubscribeOffer: `Vous avez changé d’avis${NBSP}? Abonnez-vous à nouveau${NBSP}; nous vous demanderons de confirmer par e-mail.`,
  preferencesInvalidTitle: 'Ce lien vers vos préférences ne fonctionne pas',
  unsubscribeInvalidTitle: 'Ce lien de désabonnement ne fonctionne pas',
  unsubscribeInvalidBody:
    'Il a peut-être été tronqué lors de la copie. Utilisez le lien de désabonnement en bas de n’importe quel numéro, ou le bouton de désabonnement de votre messagerie.',
  preferences: {
    title: 'Vos abonnements',
    intro: (masked) => `Paramètres de ${masked}. Cochez les lettres d’information que vous souhaitez recevoir${NBSP}; décochez-en une pour vous en désabonner.`,
    lists: 'Lettres d’information',
    language: 'Langue',
    languages: { 'zh-CN': '中文', en: 'English' },
    save: 'Enregistrer',
    leaveAll: 'Se désabonner de tout',
    saved: 'Modifications enregistrées.',
    leftAll: 'Votre désabonnement de toutes les lettres d’information est confirmé.',
    manage: 'Gérer mes abonnements',
    awaiting: 'en attente de votre confirmation par e-mail',
    asked: (names) => `Pour vous abonner à ${names}, ouvrez le lien de confirmation que nous venons de vous envoyer par e-mail.`,
    linkIntro: (days) =>
      `Pour protéger votre vie privée, ce lien n’affiche et ne modifie rien${NBSP}: les e-mails sont parfois transférés. Nous pouvons envoyer un lien à l’adresse qui reçoit cette lettre${NBSP}; il ouvre vos paramètres pendant ${days}${NBSP}jours.`,
    linkExpired: 'Ce lien a expiré.',
    linkButton: 'M’envoyer un lien pour gérer mon abonnement',
    linkSent: (days) => `Si ce lien appartient à un abonné, un lien pour gérer l’abonnement est en route vers son adresse. Il est valable ${days}${NBSP}jours.`,
    unsubscribeOnly: (name) => `Vous voulez seulement ne plus recevoir ${name}${NBSP}?`,
  },
  archiveTitle: (name) => `${name}${NBSP}: tous les numéros`,
  allArchivesTitle: 'Tous les numéros de toutes nos lettres',
  landingTitle: 'Nos lettres d’information',
  landingIntro:
    'Choisissez une lettre d’information, lisez ses numéros précédents et abonnez-vous avec votre adresse e-mail. Chaque numéro comporte un lien pour vous désabonner immédiatement.',
  latestIssues: 'Derniers numéros',
  archiveEmpty: 'Aucun numéro n’a encore été publié.',
  issueNumber: (n) => `Numéro ${number(n)}`,
  previousIssue: 'Numéro précédent',
  nextIssue: 'Numéro suivant',
  allIssues: 'Tous les numéros',
  subscribeLink: 'S’abonner',
  invalidEmail: 'Saisissez une adresse e-mail, par exemple name@example.com.',
  errors: {
    '400': { title: 'La requête n’a pas abouti', body: 'Un élément de la requête manquait ou n’était pas valide.' },
    '404': { title: 'Page introuvable', body: 'Il n’y a rien à cette adresse.' },
    '413': { title: 'Trop de données', body: 'Le formulaire a envoyé plus de données que cette page n’en accepte.' },
    '415': { title: 'Formulaire non pris en charge', body: 'Le formulaire a été envoyé dans un format que cette page n’accepte pas.' },
    '429': { title: 'Trop de tentatives', body: 'Veuillez patienter une minute, puis réessayer.' },
    '500': { title: 'Une erreur s’est produite de notre côté', body: 'Veuillez réessayer dans quelques minutes.' },
  },
  backHome: 'Aller à la page d’abonnement',
};
