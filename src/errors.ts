// The base for errors caused by what a person gave us (a content file, a variable, an
// argument). The CLI prints their message as one line, without a stack trace, and exits 1.
export class UserError extends Error {
  override name = 'UserError';
}
