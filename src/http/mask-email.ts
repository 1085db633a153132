// Unsubscribe pages show whose subscription it is without showing the address to whoever holds
// the link (links get forwarded): first character of the local part, then the domain.
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  const local = Array.from(email.slice(0, at));
  return `${local[0]}***@${email.slice(at + 1)}`;
}
