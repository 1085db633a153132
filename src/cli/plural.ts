// Counts in CLI output: "1 subscriber", "20 subscribers", "1 mailbox", "2 mailboxes". One
// helper for every command, so no line says "1 subscribers".

/** `n` and the word, singular for exactly 1 (`many` for irregular plurals). */
export function count(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
