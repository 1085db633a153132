// libmime (mailparser's own MIME library, installed with it) ships no types; this covers the one
// call the capture inbox makes.
declare module 'libmime' {
  interface Libmime {
    /** Decodes the RFC 2047 encoded-words in a header value (`=?UTF-8?B?…?=`), any charset. */
    decodeWords(value: string): string;
  }
  const libmime: Libmime;
  export default libmime;
}
