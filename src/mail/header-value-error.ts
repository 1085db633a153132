// A value that would reach a mail header in a form that could end the header line or start
// another one (CR, LF, other controls) or break its syntax (an address with specials in it).
// Thrown before anything is sent: the message is never built, so nothing can be injected.
export class HeaderValueError extends Error {
  override name = 'HeaderValueError';
  constructor(
    /** The header the value was meant for, e.g. `To` or `List-Unsubscribe`. */
    readonly header: string,
    message: string,
  ) {
    super(`${header}: ${message}`);
  }
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Throws HeaderValueError when `value` holds CR, LF or any other control character. */
export function assertHeaderSafe(header: string, value: string): string {
  if (CONTROL.test(value)) {
    throw new HeaderValueError(header, `value contains a line break or control character: ${JSON.stringify(value.slice(0, 80))}`);
  }
  return value;
}
