// The name a confirmation mail may greet with. Whoever submits the form chooses it, and the mail
// goes to any address typed there, so a name that could carry a message of its own (a link, a
// domain, an address, something long) is not used: the locale's default greeting is.
const MAX_GREETING_NAME = 40;
const LINK_LIKE = /:\/\/|www\.|@|[\p{L}\p{N}-]\.[\p{L}]{2,}|\d{5,}/iu;

export function greetingName(name: string | undefined | null): string | undefined {
  const trimmed = name?.trim();
  if (!trimmed) return undefined;
  if (Array.from(trimmed).length > MAX_GREETING_NAME || LINK_LIKE.test(trimmed)) return undefined;
  return trimmed;
}
