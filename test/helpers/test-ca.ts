// A certificate authority made at test time with the openssl CLI in a temporary directory: its
// certificate (to trust, as `ca`), a leaf it signed for given names, and a self-signed leaf no CA
// vouches for. Nothing is written outside the directory, which `remove()` deletes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyAndCert {
  key: string;
  cert: string;
}

export interface TestCa {
  /** The CA's certificate (PEM): what a client passes as `ca`. */
  cert: string;
  /** A leaf signed by this CA for `names` (DNS names and IP addresses). */
  leaf(names: string[]): KeyAndCert;
  /** A leaf for `names` that signs itself. */
  selfSigned(names: string[]): KeyAndCert;
  remove(): void;
}

const san = (names: string[]) => `subjectAltName=${names.map((n) => (/^[0-9.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',')}`;

export function createTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-ca-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/O=Doctor Test CA/CN=Doctor Test CA',
  );
  let n = 0;
  return {
    cert: read('ca.pem'),
    leaf(names) {
      n += 1;
      writeFileSync(join(dir, `ext${n}.cnf`), `${san(names)}\n`);
      openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `leaf${n}.key`, '-out', `leaf${n}.csr`, '-subj', `/CN=${names[0]}`);
      openssl(
        'x509',
        '-req',
        '-in',
        `leaf${n}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `leaf${n}.pem`,
        '-days',
        '30',
        '-extfile',
        `ext${n}.cnf`,
      );
      return { key: read(`leaf${n}.key`), cert: read(`leaf${n}.pem`) };
    },
    selfSigned(names) {
      n += 1;
      openssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `self${n}.key`,
        '-out',
        `self${n}.pem`,
        '-days',
        '30',
        '-subj',
        `/CN=${names[0]}`,
        '-addext',
        san(names),
      );
      return { key: read(`self${n}.key`), cert: read(`self${n}.pem`) };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
