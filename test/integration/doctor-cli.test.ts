// `newsletter doctor` as an operator runs it: the compiled CLI in a child process, configured
// only by its environment, pointed at the deployment of doctor-harness.ts (DOCTOR_DNS_SERVER for
// DNS, NODE_EXTRA_CA_CERTS to trust the test CA as a real CA would be trusted).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/types.ts';
import { bareEnv, runCli } from '../helpers/cli.ts';
import { type DoctorWorld, SECRET, startDoctorWorld, startSite } from './doctor-harness.ts';

let world: DoctorWorld;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  world = await startDoctorWorld();
  // An empty working directory: no .env of the repository's is read.
  dir = mkdtempSync(join(tmpdir(), 'doctor-cli-'));
  writeFileSync(join(dir, 'ca.pem'), world.ca.cert);
  env = bareEnv({ ...world.env, DOCTOR_DNS_SERVER: world.dns.address, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') });
}, 60_000);

afterAll(async () => {
  await world?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('newsletter doctor (CLI)', () => {
  it('prints one line per check and exits 0 on a correct set-up', async () => {
    const run = await runCli(['doctor'], { cwd: dir, env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('all checks passed');
    expect(lines.filter((l) => l.startsWith('ok '))).toHaveLength(lines.length - 1);
  });

  it('--json: an array of {check, status, detail, fix?}, exit code 1 when a check fails, no secret printed', async () => {
    const site = await startSite(world.serverTls, 301);
    try {
      const run = await runCli(['doctor', '--json'], {
        cwd: dir,
        env: { ...env, PUBLIC_URL: site.url, SMTP_URL: `smtp://u:pa55-word-7@127.0.0.1:${world.relay.port}` },
      });
      expect(run.code).toBe(1);
      const results = JSON.parse(run.stdout) as CheckResult[];
      expect(Array.isArray(results)).toBe(true);
      for (const r of results) {
        expect(Object.keys(r).sort()).toEqual(r.fix === undefined ? ['check', 'detail', 'status'] : ['check', 'detail', 'fix', 'status']);
        expect(['pass', 'warn', 'fail']).toContain(r.status);
      }
      expect(results.find((r) => r.check === 'one-click')).toMatchObject({ status: 'fail', fix: expect.any(String) });
      const printed = run.stdout + run.stderr;
      expect(printed).not.toContain('pa55-word-7');
      expect(printed).not.toContain(SECRET);
      expect(printed).not.toContain(world.dkimKey.split('\n')[1]!);
    } finally {
      await site.close();
    }
  });
});
