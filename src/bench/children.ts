// Child processes the benchmark starts (sink, blasters, workers): spawned through the tsx loader,
// remembered, and all stopped at the end, on error and on Ctrl-C (see stopAll).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const running = new Set<ChildProcess>();
/** Stopped after the others (the sink: workers draining their last messages still need it). */
const stopLast = new WeakSet<ChildProcess>();

export interface SpawnTsOptions {
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

/** Runs a TypeScript entry file in a new Node process through tsx. */
export function spawnTs(file: string, opts: SpawnTsOptions = {}): ChildProcess {
  const output = opts.output ?? 'inherit';
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', import.meta.resolve('tsx'), file, ...(opts.args ?? [])], {
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
