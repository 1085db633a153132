// A QR code drawn on the server as inline SVG (through uqr): the two-step sign-in setup shows
// the otpauth:// address this way, so a phone's authenticator app can scan it instead of the
// member typing 32 letters. Dark modules on a white square with the standard quiet zone of 4
// modules, whatever the page's colour scheme: scanners need the contrast. The page keeps the key and the address as text beside it.
import { renderSVG } from 'uqr';
import { html, trusted, type SafeHtml } from '../http/views/html.ts';

export function qrCode(text: string, label: string): SafeHtml {
  // uqr's SVG holds only numbers and its fixed colours: nothing of `text` appears in it as text.
  const svg = renderSVG(text, { border: 4 }).replace('<svg ', '<svg width="200" height="200" ');
  return html`<figure class="qr" role="img" aria-label="${label}">${trusted(svg)}</figure>`;
}
