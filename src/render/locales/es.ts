// Spanish: tuteo, as Spanish-language newsletters usually write; opening ¿ and ¡.
import type { Strings } from './types.ts';
import { dateFormatter, eventTimeFormatter, numberFormatter, plural } from './format.ts';

const number = numberFormatter('es');

const hoursWord = (n: number) => plural('es', n, { one: 'hora', other: 'horas' });

export const es: Strings = {
  title: (name) => name,
  issueNumber: (n) => `Número ${number(n)}`,
  date: dateFormatter('es'),
  viewOnline: 'Ver en el navegador',
  greetingPrefix: 'Hola, ',
  greetingSuffix: ':',
  defaultName: 'lector',
  fieldHeading: (field) => field,
  affiliations: 'Instituciones: ',
  authors: 'Autores: ',
  joinNames: (names) => names.join(', '),
  download: 'Descargar',
  details: 'Más información',
  speaker: 'Ponente: ',
  time: 'Cuándo: ',
  place: 'Lugar: ',
  online: 'Participar en línea',
  register: 'Inscribirse',
  addToCalendar: 'Añadir al calendario',
  eventTime: eventTimeFormatter('es'),
  sponsorLabel: 'Publicidad',
  imageLabel: 'Imagen',
  quoted: (text) => `«${text}»`,
  communityTitle: 'Únete a la comunidad',
  previous: 'Anterior: ',
  next: 'Siguiente: ',
  source: 'Fuente: ',
  disclaimer: 'Aviso: ',
  whyReceived: (title) => `Recibes este correo porque te suscribiste a ${title}.`,
  unsubscribe: 'Cancelar suscripción',
  managePreferences: 'Gestionar suscripciones',
  archiveInvite: (title) => `¿Quieres recibir ${title} cada semana en tu correo?`,
  subscribe: 'Suscribirme',
  confirm: {
    subject: (title) => `Confirma tu suscripción a ${title}`,
    heading: 'Confirma tu suscripción',
    intro: (title) => `Gracias por suscribirte a ${title}. Pulsa el botón de abajo para confirmar que esta dirección es tuya:`,
    button: 'Confirmar suscripción',
    expires: (hours) => (hours ? `Este enlace caduca en ${hours} ${hoursWord(hours)}.` : 'Este enlace caduca pasado un tiempo.'),
    ignore: 'Si no te suscribiste, ignora este correo: sin confirmación no te enviaremos nada más.',
    fallback: '¿El botón no funciona? Copia este enlace en tu navegador:',
  },
  welcome: {
    subject: (title) => `Te damos la bienvenida a ${title}`,
    heading: 'Suscripción confirmada. ¡Te damos la bienvenida!',
    intro: (title) => `A partir del próximo número, ${title} llegará a este buzón. Mientras tanto, aquí tienes el último:`,
    latest: 'Leer el último número',
    archive: 'Números anteriores',
    leave: 'Puedes darte de baja cuando quieras:',
    manage: 'Gestionar mis suscripciones',
  },
  preferencesLink: {
    subject: (title) => `Tu enlace para gestionar tu suscripción a ${title}`,
    heading: 'Gestiona tu suscripción',
    intro: (title) => `Alguien (esperamos que tú) ha pedido un enlace para cambiar tus ajustes de ${title}: qué boletines recibes, tu nombre y tu idioma.`,
    button: 'Gestionar mi suscripción',
    expires: (days) => `Este enlace es válido durante ${days} días y solo para esta dirección.`,
    ignore: 'Si no lo has pedido, ignora este correo: no cambia nada.',
  },
};
