// Spanish page sentences: tuteo and opening ¿ ¡, as the Spanish emails write.
import { numberFormatter, plural } from '../../../render/locales/format.ts';
import type { Messages } from './types.ts';

const number = numberFormatter('es');

const hoursWord = (n: number) => plural('es', n, { one: 'hora', other: 'horas' });

export const es: Messages = {
  lang: 'es',
  subscribeTitle: (name) => `Suscríbete a ${name}`,
  subscribeIntro: (organisation) => `Publicado por ${organisation}. Gratis y directamente en tu correo.`,
  emailLabel: 'Correo electrónico',
  nameLabel: 'Nombre',
  optional: '(opcional)',
  otherNewsletters: 'También publicamos:',
  consent: (name) =>
    `Al suscribirme, acepto recibir ${name} por correo electrónico. Cada número incluye un enlace para darme de baja al instante. Se registra cuándo y desde dónde me suscribí, como prueba de mi consentimiento.`,
  subscribeButton: 'Suscribirme',
  confirmNote: (hours) => `Te enviaremos por correo un enlace de confirmación, válido durante ${hours} ${hoursWord(hours)}.`,
  honeypotLabel: 'Deja este campo vacío',
  checkInboxTitle: 'Revisa tu correo',
  checkInboxBody: (hours) =>
    `Si esta dirección aún no está suscrita, le hemos enviado un mensaje con un enlace de confirmación. Ábrelo y sigue el enlace en un plazo de ${hours} ${hoursWord(hours)} para completar la suscripción.`,
  checkInboxHint: '¿No te ha llegado nada en unos minutos? Revisa la carpeta de spam o vuelve a suscribirte.',
  confirmAskTitle: (name) => `Confirma tu suscripción a ${name}`,
  confirmAskBody: (name) => `Pulsa el botón para empezar a recibir ${name}. (Lo pedimos para que nadie más, ni un analizador de enlaces, pueda suscribirte.)`,
  confirmAskButton: 'Sí, suscribirme',
  confirmedTitle: 'Suscripción confirmada',
  confirmedBody: (name) => `Gracias. El próximo número de ${name} llegará a tu correo.`,
  readArchive: 'Leer números anteriores',
  confirmInvalidTitle: 'Este enlace de confirmación no funciona',
  confirmInvalidBody: (hours) =>
    `Puede que haya caducado (los enlaces son válidos durante ${hours} ${hoursWord(hours)}), que ya se haya usado o que tu programa de correo lo haya cortado. Vuelve a suscribirte para recibir un enlace nuevo.`,
  subscribeAgain: 'Volver a suscribirme',
  unsubscribeTitle: (name) => `¿Darte de baja de ${name}?`,
  unsubscribeBody: (masked, name) => `${masked} dejará de recibir ${name}.`,
  unsubscribeButton: 'Darme de baja',
  unsubscribedTitle: 'Te has dado de baja',
  unsubscribedBody: (masked, name) => `${masked ?? 'Esta dirección'} ya no recibirá ${name}.`,
  resubscribeOffer: '¿Has cambiado de opinión? Vuelve a suscribirte; te pediremos que lo confirmes por correo.',
  preferencesInvalidTitle: 'Este enlace a tus preferencias no funciona',
  unsubscribeInvalidTitle: 'Este enlace para darte de baja no funciona',
  unsubscribeInvalidBody:
    'Puede que se haya cortado al copiarlo. Abre el enlace para darte de baja que aparece al final de cualquier número, o usa el botón de baja de tu programa de correo.',
  preferences: {
    title: 'Tus suscripciones',
    intro: (masked) => `Ajustes de ${masked}. Marca los boletines que quieres recibir; desmarca uno para darte de baja.`,
    lists: 'Boletines',
    language: 'Idioma',
    languages: { 'zh-CN': '中文', en: 'English' },
    save: 'Guardar',
    leaveAll: 'Darme de baja de todos',
    saved: 'Cambios guardados.',
    leftAll: 'Te has dado de baja de todos los boletines.',
    manage: 'Gestionar mis suscripciones',
    awaiting: 'pendiente de tu confirmación por correo',
    asked: (names) => `Para suscribirte a ${names}, abre el enlace de confirmación que acabamos de enviarte por correo.`,
    linkIntro: (days) =>
      `Para proteger tu privacidad, este enlace no muestra ni cambia nada: los correos se reenvían. Podemos enviar un enlace a la dirección que recibe este boletín; abre tus ajustes durante ${days} días.`,
    linkExpired: 'Este enlace ha caducado.',
    linkButton: 'Enviarme un enlace para gestionar mi suscripción',
    linkSent: (days) =>
      `Si este enlace pertenece a un suscriptor, un enlace para gestionar la suscripción va de camino a su dirección. Es válido durante ${days} días.`,
    unsubscribeOnly: (name) => `¿Solo quieres dejar de recibir ${name}?`,
  },
  archiveTitle: (name) => `${name}: todos los números`,
  allArchivesTitle: 'Todos los números de todos los boletines',
  landingTitle: 'Nuestros boletines',
  landingIntro:
    'Elige un boletín, lee sus números anteriores y suscríbete con tu correo electrónico. Cada número incluye un enlace para darte de baja al instante.',
  latestIssues: 'Últimos números',
  archiveEmpty: 'Todavía no se ha publicado ningún número.',
  issueNumber: (n) => `Número ${number(n)}`,
  previousIssue: 'Número anterior',
  nextIssue: 'Número siguiente',
  allIssues: 'Todos los números',
  subscribeLink: 'Suscribirme',
  invalidEmail: 'Escribe una dirección de correo, por ejemplo name@example.com.',
  errors: {
    '400': { title: 'La solicitud no ha funcionado', body: 'Faltaba algo en la solicitud o no era válido.' },
    '404': { title: 'Página no encontrada', body: 'No hay nada en esta dirección.' },
    '413': { title: 'Demasiados datos', body: 'El formulario ha enviado más datos de los que admite esta página.' },
    '415': { title: 'Formulario no admitido', body: 'El formulario se ha enviado en un formato que esta página no admite.' },
    '429': { title: 'Demasiados intentos', body: 'Espera un minuto y vuelve a intentarlo.' },
    '500': { title: 'Algo ha fallado por nuestra parte', body: 'Vuelve a intentarlo dentro de unos minutos.' },
  },
  backHome: 'Ir a la página de suscripción',
};
