// Passwords, hashed with argon2id (@node-rs/argon2) at OWASP's recommended minimum: 19 MiB of
// memory, 2 passes, 1 lane (about 25 ms on one core here). The PHC string keeps its own
// parameters, so raising them later still verifies old hashes.
import { Algorithm, hash, verify } from '@node-rs/argon2';

export const ARGON2_PARAMETERS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Shortest password accepted; the longest is capped too, so hashing stays bounded. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/** What is wrong with a new password, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN) return `a password needs at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `a password may have at most ${PASSWORD_MAX} characters`;
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMETERS);
}

// Verified against when the address is unknown or has no password yet, so that a wrong address
// takes as long to refuse as a wrong password (no telling which addresses are members by time).
let decoy: Promise<string> | null = null;
function decoyHash(): Promise<string> {
  if (!decoy) decoy = hashPassword('decoy password that no one has');
  return decoy;
}

/** Whether `password` matches `stored` (a PHC string); an empty `stored` never matches, in the same time. */
export async function passwordMatches(stored: string | undefined, password: string): Promise<boolean> {
  const against = stored || (await decoyHash());
  let ok = false;
  try {
    ok = await verify(against, password.slice(0, PASSWORD_MAX));
  } catch {
    ok = false; // a damaged stored hash matches nothing
  }
  return ok && Boolean(stored);
}
