// Step 0b: every string an editor wrote has the token syntax defused (splice.ts says why), so
// the splice touches only the tokens the templates placed. Pure: returns new objects.
import type { Issue, Newsletter } from '../content/schema.ts';
import { defuseTokenSyntax } from './splice.ts';

function defuse<T>(value: T): T {
  if (typeof value === 'string') return defuseTokenSyntax(value) as T;
  if (Array.isArray(value)) return value.map(defuse) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, defuse(v)])) as T;
  return value;
}

export function defuseIssue(issue: Issue): Issue {
  return defuse(issue);
}

export function defuseNewsletter(newsletter: Newsletter): Newsletter {
  return defuse(newsletter);
}
