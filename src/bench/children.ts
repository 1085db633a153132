// Child processes the benchmark starts (sink, blasters, workers): compiled JavaScript when the
// bench runs from dist/, TypeScript through the tsx loader when it runs from source (tests);
// remembered, and all stopped at the end, on error and on Ctrl-C (see stopAll).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const running = new Set<ChildProcess>();
/** Stopped after the others (the sink: workers draining their last messages still need it). */
const stopLast = new WeakSet<ChildProcess>();

/**
 * The path of an entry file beside `base` (an `import.meta.url`), written with `.ts`: in dist/
 * the compiled `.js` next to the compiled caller, in src/ the source itself.
 */
export function entryBeside(relativeTs: string, base: string): string {
  const path = fileURLToPath(new URL(relativeTs, base));
  return base.endsWith('.ts') ? path : path.replace(/\.ts$/, '.js');
}

export interface SpawnEntryOptions {
  env?: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  args?: string[];
  /** Open an IPC channel (process.send in the child). */
  ipc?: boolean;
  /** Where the child's stdout/stderr go; 'inherit' by default. */
  output?: 'inherit' | 'ignore' | 'pipe';
  /** Stop this one only after every other child is gone (see stopAll). */
  stopLast?: boolean;
}

/** Runs an entry file (from entryBeside) in a new Node process; a `.ts` one through tsx. */
export function spawnEntry(file: string, opts: SpawnEntryOptions = {}): ChildProcess {
  const output = opts.output ?? 'inherit';
  const loader = file.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...loader, file, ...(opts.args ?? [])], {
    env: opts.env ?? process.env,
    stdio: ['ignore', output, output, ...(opts.ipc ? (['ipc'] as const) : [])],
  });
  running.add(child);
  if (opts.stopLast) stopLast.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** SIGTERM (graceful drain) then SIGKILL after `graceMs`. Resolves when the process is gone. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(graceMs = 5000): Promise<void> {
  const all = [...running];
  await Promise.all(all.filter((c) => !stopLast.has(c)).map((c) => stopChild(c, graceMs)));
  await Promise.all(all.filter((c) => stopLast.has(c)).map((c) => stopChild(c, graceMs)));
}

/** Synchronous last resort for process 'exit': whatever is still running is killed. */
export function killAllNow(): void {
  for (const child of running) child.kill('SIGKILL');
}
