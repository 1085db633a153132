// Reads a QR code the way a phone's camera would end up reading it: the SVG's dark squares
// painted onto a white bitmap, then decoded by an independent QR reader (@paulmillr/qr), so a
// test checks what the code says, not how it was drawn.
import decodeQR from '@paulmillr/qr/decode.js';

/** The text of the first inline QR SVG in `page` (uqr's path of `M x,y h w v h` squares). */
export function readQrSvg(page: string): string {
  const svg = /<svg[^>]*viewBox="0 0 (\d+) (\d+)"[^>]*>[\s\S]*?<path fill="black" d="([^"]+)"/.exec(page);
  if (!svg) throw new Error('no QR SVG in the page');
  const width = Number(svg[1]);
  const height = Number(svg[2]);
  const data = new Uint8Array(width * height * 4).fill(255);
  for (const square of svg[3]!.matchAll(/M(\d+),(\d+)h(\d+)v(\d+)/g)) {
    const [x, y, w, h] = square.slice(1).map(Number) as [number, number, number, number];
    for (let row = y; row < y + h; row++) data.fill(0, (row * width + x) * 4, (row * width + x + w) * 4);
  }
  // Alpha stays 255: fill(0) above darkened it too, which the reader ignores (it reads luminance).
  return decodeQR({ width, height, data });
}
